"""Load an event from a file or folder: read YAML, validate the format, build the core event, check it.

Every problem found is reported at once, each with ``file:line:column``, the field and a hint; nothing is
half-loaded. One run checks the format (types, times, unknown fields) and the rules between the parts
(`netwerkdag.core.invariants`): a part with a format problem is left out of the rules, and the others are
checked (`netwerkdag.files.salvage`). What could not be checked is said in notes beside the problems.
Only a file that cannot be read as YAML stops everything after it. A folder holds
``event.yaml`` and, unless the event names the network inline, the network file it points to (default
``network.yaml``): a YAML file inside the event's folder, also after following links, so that an event
file cannot make netwerkdag read (and quote) a file elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path as FsPath
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import ValidationError

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import check_event, plan_problems
from netwerkdag.core.problems import Location, NetwerkdagError, Path, Problem
from netwerkdag.files import schema
from netwerkdag.files.build import build_event
from netwerkdag.files.format_errors import problems_from_pydantic
from netwerkdag.files.salvage import Salvage, salvage
from netwerkdag.files.schema import DEFAULT_NETWORK_FILE, EVENT_FILE
from netwerkdag.files.yaml_source import SourceDocument, read_yaml

#: The note of files that could not be read whole: nothing after reading ran.
NOT_READ = "The format and the rules were not checked: they need every file of the event read first."


class EventFileError(NetwerkdagError):
    """The problems of an event file, with notes on what could not be checked because of them."""

    def __init__(self, problems: list[Problem] | Problem, notes: Sequence[str] = ()) -> None:
        super().__init__(problems)
        self.notes: tuple[str, ...] = tuple(notes)


@dataclass(frozen=True, slots=True)
class Examination:
    """Everything one run finds in an event file."""

    #: Every problem, located and sorted by file, line and column.
    problems: list[Problem]
    #: What could not be checked, and why.
    notes: tuple[str, ...]
    #: The event built from the whole file, when it has no problems but those a plan may have (a room or a
    #: person in two places at once, a person outside their availability); None otherwise.
    event: Event | None


def resolve_event_path(path: FsPath) -> FsPath:
    """The event file for `path`: the path itself, or ``event.yaml`` inside a folder."""
    try:
        return _resolve(path)
    except OSError as exc:  # a name too long, a loop of links, ...
        raise NetwerkdagError(
            Problem("file-unreadable", f"cannot open {path}: {exc.strerror or exc}", (), "check the path")
        ) from None


def _resolve(path: FsPath) -> FsPath:
    if path.is_dir():
        candidate = path / EVENT_FILE
        if not candidate.exists():  # anything else by that name is refused when it is read
            raise NetwerkdagError(
                Problem(
                    "file-not-found",
                    f"the folder {path} holds no {EVENT_FILE}",
                    (),
                    f"pass the event file itself, or name it {EVENT_FILE}",
                )
            )
        return candidate
    if not path.exists():
        raise NetwerkdagError(
            Problem("file-not-found", f"no such file or folder: {path}", (), "check the path")
        )
    return path


# --- reading ------------------------------------------------------------------------------------------------


def _locate_all(problems: list[Problem], source: SourceDocument) -> list[Problem]:
    """Give each problem its location and sort by file, line and column (stable for equal places)."""
    located = [p if p.location else p.located(source.locate(p.path, at_key=p.at_key)) for p in problems]

    def order(p: Problem) -> tuple[str, int, int]:
        loc = p.location or Location("", 0, 0)
        return (loc.file, loc.line, loc.column)

    return sorted(located, key=order)


def _empty_file(file: str, what: str) -> NetwerkdagError:
    return NetwerkdagError(
        Problem(
            "empty-file",
            f"the {what} file is empty",
            (),
            "see docs/event-file.md for what it holds, or copy examples/g40-haarlem-2023",
            Location(file, 1, 1),
        )
    )


def _exists(path: FsPath) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _kind_of(data: Any) -> str:
    """What a whole file holds, named without quoting it: the file may not be what the user thinks it is
    (a key, a password file), and an error message must not show it."""
    return "a list" if isinstance(data, list) else "a single value"


_NETWORK_PATH_HINT = (
    "name a .yaml file in the event's folder, such as network.yaml, or put the network inline"
)


def _network_path_problem(network: str, folder: FsPath) -> str | None:
    """Why `network` may not name the network file, or None: it must be a relative path to a YAML file
    inside the event's folder, also after following symbolic links. An event file cannot make
    netwerkdag read (and quote in errors) a file elsewhere on the machine."""
    if any(c in schema.CONTROL_CHARACTERS for c in network):
        return "the network file's name holds a control character"
    if PurePosixPath(network).is_absolute() or PureWindowsPath(network).is_absolute():
        return f"the network file '{network}' is an absolute path; name it relative to the event's folder"
    if PurePosixPath(network).suffix.lower() not in (".yaml", ".yml"):
        return f"the network file '{network}' is not a YAML file (.yaml or .yml)"
    try:
        base = folder.resolve()
        target = (base / network).resolve()
    except RuntimeError:  # Python before 3.13; later versions give OSError (ELOOP)
        return f"the network file '{network}' is a symbolic link that leads back to itself"
    except OSError as exc:
        return f"the network file '{network}' cannot be followed: {exc.strerror or exc}"
    if not target.is_relative_to(base):
        return f"the network file '{network}' lies outside the event's folder"
    return None


#: Problems of an event file that holds nothing to check: it cannot be opened, is empty, or is not text.
_NOTHING_TO_CHECK = frozenset(
    {"file-not-found", "not-a-file", "file-unreadable", "file-too-large", "not-utf8"}
)


def read_event_source(path: FsPath) -> SourceDocument:
    """Read the event file and the network file it refers to into one document with positions. When the
    event file holds something, but it or a file it names cannot be read whole, the error carries the
    note that nothing else was checked."""
    event_path = resolve_event_path(path)
    shown = str(path / EVENT_FILE) if event_path != path else str(path)
    try:
        doc = read_yaml(event_path, shown_as=shown, partial=True)
    except NetwerkdagError as error:
        if all(p.code in _NOTHING_TO_CHECK for p in error.problems):
            raise
        raise EventFileError(error.problems, [NOT_READ]) from None
    data: Any = doc.data
    if data is None:
        raise _empty_file(shown, "event")
    if not isinstance(data, dict):
        raise NetwerkdagError(
            Problem(
                "bad-type",
                f"the event file must be a mapping with the keys `network` and `event`, not {_kind_of(data)}",
                (),
                "start the file with `network: network.yaml` and `event:` lines; see docs/event-file.md",
                doc.locate(()),
            )
        )
    try:
        return _with_network(doc, event_path, shown)
    except NetwerkdagError as error:
        raise EventFileError(error.problems, [NOT_READ]) from None


def _with_network(doc: SourceDocument, event_path: FsPath, shown: str) -> SourceDocument:
    """The event file's document with the network file it names (default network.yaml) read into it."""
    data: dict[str, Any] = doc.data
    network = data.get("network", DEFAULT_NETWORK_FILE)
    if not isinstance(network, str):
        return doc
    refused = _network_path_problem(network, event_path.parent)
    if refused is not None:
        raise NetwerkdagError(
            Problem("bad-network-path", refused, ("network",), _NETWORK_PATH_HINT, doc.locate(("network",)))
        )
    network_path = event_path.parent / network
    network_shown = str(FsPath(shown).parent / network)
    if not _exists(network_path):
        if "network" not in data:
            return doc  # validation reports the missing network, with every other problem of the file
        raise NetwerkdagError(
            Problem(
                "file-not-found",
                f"the network file '{network}' does not exist next to the event file",
                ("network",),
                "check the file name, or put the network inline under `network:`",
                doc.locate(("network",)),
            )
        )
    net_doc = read_yaml(network_path, shown_as=network_shown, partial=True)
    if net_doc.data is None:
        raise _empty_file(network_shown, "network")
    if not isinstance(net_doc.data, dict):
        raise NetwerkdagError(
            Problem(
                "bad-type",
                f"the network file must be a mapping with the keys `id`, `name` and `people`, "
                f"not {_kind_of(net_doc.data)}",
                (),
                "start the file with `id:` and `name:` lines; see docs/event-file.md",
                net_doc.locate(()),
            )
        )
    net_doc = _with_people_files(net_doc, event_path.parent, FsPath(network_shown).parent)
    marks = dict(doc.marks)
    marks.update({("network", *p): loc for p, loc in net_doc.marks.items()})
    keys = dict(doc.keys)
    keys.update({("network", *p): loc for p, loc in net_doc.keys.items()})
    problems = (*doc.problems, *(replace(p, path=("network", *p.path)) for p in net_doc.problems))
    emptied = doc.emptied | {("network", *p) for p in net_doc.emptied}
    return SourceDocument({**data, "network": net_doc.data}, marks, shown, keys, problems, emptied)


