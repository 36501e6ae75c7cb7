"""Load an event from a file or folder: read YAML, validate the format, build the core event, check it.

Every problem found is reported at once, each with ``file:line:column``, the field and a hint; nothing is
half-loaded. Checking happens in two rounds: first the format (types, times, unknown fields), then, once
the format is right, the rules between the parts (`netwerkdag.core.invariants`). A folder holds
``event.yaml`` and, unless the event names the network inline, the network file it points to (default
``network.yaml``): a YAML file inside the event's folder, also after following links, so that an event
file cannot make netwerkdag read (and quote) a file elsewhere.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from pydantic import ValidationError

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import check_event
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files import schema
from netwerkdag.files.build import build_event
from netwerkdag.files.format_errors import problems_from_pydantic
from netwerkdag.files.schema import DEFAULT_NETWORK_FILE, EVENT_FILE
from netwerkdag.files.yaml_source import SourceDocument, read_yaml


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


def read_event_source(path: FsPath) -> SourceDocument:
    """Read the event file and the network file it refers to into one document with positions."""
    event_path = resolve_event_path(path)
    shown = str(path / EVENT_FILE) if event_path != path else str(path)
    doc = read_yaml(event_path, shown_as=shown)
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
    net_doc = read_yaml(network_path, shown_as=network_shown)
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
    return SourceDocument({**data, "network": net_doc.data}, marks, shown, keys)


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
    return SourceDocument({**data, "people": people}, marks, net_doc.file, keys)


def event_from_source(source: SourceDocument, *, plan_rules: bool = True) -> Event:
    """Validate and build an event from read data; raise with every problem located. `plan_rules`: see
    `check_event`."""
    try:
        parsed = schema.EventFileIn.model_validate(source.data)
    except ValidationError as exc:
        problems = [p for e in exc.errors(include_url=False) for p in problems_from_pydantic(e)]
        raise NetwerkdagError(_locate_all(problems, source)) from None
    event = build_event(parsed)
    problems = check_event(event, plan_rules=plan_rules)
    if problems:
        raise NetwerkdagError(_locate_all(problems, source))
    return event


def load_event(path: FsPath, *, plan_rules: bool = True) -> Event:
    """Load, validate and check the event at `path` (a file, or a folder holding event.yaml). With
    `plan_rules` False a plan may put a room or a person in two places at once (see `check_event`)."""
    return event_from_source(read_event_source(path), plan_rules=plan_rules)
