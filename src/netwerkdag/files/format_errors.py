"""Pydantic's validation errors, turned into problems a user can act on.

Each error becomes a `Problem` with the field path, a message that quotes what was written, and a hint
that says what would be right ("write times as HH:MM", "did you mean 'room'?", the allowed choices),
pointed at the key for an unknown or duplicate field. The file layer locates the problems afterwards.

`TRANSLATIONS` maps each Pydantic error type (and the ones `schema` raises itself) to a small function
from the error to the problem. What kind of value a path holds (an id, a time, a choice) is read from
the file format's declared types in `schema`: a value is an id because its field is declared `Id`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import types
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from netwerkdag.core.problems import Path, Problem
from netwerkdag.files import schema

_ID_RE = re.compile(schema.ID_PATTERN)
#: The last step of a Pydantic location that points at the key of a mapping entry, not at its value.
_KEY = "[key]"


# --- the file format's types at a path ---------------------------------------------------------------------


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _without_none(annotation: Any) -> Any:
    """``X`` for ``X | None``; anything else as it is (``Annotated`` aliases such as ``Id`` are kept)."""
    if _is_union(annotation):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _unwrap(annotation: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif _is_union(annotation) and _without_none(annotation) is not annotation:
            annotation = _without_none(annotation)
        else:
            return annotation


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields as `schema` declares them: `model_fields` drops the top ``Annotated`` layer, and
    with it the alias (``Id``, ``Time``) that says what kind of value a field holds."""
    hints = get_type_hints(model, include_extras=True)
    return {name: hints[name] for name in model.model_fields}


def _declared(loc: Path) -> Any:
    """The declared type at a Pydantic location (``Id | None``, ``list[RoomIn]``), or None if the location
    leaves the file format. A location that ends in ``[key]`` names the key type of its mapping."""
    if loc and loc[-1] == _KEY:
        mapping = _unwrap(_declared(loc[:-2]))
        return get_args(mapping)[0] if get_origin(mapping) is dict else None
    current: Any = schema.EventFileIn
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            current = _fields(current).get(str(part))
            if current is None:
                return None
        elif get_origin(current) is list and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    return current


def _type_at(path: Path) -> Any:
    """The file format's type at `path` (a model, an enum, ``list[...]``), or None if the path leaves it."""
    return _unwrap(_declared(path))


def _union_tag(loc: Path) -> int | None:
    """Where a location steps into one member of a union (Pydantic names each member it tried, as in
    ``pin.bool`` and ``pin.literal['block','room']``), or None."""
    for index in range(1, len(loc)):
        if isinstance(loc[index], str) and _is_union(_type_at(loc[:index])):
            return index
    return None


def _choices_of(kind: Any) -> list[str]:
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [str(m.value) for m in kind]
    if get_origin(kind) is Literal:
        return [str(a) for a in get_args(kind)]
    if kind is bool:
        return ["true", "false"]
    return []


def _choices(path: Path) -> list[str]:
    """The values allowed at `path` when it is an enum, a Literal or a union holding one, in the schema's
    order (``pin``: true, false, block, room)."""
    kind = _type_at(path)
    if _is_union(kind):
        members = [_unwrap(m) for m in get_args(kind) if m is not type(None)]
        if not any(_choices_of(m) and m is not bool for m in members):
            return []
        return [choice for member in members for choice in _choices_of(member)]
    return [] if kind is bool else _choices_of(kind)


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


# --- words -------------------------------------------------------------------------------------------------


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


def _or_remove(advice: str, path: Path) -> str:
    """`advice`, and the other way out where there is one: a required field cannot be left out."""
    return {
        "required": advice,
        "optional": f"{advice}, or remove the line",
        "entry": f"{advice}, or remove the empty entry",
    }[_place(path)]


# --- one error ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Error:
    """One Pydantic error as a translation reads it."""

    kind: str
    #: Where the problem is; for a bad key of a mapping (``availability``), the entry that has it.
    path: Path
    #: What the file format declares there, aliases kept (``Id``, ``Time | None``); for a bad key, the
    #: mapping's key type. None where the path leaves the format.
    declared: Any
    #: What was written.
    value: Any
    #: The error's details (``max_length``, ``code``, ``expected``).
    ctx: Mapping[str, Any]
    #: Pydantic's own sentence, for what we have no words of our own for.
    message: str
    #: Whether the error is about the key of a mapping entry, not its value.
    at_key: bool = False

    @property
    def name(self) -> str:
        return _name(self.path)

    @property
    def shown(self) -> str:
        return _describe(self.value)

    def declared_as(self, alias: Any) -> bool:
        """Whether the field is declared with `alias` (``schema.Id``), alone or with ``| None``."""
        return bool(_without_none(self.declared) == alias)


Translation = Callable[[_Error], Problem]


def _missing_field(error: _Error) -> Problem:
    path, name = error.path, error.name
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


def _unknown_field(error: _Error) -> Problem:
    path = error.path
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