def _with_people_files(net_doc: SourceDocument, folder: FsPath, shown_folder: FsPath) -> SourceDocument:
    """The network with the people of its `people_files` appended to `people`, each keeping its own file
    and line for error messages. The files must lie in the event's folder, as the network file must."""
    data = net_doc.data
    files = data.get("people_files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return net_doc  # validation reports the wrong type
    people = data.get("people") or []
    if not isinstance(people, list):
        return net_doc
    people = list(people)
    marks, keys = dict(net_doc.marks), dict(net_doc.keys)
    for k, name in enumerate(files):
        refused = _network_path_problem(name, folder)
        if refused is not None:
            refused = refused.replace("the network file", "the people file")
            raise NetwerkdagError(
                Problem(
                    "bad-people-file",
                    refused,
                    ("network", "people_files", k),
                    "name a .yaml file in the event's folder, such as population.yaml",
                    net_doc.locate(("people_files", k)),
                )
            )
        if not _exists(folder / name):
            raise NetwerkdagError(
                Problem(
                    "file-not-found",
                    f"the people file '{name}' does not exist next to the event file",
                    ("network", "people_files", k),
                    "check the file name",
                    net_doc.locate(("people_files", k)),
                )
            )
        extra = read_yaml(folder / name, shown_as=str(shown_folder / name))
        listed = extra.data.get("people") if isinstance(extra.data, dict) else None
        if not isinstance(listed, list) or set(extra.data) != {"people"}:
            raise NetwerkdagError(
                Problem(
                    "bad-type",
                    f"the people file '{name}' must be a mapping with one key, `people`, holding a list",
                    (),
                    "start the file with `people:` and list one person per entry, as in network.yaml",
                    extra.locate(()),
                )
            )
        offset = len(people)
        people.extend(listed)
        for path, loc in extra.marks.items():
            if path[:1] == ("people",) and len(path) > 1 and isinstance(path[1], int):
                marks[("people", path[1] + offset, *path[2:])] = loc
        for path, loc in extra.keys.items():
            if path[:1] == ("people",) and len(path) > 1 and isinstance(path[1], int):
                keys[("people", path[1] + offset, *path[2:])] = loc
    return SourceDocument(
        {**data, "people": people}, marks, net_doc.file, keys, net_doc.problems, net_doc.emptied
    )


def examine(source: SourceDocument, *, plan_rules: bool = True) -> Examination:
    """Every problem of read data in one run: its format, and the rules between the parts that have a
    sound format (`netwerkdag.files.salvage`). `plan_rules`: see `check_event`."""
    reading = list(source.problems)  # of the YAML's structure, read with `partial`
    try:
        rescued = Salvage(schema.EventFileIn.model_validate(source.data))
        format_problems: list[Problem] = []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        format_problems = [
            p
            for e in errors
            for p in problems_from_pydantic(e)
            if not _within(p.path, source.emptied)  # a value the reading problem took out
        ]
        rescued = salvage(source.data, errors, [p.path for p in reading])
    else:
        if reading:
            rescued = salvage(source.data, [], [p.path for p in reading])
    format_problems = reading + format_problems
    if rescued.parsed is None:
        return Examination(_locate_all(format_problems, source), tuple(rescued.notes(None)), None)
    event = build_event(rescued.parsed)
    rule_problems = check_event(event, plan_rules=False, left_out=rescued.left_out)
    plan = plan_problems(event, rescued.left_out) if plan_rules else []
    sound = not format_problems and not rule_problems
    return Examination(
        _locate_all(format_problems + rule_problems + plan, source),
        tuple(rescued.notes(event)),
        event if sound else None,
    )


def _within(path: Path, places: Iterable[Path]) -> bool:
    """Whether `path` is one of `places` or lies inside one."""
    return any(path[: len(place)] == place for place in places)


def event_from_source(source: SourceDocument, *, plan_rules: bool = True) -> Event:
    """Validate and build an event from read data; raise with every problem located, and notes on what
    could not be checked. `plan_rules`: see `check_event`."""
    found = examine(source, plan_rules=plan_rules)
    if found.problems or found.event is None:
        raise EventFileError(found.problems, found.notes)
    return found.event


def examine_event(path: FsPath) -> Examination:
    """Every problem of the event at `path` (a file, or a folder holding event.yaml); raises only when the
    files cannot be read."""
    return examine(read_event_source(path))


def load_event(path: FsPath, *, plan_rules: bool = True) -> Event:
    """Load, validate and check the event at `path` (a file, or a folder holding event.yaml). With
    `plan_rules` False a plan may put a room or a person in two places at once (see `check_event`)."""
    return event_from_source(read_event_source(path), plan_rules=plan_rules)
