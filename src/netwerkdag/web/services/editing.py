"""Editing the draft in the browser: rooms (name, capacity) and sessions (title, time slot, room).

An edit is applied to the core event, written out as an event file and read back with the same loader
and rules as any file, so that the web app can never store a draft the command line would refuse. A
session moved to another slot takes that slot's times.

Two organisers may have the editor open at once. The page carries the revision of the draft it showed
(`draft_revision`: the SHA-256 of the event file's text), and `apply` reads, checks and writes the draft
under the event's row lock: an edit made on a revision that is no longer the draft is refused
(`StaleDraft`) and nothing is written, so that the first edit wins and the second organiser is told,
instead of one silently undoing the other. A hash rather than a counter: every writer of the draft
(upload, the scheduler's plan and pins, this editor) changes it without having to remember to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.i18n import N_
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


class StaleDraft(Exception):
    """The draft changed after the editor was opened; nothing was written. The message (for the page to
    translate) says what to do."""

    message = N_(
        "Someone else changed the draft in the meantime; look at the new version and make your change again."
    )


def draft_revision(document: str) -> str:
    """The revision of a draft as the editor carries it: the SHA-256 of its text, in hex (the digest the
    caches of a programme are keyed by)."""
    return models.document_digest(document)


def apply(
    event: models.Event,
    rooms: Mapping[str, RoomEdit],
    sessions: Mapping[str, SessionEdit],
    *,
    revision: str | None,
) -> int:
    """Apply the edits to the draft; returns how many rooms and sessions changed.

    In one transaction, under the event's row lock: the draft is read as it is now, compared with
    `revision` (the draft the edits were made on; None only for callers that build the edits from the
    draft inside the same request, such as tests), changed, read back with every rule of a file, and
    written. Raises `StaleDraft` when the draft is no longer `revision`, and `NetwerkdagError` with
    every problem when the result breaks a rule; either way nothing is stored.
    """
    with transaction.atomic():
        locked = models.Event.objects.select_for_update().get(pk=event.pk)
        if revision is not None and draft_revision(locked.document) != revision:
            raise StaleDraft
        text, changed = _edited(locked, rooms, sessions)
        if not changed:
            return 0
        event_from_document(text, "concept")  # every rule of a file; raises with all problems
        models.Event.objects.filter(pk=locked.pk).update(document=text, updated_at=timezone.now())
    event.document = text
    return changed


def _edited(
    event: models.Event, rooms: Mapping[str, RoomEdit], sessions: Mapping[str, SessionEdit]
) -> tuple[str, int]:
    """The event file with the edits applied, and how many rooms and sessions they change."""
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
        return event.document, 0
    edited = dataclasses.replace(core, rooms=tuple(new_rooms), sessions=tuple(new_sessions))
    return dump_event(edited), changed