def _missing_value(error: _Error) -> Problem:
    """`title:` with nothing after it, whatever the field's type; None is fine where a field may be empty."""
    advice = "write a value" if _place(error.path) == "entry" else "write a value after the colon"
    return Problem(
        "missing-value", f"'{error.name}' has no value", error.path, _or_remove(advice, error.path)
    )


def _line_break(error: _Error) -> Problem:
    return Problem(
        "multi-line-text",
        f"'{error.name}' holds a line break; it is one line of text",
        error.path,
        "write it on one line; only a description or introduction may have several lines (with `|`)",
    )


_PASTED = "remove it; it often comes along when text is pasted from another program"


def _control_character(error: _Error) -> Problem:
    return Problem(
        "bad-character",
        f"'{error.name}' holds the control character U+{error.ctx.get('code')}",
        error.path,
        _PASTED,
    )


def _noncharacter(error: _Error) -> Problem:
    return Problem(
        "bad-character",
        f"'{error.name}' holds U+{error.ctx.get('code')}, which is not a character",
        error.path,
        _PASTED,
    )


def _date_out_of_range(error: _Error) -> Problem:
    return Problem(
        "bad-date",
        f"{error.shown} is not a date between {error.ctx.get('first')} and {error.ctx.get('last')}",
        error.path,
        "check the year: write dates as YYYY-MM-DD, e.g. 2023-02-10",
    )


def _bad_date(error: _Error) -> Problem:
    return Problem(
        "bad-date", f"{error.shown} is not a date", error.path, "write dates as YYYY-MM-DD, e.g. 2023-02-10"
    )


def _bad_id(error: _Error) -> Problem:
    return Problem("bad-id", f"{error.shown} is not a valid id", error.path, _id_hint(error.value))


def _pattern_mismatch(error: _Error) -> Problem:
    if error.declared_as(schema.Time):
        return Problem(
            "bad-time",
            f"{error.shown} is not a time",
            error.path,
            "write times as HH:MM on the 24-hour clock, e.g. 09:30",
        )
    if error.declared_as(schema.Id):
        return _bad_id(error)
    if error.name == "email":
        return Problem(
            "bad-email", f"{error.shown} is not an e-mail address", error.path, "write it as name@example.nl"
        )
    return Problem(
        "bad-value",
        f"{error.shown} does not have the expected form",
        error.path,
        f"it must match {error.ctx.get('pattern')}",
    )


def _too_short_text(error: _Error) -> Problem:
    if error.declared_as(schema.Id):
        return _bad_id(error)
    return Problem(
        "empty-text", f"'{error.name}' is empty", error.path, _or_remove("write some text", error.path)
    )


def _too_long_text(error: _Error) -> Problem:
    if error.declared_as(schema.Id):
        return _bad_id(error)
    limit = error.ctx.get("max_length")
    shown = f"{limit:,}" if isinstance(limit, int) else str(limit)
    return Problem(
        "too-long",
        f"'{error.name}' is longer than {shown} characters",
        error.path,
        f"shorten it to at most {shown} characters",
    )


def _not_text(error: _Error) -> Problem:
    return Problem(
        "bad-type",
        f"expected text, not {error.shown}",
        error.path,
        "write it on one line after the colon; put it in quotes if it holds ': ' or starts with [ or {",
    )


def _bad_choice(error: _Error) -> Problem:
    options = _choices(error.path)
    close = difflib.get_close_matches(str(error.value).lower(), options, n=1, cutoff=0.6)
    shown = ", ".join(options) if options else str(error.ctx.get("expected", ""))
    return Problem(
        "bad-choice",
        f"{error.shown} is not a valid {error.name}",
        error.path,
        (f"did you mean '{close[0]}'? " if close else "") + f"use one of: {shown}",
    )


def _bad_bool(error: _Error) -> Problem:
    return Problem("bad-bool", f"{error.shown} is not true or false", error.path, "write true or false")


def _whole(error: _Error) -> bool:
    """Whether the number at the error's path is a whole one (a fraction such as capacity_margin is not)."""
    return _type_at(error.path) is not float


def _not_a_number(error: _Error) -> Problem:
    if _whole(error):
        return Problem(
            "bad-number", f"{error.shown} is not a whole number", error.path, "write a number, e.g. 40"
        )
    return Problem("bad-number", f"{error.shown} is not a number", error.path, "write a number, e.g. 0.1")


def _number_too_large(error: _Error) -> Problem:
    return Problem(
        "bad-number", f"{error.shown} is far too large a number", error.path, "write a number, e.g. 40"
    )


#: A bound's context key in the error, and how it reads.
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _out_of_bounds(error: _Error) -> Problem:
    key, words = _BOUNDS[error.kind]
    bound = f"{words} {error.ctx.get(key)}"
    text = str(error.value)
    given = text if len(text) <= 20 else f"{text[:20]}..."
    number = "a whole number" if _whole(error) else "a number"
    return Problem(
        "bad-number", f"'{error.name}' must be {bound}, not {given}", error.path, f"write {number} {bound}"
    )


