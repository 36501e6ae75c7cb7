"""A safe YAML reader that remembers where every value stands.

PyYAML's composer gives nodes with positions; we build plain Python values from them ourselves instead of
using a constructor, so that:

* only plain data comes out (mappings, lists, strings, numbers, booleans, null); any other tag, such as
  ``!!python/object``, is an error with its position, never executed;
* ``10:00`` stays the string "10:00" (YAML 1.1 would read it as the number 600);
* duplicate keys are errors instead of silently overwriting;
* aliases cannot blow up: the expanded size of the document is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml

from netwerkdag.core.problems import Location, NetwerkdagError, Path, Problem

#: Event files are hand-written; a larger file is a mistake (or an attack), not an event.
MAX_BYTES = 2 * 1024 * 1024
#: Upper bound on values after expanding aliases ("billion laughs").
MAX_VALUES = 200_000

_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    _STR,
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """Plain data read from a file, and the location of each value by its path."""

    data: Any
    marks: dict[Path, Location]
    file: str

    def locate(self, path: Path) -> Location:
        """The location of `path`, or of its nearest ancestor that has one (a missing field points at
        the mapping that lacks it)."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(path[:end])
            if found is not None:
                return found
        return Location(self.file, 1, 1)


def _location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[Path, Location] = {}
        self.values = 0
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, code: str, message: str, hint: str, path: Path) -> NetwerkdagError:
        return NetwerkdagError(Problem(code, message, path, hint, _location(self.file, node.start_mark)))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.fail(
                node,
                "too-large",
                f"the document expands to more than {MAX_VALUES:,} values",
                "aliases (*name) repeat data; write the event out plainly",
                path,
            )
        self.marks.setdefault(path, _location(self.file, node.start_mark))
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(
                node,
                "unsupported-tag",
                f"the YAML tag '{node.tag}' is not allowed",
                "event files hold plain data only: remove the tag",
                path,
            )
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "bad-key", "a mapping key must be a plain word", "", path)
                key = str(key_node.value)
                if key in result:
                    raise self.fail(
                        key_node,
                        "duplicate-key",
                        f"the key '{key}' appears twice in this mapping",
                        "remove one of the two",
                        (*path, key),
                    )
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag in (_STR, "tag:yaml.org,2002:timestamp") or node.style is not None:
            return str(node.value)
        if node.tag == "tag:yaml.org,2002:int" and ":" in node.value:
            return str(node.value)  # 10:00 is a time, not YAML 1.1's sexagesimal 600
        return self.constructor.construct_object(node)


def parse_yaml(text: str, file: str) -> SourceDocument:
    """Parse one YAML document from `text`; `file` names it in error locations."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = _location(file, mark) if mark is not None else Location(file, 1, 1)
        what = (exc.problem or exc.context or "invalid YAML").strip()
        raise NetwerkdagError(
            Problem(
                "yaml-syntax",
                f"YAML syntax error: {what}",
                (),
                "check indentation, colons and quotes on this line and the one before",
                location,
            )
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors for text input
        raise NetwerkdagError(Problem("yaml-syntax", f"YAML error: {exc}", (), "", Location(file, 1, 1))) from None
    if node is None:
        return SourceDocument({}, {}, file)
    builder = _Builder(file)
    data = builder.build(node, ())
    return SourceDocument(data, builder.marks, file)


def read_yaml(path: FsPath, *, shown_as: str | None = None) -> SourceDocument:
    """Read and parse a YAML file, refusing files that are too large or not UTF-8."""
    name = shown_as or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NetwerkdagError(
            Problem("file-not-found", f"no such file: {name}", (), "check the path", None)
        ) from None
    if size > MAX_BYTES:
        raise NetwerkdagError(
            Problem(
                "file-too-large",
                f"the file is {size / 1024 / 1024:.1f} MB; event files may be at most {MAX_BYTES // 1024 // 1024} MB",
                (),
                "an event file holds one network day; split the network into network.yaml or check the file",
                Location(name, 1, 1),
            )
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NetwerkdagError(
            Problem(
                "not-utf8",
                f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                (),
                "save the file as UTF-8 (in most editors: Save with encoding > UTF-8)",
                Location(name, line, column),
            )
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_yaml(text, name)
