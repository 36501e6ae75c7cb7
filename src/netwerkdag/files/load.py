"""Load an event from a file or folder: read YAML, validate the format, build the core event, check it.

Every problem found is reported at once, each with ``file:line:column``, the field and a hint; nothing is
half-loaded. A folder holds ``event.yaml`` and, unless the event names the network inline, the network
file it points to (default ``network.yaml``).
"""

from __future__ import annotations

import difflib
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import check_event
from netwerkdag.core.problems import Location, NetwerkdagError, Path, Problem
from netwerkdag.files import schema
from netwerkdag.files.build import build_event
from netwerkdag.files.yaml_source import SourceDocument, read_yaml

EVENT_FILE = "event.yaml"
DEFAULT_NETWORK_FILE = "network.yaml"


def _field_names() -> list[str]:
    names: set[str] = set()
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, schema._Model):
            names.update(model.model_fields)
    return sorted(names)


_FIELDS = _field_names()


def resolve_event_path(path: FsPath) -> FsPath:
    """The event file for `path`: the path itself, or ``event.yaml`` inside a folder."""
    if path.is_dir():
        candidate = path / EVENT_FILE
        if not candidate.is_file():
            raise NetwerkdagError(
                Problem("file-not-found", f"the folder {path} holds no {EVENT_FILE}", (), "pass the event file itself")
            )
        return candidate
    if not path.exists():
        raise NetwerkdagError(Problem("file-not-found", f"no such file or folder: {path}", (), "check the path"))
    return path


def _problem_from_pydantic(error: ErrorDetails) -> Problem:
    path: Path = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    last = path[-1] if path else ""
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return Problem("missing-field", f"required field '{last}' is missing", path, f"add `{last}: ...`")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(last), _FIELDS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "remove it, or check its indentation"
        return Problem("unknown-field", f"unknown field '{last}'", path, hint)
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == schema.TIME_PATTERN:
            return Problem(
                "bad-time", f"'{value}' is not a time", path, "write times as HH:MM on the 24-hour clock, e.g. 09:30"
            )
        if pattern == schema.ID_PATTERN:
            return Problem(
                "bad-id",
                f"'{value}' is not a valid id",
                path,
                "ids use lowercase letters, digits and single hyphens, e.g. tg-woningmarkt",
            )
        return Problem("bad-value", f"'{value}' does not have the expected form", path, str(pattern))
    if kind == "enum":
        return Problem("bad-choice", f"'{value}' is not allowed here", path, f"use one of: {ctx.get('expected')}")
    if kind.startswith("date"):
        return Problem("bad-date", f"'{value}' is not a date", path, "write dates as YYYY-MM-DD, e.g. 2023-02-10")
    if kind in ("model_type", "dict_type"):
        return Problem("bad-type", "expected a mapping (key: value lines)", path, "indent the fields below this key")
    if kind == "list_type":
        return Problem("bad-type", "expected a list", path, "write each item on its own line starting with '- '")
    if kind == "too_short" and ctx.get("min_length") == 1 and isinstance(value, list):
        return Problem("empty-list", f"'{last}' needs at least one entry", path, "")
    message = error["msg"]
    if kind == "value_error":
        message = str(ctx.get("error", message))
    return Problem("bad-value", f"{message} (got {value!r})" if not isinstance(value, dict | list) else message, path)


def _locate_all(problems: list[Problem], source: SourceDocument) -> list[Problem]:
    located = [p if p.location else p.located(source.locate(p.path)) for p in problems]

    def order(p: Problem) -> tuple[str, int, int]:
        loc = p.location or Location("", 0, 0)
        return (loc.file, loc.line, loc.column)

    return sorted(located, key=order)


def read_event_source(path: FsPath) -> SourceDocument:
    """Read the event file and the network file it refers to into one document with positions."""
    event_path = resolve_event_path(path)
    shown = str(path / EVENT_FILE) if path.is_dir() else str(path)
    doc = read_yaml(event_path, shown_as=shown)
    data: Any = doc.data
    if not isinstance(data, dict):
        raise NetwerkdagError(
            Problem(
                "bad-type",
                "the event file must be a mapping with the keys `event` and `network`",
                (),
                "see docs/event-file.md",
                Location(shown, 1, 1),
            )
        )
    network = data.get("network", DEFAULT_NETWORK_FILE if "network" not in data else None)
    if not isinstance(network, str):
        return doc
    network_path = event_path.parent / network
    if not network_path.is_file():
        raise NetwerkdagError(
            Problem(
                "file-not-found",
                f"the network file '{network}' does not exist next to the event file",
                ("network",),
                "create it, or put the network inline under `network:`",
                doc.locate(("network",)) if "network" in data else Location(shown, 1, 1),
            )
        )
    net_doc = read_yaml(network_path, shown_as=str(FsPath(shown).parent / network))
    marks = dict(doc.marks)
    marks.update({("network", *p): loc for p, loc in net_doc.marks.items()})
    marks[("network",)] = Location(net_doc.file, 1, 1)
    return SourceDocument({**data, "network": net_doc.data}, marks, shown)


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