def _not_a_mapping(error: _Error) -> Problem:
    return Problem(
        "bad-type",
        f"expected a mapping (key: value lines), not {error.shown}",
        error.path,
        "write the fields as `key: value`, indented below this one",
    )


def _not_a_list(error: _Error) -> Problem:
    return Problem(
        "bad-type",
        f"expected a list, not {error.shown}",
        error.path,
        "write each item on its own line starting with '- ', or as [a, b]",
    )


def _too_few_entries(error: _Error) -> Problem:
    if not isinstance(error.value, list):
        return _pydantic_words(error)
    hint = "add an entry"
    if error.path[:2] == ("event", "availability"):
        hint = 'add the windows in which the person is there, as [{start: "15:00", end: "15:45"}]'
    least = error.ctx.get("min_length")
    entries = "entry" if least == 1 else "entries"
    return Problem("empty-list", f"'{error.name}' needs at least {least} {entries}", error.path, hint)


def _value_error(error: _Error) -> Problem:
    """A check of our own in `schema` that raised ValueError: its sentence is written for the user."""
    return Problem("bad-value", str(error.ctx.get("error", error.message)), error.path)


def _pydantic_words(error: _Error) -> Problem:
    shown = "" if isinstance(error.value, dict | list) else f" (got {error.shown})"
    return Problem("bad-value", f"{error.message}{shown}", error.path)


#: Each error type, Pydantic's or one that `schema` raises, and the function that says it our way. An
#: error type that is not here keeps Pydantic's sentence. `missing` and `extra_forbidden` are about a
#: field; every other type about a value, and for any of those an empty value (`title:` and nothing)
#: reads as `_missing_value` first.
TRANSLATIONS: Mapping[str, Translation] = {
    "missing": _missing_field,
    "extra_forbidden": _unknown_field,
    "text_line_break": _line_break,
    "text_control_character": _control_character,
    "text_noncharacter": _noncharacter,
    "date_out_of_range": _date_out_of_range,
    "date_type": _bad_date,
    "date_parsing": _bad_date,
    "date_from_datetime_parsing": _bad_date,
    "date_from_datetime_inexact": _bad_date,
    "string_pattern_mismatch": _pattern_mismatch,
    "string_too_short": _too_short_text,
    "string_too_long": _too_long_text,
    "string_type": _not_text,
    "enum": _bad_choice,
    "literal_error": _bad_choice,
    "bool_parsing": _bad_bool,
    "bool_type": _bad_bool,
    "int_parsing": _not_a_number,
    "int_type": _not_a_number,
    "int_from_float": _not_a_number,
    "float_parsing": _not_a_number,
    "float_type": _not_a_number,
    "finite_number": _not_a_number,
    "int_parsing_size": _number_too_large,
    "greater_than": _out_of_bounds,
    "greater_than_equal": _out_of_bounds,
    "less_than": _out_of_bounds,
    "less_than_equal": _out_of_bounds,
    "model_type": _not_a_mapping,
    "dict_type": _not_a_mapping,
    "list_type": _not_a_list,
    "too_short": _too_few_entries,
    "value_error": _value_error,
}
#: The error types that are about a field (there or not), not about the value written in it.
_ABOUT_A_FIELD = frozenset({"missing", "extra_forbidden"})


def problems_from_pydantic(error: ErrorDetails) -> list[Problem]:
    """The problems one Pydantic error stands for: one; one per conflict of a model's own check; or none
    for a member of a union (``pin``) whose choices another member's error lists."""
    loc: Path = tuple(error["loc"])
    if error["type"] == "conflicting_fields":
        conflicts = (error.get("ctx") or {})["conflicts"]
        return [Problem(code, message, (*loc, field), hint) for field, code, message, hint in conflicts]
    tag = _union_tag(loc)
    if tag is not None:
        # Pydantic reports each member of `bool | Literal["block", "room"]` it tried; one problem lists
        # every choice at the field itself, and the other members' errors are left out.
        loc = loc[:tag]
        if _choices(loc):
            if error["type"] not in ("literal_error", "enum"):
                return []
            return [_bad_choice(_read(error, loc))]
    return [_translate(_read(error, loc))]


def _read(error: ErrorDetails, loc: Path) -> _Error:
    at_key = bool(loc) and loc[-1] == _KEY
    return _Error(
        kind=error["type"],
        path=loc[:-1] if at_key else loc,
        declared=_declared(loc),
        value=error.get("input"),
        ctx=error.get("ctx") or {},
        message=error["msg"],
        at_key=at_key,
    )


def _translate(error: _Error) -> Problem:
    if error.value is None and error.kind not in _ABOUT_A_FIELD:
        problem = _missing_value(error)
    else:
        problem = TRANSLATIONS.get(error.kind, _pydantic_words)(error)
    # A bad key of a mapping (a person id under `availability`) is pointed at as the key it is.
    return replace(problem, at_key=True) if error.at_key else problem
