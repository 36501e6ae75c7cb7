"""The programme behind the web app: event files read with the CLI's loader, published versions, seats.

An event file is parsed once per process and text (`event_from_document` is cached by the text's hash, a
published programme by the digest its version stores): a cache any process can rebuild from the database,
so several app servers need nothing shared but it, and keyed by content, never by a database id, so a
restored backup whose ids hold other programmes is never served from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.core.sessions import Session, SessionKind
from netwerkdag.core.timegrid import BlockKind
from netwerkdag.files.dump import dump_event
from netwerkdag.files.load import event_from_source
from netwerkdag.files.yaml_source import parse_yaml
from netwerkdag.web import models
from netwerkdag.web.services import mail
from netwerkdag.web.services.changes import changes_between

#: Largest event file the web app accepts (the CLI's reader has its own limit for files on disk).
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def event_from_document(text: str, name: str = "event.yaml") -> CoreEvent:
    """The checked core event of an event file's text (network inline); raises `NetwerkdagError` with
    every problem located by line and column in `name`."""
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise NetwerkdagError(
            Problem(
                "file-too-large",
                f"{name} is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB",
                (),
                "split off nothing: an event file of a day is far smaller; check that this is the right file",
            )
        )
    return _cached(models.document_digest(text), text, name)


@lru_cache(maxsize=32)
def _cached(digest: str, text: str, name: str) -> CoreEvent:
    del digest  # part of the key only, so that equal texts share an entry
    return event_from_source(parse_yaml(text, name))


def draft_event(event: models.Event) -> CoreEvent:
    return event_from_document(event.document, f"{event.slug}.yaml")


def published_event(event: models.Event) -> CoreEvent | None:
    digest = published_digest(event)
    return None if digest is None else event_of_digest(digest)


def published_digest(event: models.Event) -> str | None:
    """The SHA-256 of the event's published document (one small query), None while nothing is published.
    Every cache of a published programme is keyed by it, never by a database id: a restored backup
    reuses ids for other programmes, while a digest names one document."""
    return (
        models.ProgrammeVersion.objects.filter(event=event)
        .order_by("-number")
        .values_list("digest", flat=True)
        .first()
    )


#: The reach pages read every published day of a network on each request (four a year are 40 in ten years),
#: and reading one takes some 100 ms: a process keeps this many.
@lru_cache(maxsize=128)
def event_of_digest(digest: str) -> CoreEvent:
    """The programme of the published document with this SHA-256, read once per process (any version that
    holds it will do: equal digests, equal documents)."""
    versions = models.ProgrammeVersion.objects.filter(digest=digest)
    found = versions.values_list("document", "event__slug").first()
    if found is None:
        raise models.ProgrammeVersion.DoesNotExist(f"no published version has the digest {digest}")
    document, slug = found
    return event_from_document(document, f"{slug}.yaml")


# --- what takes registrations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offering:
    """A session one registers for: in a parallel slot one chooses one of several; a meal, the board
    meeting or drinks one joins or not."""

    session_id: str
    slot: str  # a `models.SlotKey` as the tables spell it
    title: str
    capacity: int | None


#: Kinds of session outside parallel slots that one joins or not (and so are counted for catering).
OPT_IN_KINDS = frozenset({SessionKind.MEAL, SessionKind.BOARD_MEETING, SessionKind.SOCIAL})
OPT_IN_BLOCKS = frozenset({BlockKind.MEAL, BlockKind.DRINKS})


def _in_parallel_slot(event: CoreEvent, session: Session) -> bool:
    return (
        session.block is not None
        and event.block(session.block).kind is BlockKind.PARALLEL
        and not session.venue_wide
        and not session.all_day
        and session.kind is not SessionKind.NETWORKING  # a room to drop in, not a choice
    )


def _opt_in(event: CoreEvent, session: Session) -> bool:
    if session.block is None or session.all_day:
        return False
    return event.block(session.block).kind in OPT_IN_BLOCKS and session.kind in OPT_IN_KINDS


def offerings(event: CoreEvent) -> list[Offering]:
    """The sessions of `event` that take registrations, in programme order."""
    found = []
    for session in sorted(event.sessions, key=lambda s: (s.start, s.id)):
        room = event.room_of(session)
        if _in_parallel_slot(event, session) and session.block is not None:
            slot = str(models.SlotKey.round(session.block))
        elif _opt_in(event, session):
            slot = str(models.SlotKey.part(session.id))
        else:
            continue
        capacity = None if room is None or room.shared else room.capacity
        found.append(Offering(session.id, slot, session.title, capacity))
    return found


def sync_seats(event: models.Event, core: CoreEvent) -> dict[int, set[str]]:
    """Make the seat rows match the published programme: new sessions get a row, a changed room its
    capacity, a session that went is closed. A capacity below the seats already taken keeps the taken
    count as capacity: nobody loses a seat to an edit, and the organiser sees the session as full.

    Sessions that moved to another round take their registrations and waiting places along (`_follow`).
    Returns the people whose seat was given back because of that, with those sessions."""
    wanted = {o.session_id: o for o in offerings(core)}
    existing = {s.session_id: s for s in models.Seats.objects.select_for_update().filter(event=event)}
    moved = []
    for session_id, offer in wanted.items():
        row = existing.get(session_id)
        capacity = offer.capacity
        if row is None:
            models.Seats.objects.create(
                event=event, session_id=session_id, slot=offer.slot, title=offer.title, capacity=capacity
            )
            continue
        if capacity is not None and capacity < row.taken:
            capacity = row.taken
        if row.slot != offer.slot:
            moved.append(row.pk)
        row.slot, row.title, row.capacity, row.active = offer.slot, offer.title, capacity, True
        row.save(update_fields=["slot", "title", "capacity", "active"])
    for session_id, row in existing.items():
        if session_id not in wanted and row.active:
            row.active = False
            row.save(update_fields=["active"])
    return _follow(event, moved) if moved else {}


def _follow(event: models.Event, moved: list[int]) -> dict[int, set[str]]:
    """Give the registrations and waiting places of the moved sessions their new slots, after every seat
    row has its new slot (so that two sessions that swap rounds swap cleanly). Someone who now holds two
    sessions in one round keeps the one that did not move (their own choice for that round), or else the
    one they chose first; the other seat is given back, to the first person waiting. A waiting place that
    would clash with what its person holds or awaits there is dropped. Returns invitee id -> the sessions
    given back. The unique constraints hold at every step: what moves is first set aside."""
    from netwerkdag.web.services import registration

    regs = list(models.Registration.objects.filter(seats__event=event).select_related("seats"))
    by_slot: dict[tuple[int, str], list[models.Registration]] = {}
    for reg in regs:
        by_slot.setdefault((reg.invitee_id, reg.seats.slot), []).append(reg)
    extras = []
    for same in by_slot.values():
        same.sort(key=lambda r: (r.seats_id in moved, r.created_at, r.pk))
        extras += same[1:]
    kept = {(r.invitee_id, r.seats.slot) for r in regs if r not in extras}
    moving = [r for r in regs if r.seats_id in moved]
    for reg in moving:
        models.Registration.objects.filter(pk=reg.pk).update(slot=f"moving:{reg.pk}")
    waiting = list(models.WaitingEntry.objects.filter(seats_id__in=moved).select_related("seats"))
    for entry in waiting:
        models.WaitingEntry.objects.filter(pk=entry.pk).update(slot=f"moving:{entry.pk}")
    awaited = set(
        models.WaitingEntry.objects.filter(seats__event=event)
        .exclude(seats_id__in=moved)
        .values_list("invitee_id", "slot")
    )
    for entry in waiting:
        key = (entry.invitee_id, entry.seats.slot)
        if key in kept or key in awaited:
            entry.delete()
        else:
            models.WaitingEntry.objects.filter(pk=entry.pk).update(slot=entry.seats.slot)
            awaited.add(key)
    lost: dict[int, set[str]] = {}
    for extra in extras:
        registration.release(extra)  # may promote the first person waiting, into the seat's new slot
        lost.setdefault(extra.invitee_id, set()).add(extra.seats.session_id)
    for reg in moving:
        if reg not in extras:
            models.Registration.objects.filter(pk=reg.pk).update(slot=reg.seats.slot)
    return lost


# --- importing and publishing ------------------------------------------------------------------------------


def import_event(text: str, name: str, *, slug: str | None = None) -> models.Event:
    """Create or replace the draft of an event from an event file's text. Nothing is stored when the file
    has any problem. The stored draft is the file as netwerkdag writes it (network inline)."""
    core = event_from_document(text, name)
    if slug is not None and core.slug != slug:
        raise NetwerkdagError(
            Problem(
                "wrong-event",
                f"this file describes the event '{core.slug}', not '{slug}'",
                ("event", "slug"),
                "import it as a new event, or choose the file of this event",
            )
        )
    document = dump_event(core)
    with transaction.atomic():
        event, _ = models.Event.objects.update_or_create(
            slug=core.slug,
            defaults={
                "title": core.title,
                "document": document,
                "starts_at": min(b.start for b in core.blocks),
                "ends_at": core.last_end,
            },
        )
    return event


def publish(event: models.Event, user: object | None = None) -> models.ProgrammeVersion:
    """Publish the draft as the next version: the whole use case, in one transaction under the event's
    row lock, in this order: the draft is read and checked as it is now (not as the caller last read
    it; a draft with problems raises `NetwerkdagError` and nothing is stored), the version is written,
    the seats follow it (sessions that moved take their registrations along, `sync_seats`), and a mail
    is queued in the outbox for everyone registered for a session that moved or went; the worker sends
    them only after the commit. Publishing an unchanged draft again returns the last version. Returns
    the version: its `changes` list what moved since the previous one, `told` how many were mailed."""
    with transaction.atomic():
        event = models.Event.objects.select_for_update().get(pk=event.pk)
        core = draft_event(event)
        previous = event.published
        if previous is not None and previous.document == event.document:
            return previous  # nothing changed since the last publication
        before = None if previous is None else event_from_document(previous.document)
        changes = changes_between(before, core)
        version = models.ProgrammeVersion.objects.create(
            event=event,
            number=1 if previous is None else previous.number + 1,
            document=event.document,
            changes=[c.as_dict() for c in changes],
            published_by=user if getattr(user, "pk", None) else None,
        )
        held = _holders(event, version.changes)  # before the seats follow (some may be given back)
        lost = sync_seats(event, core)
        version.told = _tell_changes(event, version.changes, held, lost)
        version.save(update_fields=["told"])
        models.Event.objects.filter(pk=event.pk).update(updated_at=timezone.now())
    return version


def _holders(event: models.Event, changes: list[dict[str, str]]) -> dict[int, set[str]]:
    """Who holds a seat in a session that moved or went: invitee id -> session ids."""
    moved = {c["session"] for c in changes if c["what"] in ("moved", "removed")}
    held: dict[int, set[str]] = {}
    rows = models.Registration.objects.filter(seats__event=event, seats__session_id__in=moved)
    for invitee_id, session_id in rows.values_list("invitee_id", "seats__session_id"):
        held.setdefault(invitee_id, set()).add(session_id)
    return held


def _tell_changes(
    event: models.Event,
    changes: list[dict[str, str]],
    held: dict[int, set[str]],
    lost: dict[int, set[str]],
) -> int:
    """Queue a mail to everyone registered for a session that moved or went, saying which seats were
    given back because the session moved onto another of theirs; returns how many were told."""
    told = 0
    for person in models.Invitee.objects.filter(pk__in=held).select_related("event"):
        theirs = [
            {**c, "released": c["session"] in lost.get(person.pk, set())}
            for c in changes
            if c["session"] in held[person.pk]
        ]
        told += (
            mail.queue(models.OutgoingMail.Kind.CHANGED, invitee=person, context={"changes": theirs})
            is not None
        )
    return told
