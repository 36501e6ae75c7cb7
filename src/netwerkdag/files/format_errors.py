"""Pydantic's validation errors, turned into problems a user can act on.

Each error becomes a `Problem` with the field path, a message that quotes what was written, and a hint
that says what would be right ("write times as HH:MM", "did you mean 'room'?", the allowed choices),
pointed at the key for an unknown or duplicate field. The file layer locates the problems afterwards.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import unicodedata
from dataclasses import replace
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from netwerkdag.core.problems import Path, Problem
from netwerkdag.files import schema

_ID_RE = re.compile(schema.ID_PATTERN)


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


def _place(path: Path) -> str:
    """What the value at `path` is in its file: ``required`` (a field that must be there), ``optional`` (a
    field that may be left out) or ``entry`` (an item of a list or of a mapping such as availability)."""
    if not path or not isinstance(path[-1], str):
        return "entry"
    model = _type_at(path[:-1])
    if isinstance(model, type) and issubclass(model, BaseModel):
        field = model.model_fields.get(path[-1])
        if field is not None:
            return "required" if field.is_required() else "optional"
    return "entry"


def _or_remove(advice: str, path: Path) -> str:
    """`advice`, and the other way out where there is one: a required field cannot be left out."""
    return {
        "required": advice,
        "optional": f"{advice}, or remove the line",
        "entry": f"{advice}, or remove the empty entry",
    }[_place(path)]


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
        hint = f"add `network: {schema.DEFAULT_NETWORK_FILE}` naming the network file, or the network inline"
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


def problems_from_pydantic(error: ErrorDetails) -> list[Problem]:
    """The problems one Pydantic error stands for: one, or one per conflict of a model's own check."""
    if error["type"] == "conflicting_fields":
        loc: Path = tuple(error["loc"])
        conflicts = (error.get("ctx") or {})["conflicts"]
        return [Problem(code, message, (*loc, field), hint) for field, code, message, hint in conflicts]
    return [_problem_from_pydantic(error)]


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
            _or_remove("write a value" if _place(path) == "entry" else "write a value after the colon", path),
        )
    elif kind == "text_line_break":
        problem = Problem(
            "multi-line-text",
            f"'{name}' holds a line break; it is one line of text",
            path,
            "write it on one line; only a description or introduction may have several lines (with `|`)",
        )
    elif kind == "text_control_character":
        problem = Problem(
            "bad-character",
            f"'{name}' holds the control character U+{ctx.get('code')}",
            path,
            "remove it; it often comes along when text is pasted from another program",
        )
    elif kind == "text_noncharacter":
        problem = Problem(
            "bad-character",
            f"'{name}' holds U+{ctx.get('code')}, which is not a character",
            path,
            "remove it; it often comes along when text is pasted from another program",
        )
    elif kind == "date_out_of_range":
        problem = Problem(
            "bad-date",
            f"{_describe(value)} is not a date between {ctx.get('first')} and {ctx.get('last')}",
            path,
            "check the year: write dates as YYYY-MM-DD, e.g. 2023-02-10",
        )
    elif kind == "string_pattern_mismatch":
        problem = _pattern_problem(path, value, ctx.get("pattern"))
    elif kind in ("string_too_short", "string_too_long") and (
        ctx.get("min_length") == 2 or ctx.get("max_length") == 80
    ):
        problem = Problem("bad-id", f"{_describe(value)} is not a valid id", path, _id_hint(value))
    elif kind == "string_too_short":
        problem = Problem("empty-text", f"'{name}' is empty", path, _or_remove("write some text", path))
    elif kind == "string_too_long":
        limit = ctx.get("max_length")
        shown = f"{limit:,}" if isinstance(limit, int) else str(limit)
        problem = Problem(
            "too-long",
            f"'{name}' is longer than {shown} characters",
            path,
            f"shorten it to at most {shown} characters",
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
    elif kind == "int_parsing_size":
        problem = Problem(
            "bad-number", f"{_describe(value)} is far too large a number", path, "write a number, e.g. 40"
        )
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {
            "greater_than": f"greater than {ctx.get('gt')}",
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "less_than": f"less than {ctx.get('lt')}",
            "less_than_equal": f"at most {ctx.get('le')}",
        }[kind]
        given = str(value) if len(str(value)) <= 20 else f"{str(value)[:20]}..."
        problem = Problem(
            "bad-number", f"'{name}' must be {bound}, not {given}", path, f"write a whole number {bound}"
        )
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
        hint = "add an entry"
        if path[:2] == ("event", "availability"):
            hint = 'add the windows in which the person is there, as [{start: "15:00", end: "15:45"}]'
        problem = Problem("empty-list", f"'{name}' needs at least {ctx.get('min_length')} entry", path, hint)
    elif kind == "value_error":
        problem = Problem("bad-value", str(ctx.get("error", error["msg"])), path)
    else:
        shown = "" if isinstance(value, dict | list) else f" (got {_describe(value)})"
        problem = Problem("bad-value", f"{error['msg']}{shown}", path)
    return replace(problem, at_key=True) if at_key else problem
