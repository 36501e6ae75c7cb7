"""Editing the draft in the browser: rooms (name, capacity) and sessions (title, time slot, room).

An edit is applied to the core event, written out as an event file and read back with the same loader
and rules as any file, so that the web app can never store a draft the command line would refuse. A
session moved to another slot takes that slot's times.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services.programme import draft_event, event_from_document


@dataclass(frozen=True, slots=True)
class RoomEdit:
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class SessionEdit:
    title: str
    block: str | None
    room: str | None


def apply(event: models.Event, rooms: Mapping[str, RoomEdit], sessions: Mapping[str, SessionEdit]) -> int:
    """Apply the edits to the draft; returns how many rooms and sessions changed. Raises
    `NetwerkdagError` with every problem, and stores nothing, when the result breaks a rule."""
    core = draft_event(event)
    changed = 0
    new_rooms = []
    for room in core.rooms:
        edit = rooms.get(room.id)
        if edit is not None and (edit.name, edit.capacity) != (room.name, room.capacity):
            room = dataclasses.replace(room, name=edit.name, capacity=edit.capacity)
            changed += 1
        new_rooms.append(room)
    new_sessions = []
    for session in core.sessions:
        wanted = sessions.get(session.id)
        if wanted is not None and (wanted.title, wanted.block, wanted.room) != (
            session.title,
            session.block,
            session.room,
        ):
            values: dict[str, object] = {"title": wanted.title, "room": wanted.room}
            if wanted.block != session.block and wanted.block is not None:
                if not core.has_block(wanted.block):
                    raise NetwerkdagError(
                        Problem("unknown-block", f"unknown time slot '{wanted.block}'", (), "")
                    )
                block = core.block(wanted.block)
                values.update(block=wanted.block, start=block.start, end=block.end)
            session = dataclasses.replace(session, **values)  # type: ignore[arg-type]
            changed += 1
        new_sessions.append(session)
    if not changed:
        return 0
    text = dump_event(dataclasses.replace(core, rooms=tuple(new_rooms), sessions=tuple(new_sessions)))
    event_from_document(text, "concept")  # every rule of a file; raises with all problems
    models.Event.objects.filter(pk=event.pk).update(document=text)
    return changed
