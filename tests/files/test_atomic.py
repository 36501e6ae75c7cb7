"""Output files are written whole, never replace a device or pipe, and write through links."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from netwerkdag.files.atomic import write_atomically


def test_atomic_write_replaces_a_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "programma.html"

    write_atomically(target, b"first")
    write_atomically(target, b"second")

    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["programma.html"]


def test_atomic_write_into_a_pipe_writes_to_it_and_keeps_the_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()

    write_atomically(pipe, b"schedule")
    reader.join(timeout=10)

    assert received == [b"schedule"]
    assert pipe.is_fifo()


def test_atomic_write_through_a_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.ics"
    real.write_bytes(b"old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)

    write_atomically(link, b"new")

    assert link.is_symlink()
    assert real.read_bytes() == b"new"
