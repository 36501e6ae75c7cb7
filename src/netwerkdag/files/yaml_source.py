"""A safe YAML reader that remembers where every value stands.

PyYAML's composer gives nodes with positions; we build plain Python values from them ourselves instead of
using a constructor, so that:

* only plain data comes out (mappings, lists, strings and null); any other tag, such as
  ``!!python/object``, is an error with its position, never executed;
* every scalar stays the text the user wrote: ``10:00`` is "10:00" (YAML 1.1 would read the number 600),
  ``9.30`` is "9.30" (not the float 9.3, so the error can quote it) and ``NO`` is "NO" (not False). The
  schema turns text into numbers and booleans where a field wants one;
* duplicate keys are errors instead of silently overwriting;
* aliases cannot blow up: the number of values, the length of all text and the nesting depth of the
  expanded document are bounded, and an alias inside its own anchor is an error;
* text is Unicode: a surrogate half, which YAML's ``\\uD83D`` escape can write but no file can hold, is an
  error with its position.

Problems of the file's structure (duplicate keys, tags) are collected and raised together, or, when the
caller asks for the rest of the file too (``partial``), returned beside the data without the values they
concern: the second of two keys, a value with a tag (read as null), a key that is not plain text. A syntax
error, a file that is too large or too deep stops reading at once.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from netwerkdag.core.problems import Location, NetwerkdagError, Path, Problem

#: Event files are hand-written; a larger file is a mistake (or an attack), not an event.
MAX_BYTES = 2 * 1024 * 1024
#: Upper bound on values after expanding aliases ("billion laughs").
MAX_VALUES = 200_000
#: Upper bound on the characters of all text after expanding aliases: without aliases a file holds at
#: most `MAX_BYTES`; an alias may repeat a description now and then, not thousands of times.
MAX_CHARACTERS = 2 * MAX_BYTES
#: Upper bound on nesting; an event file nests about six levels deep.
MAX_DEPTH = 64

_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = {
    _NULL,
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_SYNTAX_HINT = "check indentation, colons and quotes on this line and the one before"


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """Plain data read from a file, and where each value (and each mapping key) stands, by its path.

    `marks` holds the position of every value; `keys` the position of the key in front of a mapping's
    value, under the same path. `data` is None for a file without content.
    """

    data: Any
    marks: dict[Path, Location]
    file: str
    keys: dict[Path, Location] = field(default_factory=dict)
    #: With ``partial``: the problems of the file's structure, which `data` leaves out ...
    problems: tuple[Problem, ...] = ()
    #: ... and the paths of the values read as null because of them (a value with a tag).
    emptied: frozenset[Path] = frozenset()

    def locate(self, path: Path, *, at_key: bool = False) -> Location:
        """The location of `path` (of its key with `at_key`), or of its nearest ancestor that has one: a
        missing field points at the mapping that lacks it."""
        if at_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.marks.get(path[:end])
            if found is not None:
                return found
        return Location(self.file, 1, 1)


def _location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Builder:
    """Builds plain values from composed nodes, recording positions and collecting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[Path, Location] = {}
        self.keys: dict[Path, Location] = {}
        self.problems: list[Problem] = []
        self.emptied: set[Path] = set()  # values read as null because of a problem
        self.values = 0
        self.characters = 0
        self.open: set[int] = set()  # ids of the nodes being built: an alias to one of them is a cycle

    def at(self, node: yaml.Node) -> Location:
        return _location(self.file, node.start_mark)

    def fatal(self, node: yaml.Node, code: str, message: str, hint: str) -> NetwerkdagError:
        return NetwerkdagError(Problem(code, message, (), hint, self.at(node)))

    def tag_allowed(self, node: yaml.Node, path: Path) -> bool:
        if node.tag in _PLAIN_TAGS:
            return True
        if node.tag == _MERGE:
            message, hint = "YAML merge keys (<<) are not supported", "write the fields out in full"
        else:
            message = f"the YAML tag '{_short_tag(node.tag)}' is not allowed"
            hint = "event files hold plain data only: remove the tag"
        self.problems.append(Problem("unsupported-tag", message, path, hint, self.at(node)))
        return False

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.fatal(
                node,
                "too-large",
                f"the document expands to more than {MAX_VALUES:,} values",
                "aliases (*name) repeat data; write the event out plainly",
            )
        if len(path) > MAX_DEPTH:
            raise self.fatal(
                node,
                "too-deep",
                f"the document nests more than {MAX_DEPTH} levels deep",
                "check the indentation",
            )
        if id(node) in self.open:
            raise self.fatal(
                node,
                "recursive-alias",
                "an alias refers to the value it is part of",
                "remove the alias (*name)",
            )
        self.marks.setdefault(path, self.at(node))
        if not self.tag_allowed(node, path):
            self.emptied.add(path)
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _NULL and not node.style:  # plain style is None in PyYAML, "" in libyaml
                return None
            value = self.text(node, path)
            if value is None:
                self.emptied.add(path)
            return value
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.build_mapping(node, path)
        finally:
            self.open.discard(id(node))

    def text(self, node: yaml.Node, path: Path) -> str | None:
        """The text of a scalar (a value or a key); None, with a problem, for text that is not Unicode."""
        value = str(node.value)
        self.characters += len(value)
        if self.characters > MAX_CHARACTERS:
            raise self.fatal(
                node,
                "too-large",
                f"the document expands to more than {MAX_CHARACTERS:,} characters of text",
                "aliases (*name) repeat data; write the event out plainly",
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            self.problems.append(
                Problem(
                    "bad-character",
                    f"the text holds U+{ord(value[exc.start]):04X}, half of a character written as a \\u "
                    "escape; YAML cannot join two halves",
                    path,
                    "write the character itself, or as one escape of eight digits such as \\U0001F600",
                    self.at(node),
                )
            )
            return None
        return value

    def build_mapping(self, node: yaml.Node, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        "bad-key",
                        "a mapping key must be a plain word, not a list or mapping",
                        path,
                        "write `name: value`",
                        self.at(key_node),
                    )
                )
                continue
            if not self.tag_allowed(key_node, path):
                self.emptied.add((*path, str(key_node.value)))  # the field it names is missing for this
                continue
            key = self.text(key_node, path)
            if key is None:
                continue
            if key in result:
                self.problems.append(
                    Problem(
                        "duplicate-key",
                        f"the key '{key}' appears twice in this mapping (first at line "
                        f"{self.keys[(*path, key)].line})",
                        (*path, key),
                        "remove one of the two, or merge them",
                        self.at(key_node),
                    )
                )
                continue
            self.keys[(*path, key)] = self.at(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    location = _location(file, mark) if mark is not None else Location(file, 1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "'\\t'" in problem or "tab character" in problem:
        return Problem(
            "yaml-tab",
            "YAML syntax error: a tab character; YAML indents and separates with spaces only",
            (),
            "replace the tab by spaces (most editors can insert spaces for the Tab key)",
            location,
        )
    if "another document" in problem:
        return Problem(
            "yaml-syntax",
            "YAML syntax error: a second document starts here; an event file is one YAML document",
            (),
            "remove this '---' line and what follows, or merge it into the first document",
            location,
        )
    what = f"{context}, {problem}" if problem.startswith("but ") and context else problem or context
    return Problem("yaml-syntax", f"YAML syntax error: {what or 'invalid YAML'}", (), _SYNTAX_HINT, location)


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column (from 1) of the character at `index` in `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml when it is there (several times faster on large files); when the text is not
    valid YAML, compose again in Python, whose errors are worded better and the same on every machine."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse_yaml(text: str, file: str, *, partial: bool = False) -> SourceDocument:
    """Parse one YAML document from `text`; `file` names it in error locations.

    Raises `NetwerkdagError` with every problem of the file's structure, or with `partial` returns them
    in the document beside the data without what they concern; returns data None for a file that holds
    nothing but comments and blank lines.
    """
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        raise NetwerkdagError(_syntax_problem(exc, file)) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        raise NetwerkdagError(
            Problem(
                "bad-character",
                f"the file holds the control character U+{exc.character:04X}, which YAML does not allow",
                (),
                "remove it; it often comes along when text is pasted from another program",
                Location(file, line, column),
            )
        ) from None
    except RecursionError:
        raise NetwerkdagError(
            Problem(
                "too-deep",
                f"the document nests more than {MAX_DEPTH} levels deep",
                (),
                "check the brackets and indentation",
                Location(file, 1, 1),
            )
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error for text input is handled above
        raise NetwerkdagError(
            Problem("yaml-syntax", f"YAML error: {exc}", (), _SYNTAX_HINT, Location(file, 1, 1))
        ) from None
    if node is None:
        return SourceDocument(None, {}, file)
    builder = _Builder(file)
    data = builder.build(node, ())
    problems = tuple(sorted(builder.problems, key=_order))
    if problems and not partial:
        raise NetwerkdagError(list(problems))
    return SourceDocument(data, builder.marks, file, builder.keys, problems, frozenset(builder.emptied))


def _order(problem: Problem) -> tuple[int, int]:
    loc = problem.location
    return (loc.line, loc.column) if loc else (0, 0)


def _not_regular(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"  # pragma: no cover - every kind of file POSIX knows is named above


def _size(count: int, *, places: int = 1) -> str:
    """A number of bytes in words: ``20.0 MB`` (``2 MB`` with no decimal places), ``100 bytes`` below a
    megabyte."""
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / 1024 / 1024:.{places}f} MB"


def _too_large(name: str, what: str) -> NetwerkdagError:
    return NetwerkdagError(
        Problem(
            "file-too-large",
            f"the file is {what}; an event or network file may be at most {_size(MAX_BYTES, places=0)}",
            (),
            "an event file describes one network day in a few hundred lines: check that this is the right "
            "file",
            Location(name, 1, 1),
        )
    )


def _read_bounded(path: FsPath, name: str) -> bytes:
    """The bytes of the regular file at `path`, at most `MAX_BYTES`.

    The file is opened without blocking and checked through its descriptor, so that a named pipe cannot
    make the read wait forever and a device (``/dev/zero``) or a folder is refused before any reading.
    The size on disk is only a first check: reading stops after ``MAX_BYTES + 1`` bytes, so a file that
    grows while it is read (or one whose size the system does not know, as under ``/proc``) cannot fill
    the memory.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NetwerkdagError(
                Problem(
                    "not-a-file",
                    f"{name} is {_not_regular(info.st_mode)}, not a file netwerkdag can read",
                    (),
                    "event and network files are plain YAML files: check the path",
                )
            )
        if info.st_size > MAX_BYTES:
            raise _too_large(name, _size(info.st_size))
        raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _too_large(name, f"larger than {_size(MAX_BYTES, places=0)}")
    return raw


def read_yaml(path: FsPath, *, shown_as: str | None = None, partial: bool = False) -> SourceDocument:
    """Read and parse a YAML file, refusing what is not a regular file, too large or not UTF-8.
    `partial`: see `parse_yaml`."""
    name = shown_as or str(path)
    try:
        raw = _read_bounded(path, name)
    except FileNotFoundError:
        raise NetwerkdagError(
            Problem("file-not-found", f"no such file: {name}", (), "check the path")
        ) from None
    except IsADirectoryError:  # Windows cannot open a folder as a file
        raise NetwerkdagError(
            Problem(
                "not-a-file",
                f"{name} is a folder, not a file netwerkdag can read",
                (),
                "event and network files are plain YAML files: check the path",
            )
        ) from None
    except OSError as exc:
        raise NetwerkdagError(
            Problem(
                "file-unreadable", f"cannot read {name}: {exc.strerror or exc}", (), "check the permissions"
            )
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise NetwerkdagError(
            Problem(
                "not-utf8",
                f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                (),
                "save the file as UTF-8 (in most editors: Save as > Encoding > UTF-8)",
                Location(name, line, column),
            )
        ) from None
    return parse_yaml(text.removeprefix("\ufeff"), name, partial=partial)
