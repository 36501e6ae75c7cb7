"""What every command of `netwerkdag` shares: the Typer app the command modules register on, the consoles,
the report of a user's error (exit code 1), output written whole, and text from files made safe to print."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from netwerkdag.core.event import Event
from netwerkdag.core.problems import NetwerkdagError, Problem

app = typer.Typer(
    name="netwerkdag",
    help="Plan, check and publish multi-track network days.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# No markup or emoji codes: messages quote the user's own text, which may hold "[/b]" or ":smile:".
out = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)

EXIT_USER_ERROR = 1

T = TypeVar("T")

PathArg = Annotated[
    Path, typer.Argument(help="An event file, or a folder holding event.yaml.", show_default=False)
]


#: Characters that steer the terminal or the reading order rather than show: bidirectional embeddings,
#: overrides and isolates (besides the control characters and line separators found by category).
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    """`text` with every control character written out as an escape (ESC as ``\\x1b``, a line separator as
    ``\\u2028``), so that a file name, a key or a value from a file cannot move the cursor, recolour or
    retitle the terminal, or reorder the line it is printed in. A surrogate half (from a file name that is
    not UTF-8) is escaped too: it cannot be written as UTF-8 at all."""
    if text.isprintable():  # the common case: nothing to escape (a space is printable, a tab is not)
        return text
    shown = []
    for char in text:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            code = ord(char)
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(char)
    return "".join(shown)


def report(error: NetwerkdagError) -> None:
    """Print every problem of a user error to stderr: one line each, location first, then its hint.

    ``error event.yaml:12:13: event.sessions[0].room: unknown room 'zaal-9' [unknown-room]``
    ``    → use one of: zaal-1, zaal-2``

    Every part may quote the user's own text, so control characters in it are shown escaped. Notes on
    what could not be checked because of the problems follow them, once each:

    ``note: 1 session with format problems (lunch) was not checked for references, times and overlaps.``
    """
    count = len(error.problems)
    for problem in error.problems:
        line = Text.assemble(("error", "bold red"), " ")
        if problem.location:
            line.append(f"{visible(str(problem.location))}: ")
        if problem.path:
            line.append(visible(problem.field), style="bold")
            line.append(": ")
        line.append(visible(problem.message))
        line.append(f" [{problem.code}]", style="dim")
        err.print(line)
        if problem.hint:
            err.print(Text(f"    → {visible(problem.hint)}", style="dim"))
    for note in notes_of(error):
        err.print(Text.assemble(("note:", "bold yellow"), " ", visible(note)))
    err.print(f"{count} problem{'s' if count != 1 else ''} found.")


def notes_of(error: NetwerkdagError) -> tuple[str, ...]:
    """The notes an event file's problems carry: what could not be checked because of them."""
    from netwerkdag.files.load import EventFileError

    return error.notes if isinstance(error, EventFileError) else ()


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a `NetwerkdagError` into a report on stderr and exit code 1."""
    try:
        yield
    except NetwerkdagError as error:
        report(error)
        raise typer.Exit(EXIT_USER_ERROR) from None


def load(path: Path) -> Event:
    from netwerkdag.files.load import load_event

    return load_event(path)


def guarded(func: Callable[[], T]) -> T:
    with user_errors():
        return func()


def write_output(target: Path, data: bytes) -> None:
    """Write one output file whole; a target that cannot be written is the user's error, not a bug."""
    from netwerkdag.files.atomic import write_atomically

    if target.is_dir():
        raise NetwerkdagError(
            Problem("cannot-write", f"cannot write {target}: it is a folder", (), "give a file name")
        )
    try:
        write_atomically(target, data)
    except OSError as exc:
        in_the_way = next((p for p in target.parents if p.is_file()), None)
        reason = f"{in_the_way} is a file, not a folder" if in_the_way else exc.strerror or str(exc)
        raise NetwerkdagError(
            Problem(
                "cannot-write",
                f"cannot write {target}: {reason}",
                (),
                "choose a folder you can write to",
            )
        ) from None
