"""Load an event from a file or folder: read YAML, validate the format, build the core event, check it.

Every problem found is reported at once, each with ``file:line:column``, the field and a hint; nothing is
half-loaded. Checking happens in two rounds: first the format (types, times, unknown fields), then, once
the format is right, the rules between the parts (`netwerkdag.core.invariants`). A folder holds
``event.yaml`` and, unless the event names the network inline, the network file it points to (default
``network.yaml``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import unicodedata
from dataclasses import replace
from enum import Enum
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import check_event
from netwerkdag.core.problems import Location, NetwerkdagError, Path, Problem
from netwerkdag.files import schema
from netwerkdag.files.build import build_event
from netwerkdag.files.yaml_source import SourceDocument, read_yaml

EVENT_FILE = "event.yaml"
DEFAULT_NETWORK_FILE = "network.yaml"

_ID_RE = re.compile(schema.ID_PATTERN)


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
        if not candidate.is_file():
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


# --- from Pydantic's errors to problems --------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _type_at(path: Path) -> Any:
    """The file format's type at `path` (a model, an enum, ``list[...]``), or None if the path leaves it."""
    current: Any = schema.EventFileIn
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) is list and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _name(path: Path) -> str:
    """The last field name on `path` (``capacity`` for ``event.rooms[0].capacity``)."""
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "the file")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:60]}...'" if len(text) > 63 else f"'{text}'"


def _id_hint(value: Any) -> str:
    plain = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    rule = "ids are lowercase letters, digits and single hyphens, 2 to 80 characters"
    return (
        f"{rule}: write '{slug}'" if 2 <= len(slug) <= 80 and _ID_RE.match(slug) else f"{rule}, e.g. zaal-2"
    )


def _choices(path: Path) -> list[str]:
    """The values allowed at `path` when it is an enum or a Literal, in the schema's order."""
    kind = _type_at(path)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [str(m.value) for m in kind]
    if get_origin(kind) is Literal:
        return [str(a) for a in get_args(kind)]
    return []


def _choice_hint(path: Path, value: Any, expected: str) -> str:
    options = _choices(path)
    close = difflib.get_close_matches(str(value).lower(), options, n=1, cutoff=0.6)
    shown = ", ".join(options) if options else expected
    return (f"did you mean '{close[0]}'? " if close else "") + f"use one of: {shown}"


