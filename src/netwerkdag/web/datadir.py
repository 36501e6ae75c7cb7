"""The data directory and the private files in it: the directory 0700, its files 0600.

The directory holds the secret key and, with SQLite, the database with every personal datum. SQLite
creates its ``-wal`` and ``-shm`` files with the mode of the database file, so making that file 0600
before SQLite first opens it keeps all three private. Modes are only changed on what this account owns;
`netwerkdag check-deploy` reports anything else.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(path: Path) -> Path:
    """Make `path` (0700) or narrow an existing one that this account owns; returns it."""
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    _narrow(path, DIRECTORY_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 when it does not exist; narrow it (and an SQLite database's
    -wal and -shm files beside it) when it does. Returns it."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            _narrow(each, FILE_MODE)
    return path


def _narrow(path: Path, mode: int) -> None:
    info = path.stat()
    # Never a shared directory such as /tmp (sticky), never what another account owns.
    if info.st_uid == os.geteuid() and not info.st_mode & stat.S_ISVTX and stat.S_IMODE(info.st_mode) != mode:
        path.chmod(mode)


def too_open(path: Path, mode: int) -> bool:
    """Whether group or others may do more with `path` than `mode` allows."""
    return bool(stat.S_IMODE(path.stat().st_mode) & ~mode & 0o077)
