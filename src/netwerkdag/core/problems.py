"""Problems found in user input, and the one exception family that carries them.

A `Problem` names *where* (a path into the event document, such as ``("event", "sessions", 3, "room")``),
*what* is wrong and *what would be right*. The core knows paths only; the file layer turns a path into
``file:line:column``. Adapters (CLI, web) map `NetwerkdagError` to exit codes or HTTP responses, so that a
user never sees a traceback for their own mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input.

    `code` is a stable machine name (``unknown-room``), `message` says what is wrong, `hint` what would be
    right. `location` is filled in by the file layer when it knows the source position of `path`; with
    `at_key` it points at the key of the path's last step (``titel:`` of an unknown field, a person id under
    ``availability:``) instead of at its value.
    """

    code: str
    message: str
    path: Path = ()
    hint: str = ""
    location: Location | None = None
    at_key: bool = False
    #: The sessions it is about, by id, when it is about sessions (a clash names both).
    sessions: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The path as a dotted field name: ``event.sessions[3].room``."""
        text = ""
        for part in self.path:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else part
        return text

    def located(self, location: Location | None) -> Problem:
        return replace(self, location=location)

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        field = f"{self.field}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{field}{self.message}{hint}"


class NetwerkdagError(Exception):
    """A user error: bad input, a missing file, a rule broken. Carries one or more problems."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = problems if isinstance(problems, list) else [problems]
        super().__init__("; ".join(str(p) for p in self.problems))