def _unknown_field(path: Path) -> Problem:
    name = str(path[-1])
    model = _type_at(path[:-1])
    fields = sorted(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []
    close = difflib.get_close_matches(name.lower(), fields, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif fields:
        hint = "the fields here are: " + ", ".join(fields)
    else:
        hint = "remove it, or check its indentation"
    return Problem("unknown-field", f"unknown field '{name}'", path, hint, at_key=True)


def _missing_field(path: Path) -> Problem:
    name = str(path[-1])
    kind = _type_at(path)
    if path == ("network",):
        hint = f"add `network: {DEFAULT_NETWORK_FILE}` naming the network file, or the network inline"
    elif _choices(path):
        hint = f"add `{name}: ...` with one of: " + ", ".join(_choices(path))
    elif kind is dt.date:
        hint = f"add `{name}: YYYY-MM-DD`"
    elif (isinstance(kind, type) and issubclass(kind, BaseModel)) or get_origin(kind) is list:
        hint = f"add `{name}:` with its entries indented below it"
    else:
        hint = f"add `{name}: ...`"
    return Problem("missing-field", f"required field '{name}' is missing", path, hint)


def _pattern_problem(path: Path, value: Any, pattern: object) -> Problem:
    if pattern == schema.TIME_PATTERN:
        return Problem(
            "bad-time",
            f"{_describe(value)} is not a time",
            path,
            "write times as HH:MM on the 24-hour clock, e.g. 09:30",
        )
    if pattern == schema.ID_PATTERN:
        return Problem("bad-id", f"{_describe(value)} is not a valid id", path, _id_hint(value))
    if _name(path) == "email":
        return Problem(
            "bad-email", f"{_describe(value)} is not an e-mail address", path, "write it as name@example.nl"
        )
    return Problem(
        "bad-value", f"{_describe(value)} does not have the expected form", path, f"it must match {pattern}"
    )


def _problem_from_pydantic(error: ErrorDetails) -> Problem:
    loc: Path = tuple(error["loc"])
    at_key = bool(loc) and loc[-1] == "[key]"  # a bad key of a mapping such as `availability`
    path = loc[:-1] if at_key else loc
    kind = error["type"]
    value = error.get("input")
    name = _name(path)
    ctx = error.get("ctx") or {}
    problem: Problem
    if kind == "missing":
        problem = _missing_field(path)
    elif kind == "extra_forbidden":
        problem = _unknown_field(path)
    elif value is None:  # `title:` with nothing after it; None is fine where a field may be empty
        problem = Problem(
            "missing-value",
            f"'{name}' has no value",
            path,
            "write a value after the colon, or remove the line",
        )
    elif kind == "string_pattern_mismatch":
        problem = _pattern_problem(path, value, ctx.get("pattern"))
    elif kind in ("string_too_short", "string_too_long") and (
        ctx.get("min_length") == 2 or ctx.get("max_length") == 80
    ):
        problem = Problem("bad-id", f"{_describe(value)} is not a valid id", path, _id_hint(value))
    elif kind == "string_too_short":
        problem = Problem("empty-text", f"'{name}' is empty", path, "write some text, or remove the line")
    elif kind == "string_too_long":
        problem = Problem(
            "too-long", f"'{name}' is longer than {ctx.get('max_length')} characters", path, "shorten it"
        )
    elif kind == "string_type":
        problem = Problem(
            "bad-type",
            f"expected text, not {_describe(value)}",
            path,
            "write it on one line after the colon; put it in quotes if it holds ': ' or starts with [ or {",
        )
    elif kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        problem = Problem(
            "bad-choice",
            f"{_describe(value)} is not a valid {name}",
            path,
            _choice_hint(path, value, expected),
        )
    elif kind.startswith("date"):
        problem = Problem(
            "bad-date",
            f"{_describe(value)} is not a date",
            path,
            "write dates as YYYY-MM-DD, e.g. 2023-02-10",
        )
    elif kind in ("bool_parsing", "bool_type"):
        problem = Problem("bad-bool", f"{_describe(value)} is not true or false", path, "write true or false")
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        problem = Problem(
            "bad-number", f"{_describe(value)} is not a whole number", path, "write a number, e.g. 40"
        )
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {
            "greater_than": f"greater than {ctx.get('gt')}",
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "less_than": f"less than {ctx.get('lt')}",
            "less_than_equal": f"at most {ctx.get('le')}",
        }[kind]
        problem = Problem("bad-number", f"'{name}' must be {bound}, not {value}", path, "")
    elif kind in ("model_type", "dict_type"):
        problem = Problem(
            "bad-type",
            f"expected a mapping (key: value lines), not {_describe(value)}",
            path,
            "write the fields as `key: value`, indented below this one",
        )
    elif kind == "list_type":
        problem = Problem(
            "bad-type",
            f"expected a list, not {_describe(value)}",
            path,
            "write each item on its own line starting with '- ', or as [a, b]",
        )
    elif kind == "too_short" and isinstance(value, list):
        problem = Problem(
            "empty-list", f"'{name}' needs at least {ctx.get('min_length')} entry", path, "add an entry"
        )
    elif kind == "value_error":
        problem = Problem("bad-value", str(ctx.get("error", error["msg"])), path)
    else:
        shown = "" if isinstance(value, dict | list) else f" (got {_describe(value)})"
        problem = Problem("bad-value", f"{error['msg']}{shown}", path)
    return replace(problem, at_key=True) if at_key else problem


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


def _is_file(path: FsPath) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def read_event_source(path: FsPath) -> SourceDocument:
    """Read the event file and the network file it refers to into one document with positions."""
    event_path = resolve_event_path(path)
    shown = str(path / EVENT_FILE) if path.is_dir() else str(path)
    doc = read_yaml(event_path, shown_as=shown)
    data: Any = doc.data
    if data is None:
        raise _empty_file(shown, "event")
    if not isinstance(data, dict):
        raise NetwerkdagError(
            Problem(
                "bad-type",
                "the event file must be a mapping with the keys `network` and `event`, "
                f"not {_describe(data)}",
                (),
                "start the file with `network: network.yaml` and `event:` lines; see docs/event-file.md",
                doc.locate(()),
            )
        )
    network = data.get("network", DEFAULT_NETWORK_FILE)
    if not isinstance(network, str):
        return doc
    network_path = event_path.parent / network
    network_shown = str(FsPath(shown).parent / network)
    if not _is_file(network_path):
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
    marks = dict(doc.marks)
    marks.update({("network", *p): loc for p, loc in net_doc.marks.items()})
    keys = dict(doc.keys)
    keys.update({("network", *p): loc for p, loc in net_doc.keys.items()})
    return SourceDocument({**data, "network": net_doc.data}, marks, shown, keys)


def event_from_source(source: SourceDocument) -> Event:
    """Validate and build an event from read data; raise with every problem located."""
    try:
        parsed = schema.EventFileIn.model_validate(source.data)
    except ValidationError as exc:
        problems = [_problem_from_pydantic(e) for e in exc.errors(include_url=False)]
        raise NetwerkdagError(_locate_all(problems, source)) from None
    event = build_event(parsed)
    problems = check_event(event)
    if problems:
        raise NetwerkdagError(_locate_all(problems, source))
    return event


def load_event(path: FsPath) -> Event:
    """Load, validate and check the event at `path` (a file, or a folder holding event.yaml)."""
    return event_from_source(read_event_source(path))
