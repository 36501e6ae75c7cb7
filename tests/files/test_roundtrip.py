"""Load, dump, load gives the same event; and no document, however wrong, makes the loader crash.

`event_documents` builds valid event documents as plain data in the file format: a network, rooms, a
grid of blocks in time order, sessions in free (block, room) pairs or venue-wide, own ends inside blocks,
participants who are never in two places at once, audiences, group days and availability windows that
hold their people's sessions, with Unicode titles and multi-line Markdown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netwerkdag.core.event import Event
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.core.sessions import SessionKind
from netwerkdag.files.dump import dump_event
from netwerkdag.files.load import event_from_source, load_event
from netwerkdag.files.schema import NONCHARACTERS
from netwerkdag.files.yaml_source import SourceDocument, parse_yaml

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(SETTINGS, max_examples=50)

ids = st.from_regex(r"[a-z0-9]{2,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
# Letters from many scripts, punctuation, emoji and YAML's special characters; one line, so no tab, and no
# noncharacters (U+FDD0..U+FDEF, U+xFFFE/U+xFFFF), which the loader refuses.
_chars = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=sorted(NONCHARACTERS)
) | st.sampled_from([*"äëïöüéèçñ€–—‘’“”☕🎉:#&*!|>'\"%@`{}[],-?"])
texts = st.text(_chars, min_size=1, max_size=30).map(str.strip).filter(bool)
words = st.sampled_from(
    ["wonen", "zorg", "jeugd", "economie", "veiligheid", "financiën", "europa", "no", "on"]
)
markdown = st.lists(
    st.sampled_from(
        [
            "Een *alinea* met `code`.",
            "- punt één\n- punt twee",
            "## Kop",
            "Tekst: met dubbele punt",
            "  ingesprongen",
            "kolom\tmet tab",
        ]
    )
    | texts,
    max_size=4,
).map("\n\n".join)
timezones = st.sampled_from(["Europe/Amsterdam", "UTC", "America/New_York", "Asia/Kathmandu"])
PRESENT = ["chair", "vice-chair", "moderator", "speaker", "guest", "host"]


def _hhmm(minutes: int, *, short: bool = False) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}" if short and hours < 10 else f"{hours:02d}:{mins:02d}"


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any], data: dict[str, Any], key: str) -> None:
    if draw(st.booleans()):
        data[key] = draw(strategy)


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    org_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    pillar_ids = draw(st.lists(ids, max_size=3, unique=True))
    group_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    person_ids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    organisations = []
    for oid in org_ids:
        org: dict[str, Any] = {"id": oid, "name": draw(texts)}
        _maybe(draw, st.sampled_from(["municipality", "ministry", "other"]), org, "kind")
        _maybe(draw, texts, org, "province")
        _maybe(draw, st.booleans(), org, "member")
        _maybe(draw, texts, org, "short_name")
        organisations.append(org)
    pillars = []
    for pid in pillar_ids:
        pillar: dict[str, Any] = {"id": pid, "name": draw(texts)}
        _maybe(draw, st.sampled_from(person_ids), pillar, "chair")
        _maybe(draw, st.lists(st.sampled_from(person_ids), max_size=2, unique=True), pillar, "vice_chairs")
        pillars.append(pillar)
    groups = []
    for gid in group_ids:
        group: dict[str, Any] = {"id": gid, "name": draw(texts)}
        if pillar_ids:
            _maybe(draw, st.sampled_from(pillar_ids), group, "pillar")
            _maybe(
                draw, st.lists(st.sampled_from(pillar_ids), max_size=2, unique=True), group, "also_pillars"
            )
        _maybe(draw, st.sampled_from(person_ids), group, "chair")
        _maybe(draw, st.lists(words, max_size=3, unique=True), group, "portfolios")
        groups.append(group)
    people = []
    for pid in person_ids:
        person: dict[str, Any] = {
            "id": pid,
            "name": draw(texts),
            "role": draw(st.sampled_from(["wethouder", "yes"])),
        }
        _maybe(draw, st.sampled_from(org_ids), person, "organisation")
        _maybe(draw, texts, person, "function")
        _maybe(draw, st.lists(words, max_size=3, unique=True), person, "portfolios")
        _maybe(draw, st.lists(st.sampled_from(group_ids), max_size=3, unique=True), person, "groups")
        _maybe(draw, st.from_regex(r"[a-z]{1,8}@[a-z]{2,8}\.nl", fullmatch=True), person, "email")
        people.append(person)
    return {
        "id": draw(ids),
        "name": draw(texts),
        "organisations": organisations,
        "pillars": pillars,
        "groups": groups,
        "people": people,
    }


@st.composite
def grids(draw: st.DrawFn, days: list[dt.date]) -> list[dict[str, Any]]:
    """Blocks of each day in time order without overlap; the first day's blocks carry no date."""
    blocks: list[dict[str, Any]] = []
    block_ids = iter(draw(st.lists(ids, min_size=8 * len(days), max_size=8 * len(days), unique=True)))
    for n, day in enumerate(days):
        start = draw(st.integers(6 * 60, 10 * 60))
        for _ in range(draw(st.integers(1, 8))):
            kind = draw(
                st.sampled_from(["parallel", "parallel", "plenary", "transfer", "meal", "walk-in", "drinks"])
            )
            length = draw(st.integers(5, 60))
            block: dict[str, Any] = {
                "id": next(block_ids),
                "kind": kind,
                "start": _hhmm(start, short=draw(st.booleans())),
                "end": _hhmm(start + length),
                "_start": start,
                "_end": start + length,
                "_day": day,
            }
            if n > 0:
                block["date"] = day.isoformat()
            _maybe(draw, texts, block, "label")
            _maybe(draw, st.booleans(), block, "show_end")
            blocks.append(block)
            start += length + draw(st.integers(0, 10))
    return blocks


@st.composite
def event_documents(draw: st.DrawFn) -> dict[str, Any]:
    network = draw(networks())
    person_ids = [p["id"] for p in network["people"]]
    group_ids = [g["id"] for g in network["groups"]]
    pillar_ids = [p["id"] for p in network["pillars"]]
    org_ids = [o["id"] for o in network["organisations"]]
    first = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    days = [first] if draw(st.booleans()) else [first, first + dt.timedelta(days=1)]
    rooms = [
        {"id": rid, "name": draw(texts), "capacity": draw(st.integers(1, 100_000))}
        for rid in draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    ]
    for room in rooms:
        _maybe(draw, texts, room, "label")
        _maybe(draw, st.lists(ids, max_size=2, unique=True), room, "features")
        _maybe(draw, st.booleans(), room, "shared")
    blocks = draw(grids(days))
    # The group days: which groups do not meet, and which are merged (into a session chosen later).
    status = {g: draw(st.sampled_from(["meets", "meets", "not-meeting", "merged"])) for g in group_ids}
    meeting_groups = [g for g in group_ids if status[g] == "meets"]
    session_ids = iter(draw(st.lists(ids, min_size=60, max_size=60, unique=True)))
    sessions: list[dict[str, Any]] = []
    busy: dict[str, list[tuple[dt.date, int, int]]] = {p: [] for p in person_ids}

    def new_session(kind: str, start: int, end: int, day: dt.date) -> dict[str, Any]:
        session: dict[str, Any] = {"id": next(session_ids), "kind": kind, "title": draw(texts)}
        _maybe(draw, texts, session, "subtitle")
        if kind == "theme-group-meeting" or (meeting_groups and draw(st.booleans())):
            if not meeting_groups:
                session["kind"] = "networking"
            else:
                session["group"] = draw(st.sampled_from(meeting_groups))
        if pillar_ids:
            _maybe(draw, st.sampled_from(pillar_ids), session, "pillar")
        if session["kind"] == "pillar-meeting":  # a pillar meeting names its pillar
            if pillar_ids:
                session.setdefault("pillar", draw(st.sampled_from(pillar_ids)))
            else:
                session["kind"] = "networking"
        participants = []
        for person in draw(st.lists(st.sampled_from(person_ids), max_size=3, unique=True)):
            free = all(d != day or e <= start or end <= s for d, s, e in busy[person])
            role = draw(st.sampled_from(PRESENT)) if free and draw(st.booleans()) else "contact"
            if role != "contact":
                busy[person].append((day, start, end))
            participant = {"person": person, "role": role}
            _maybe(draw, texts, participant, "note")
            participants.append(participant)
        if participants:
            session["participants"] = participants
        audience = []
        for _ in range(draw(st.integers(0, 2))):
            rule: dict[str, Any] = {}
            _maybe(
                draw,
                st.lists(st.sampled_from(["wethouder", "burgemeester"]), max_size=2, unique=True),
                rule,
                "roles",
            )
            _maybe(draw, st.lists(words, max_size=2, unique=True), rule, "portfolios")
            _maybe(draw, st.lists(st.sampled_from(group_ids), max_size=2, unique=True), rule, "groups")
            if pillar_ids:
                _maybe(draw, st.lists(st.sampled_from(pillar_ids), max_size=2, unique=True), rule, "pillars")
            _maybe(draw, st.lists(st.sampled_from(org_ids), max_size=2, unique=True), rule, "organisations")
            audience.append(rule)
        if audience:
            session["audience"] = audience
        _maybe(draw, markdown, session, "description")
        return session

    kinds = [k.value for k in SessionKind]
    # A room may be open all day on one day (a networking room); it then holds no other session that day.
    all_day: dict[dt.date, str] = {}
    if len(rooms) > 1 and draw(st.booleans()):
        day = draw(st.sampled_from(days))
        all_day[day] = rooms[-1]["id"]
        on_day = [b for b in blocks if b["_day"] == day and b["kind"] != "transfer"]
        if on_day:
            session = new_session("networking", on_day[0]["_start"], max(b["_end"] for b in on_day), day)
            session.update({"all_day": True, "room": rooms[-1]["id"]})
            if day != days[0]:
                session["date"] = day.isoformat()
            sessions.append(session)
    for block in blocks:
        if block["kind"] == "transfer":
            continue
        day = block["_day"]
        start, end = block["_start"], block["_end"]
        if draw(st.booleans()):
            own_start = draw(st.integers(start, end - 1))
            own_end = draw(st.integers(own_start + 1, end))
        else:
            own_start, own_end = start, end
        if draw(st.integers(0, 3)) == 0:
            placed = [{"venue_wide": True}]
            if draw(st.booleans()):
                placed.append({"venue_wide": True, "combined": True})
        else:
            free_rooms = [r for r in rooms if r["id"] != all_day.get(day)]
            chosen = draw(
                st.lists(st.sampled_from(free_rooms), max_size=len(free_rooms), unique_by=lambda r: r["id"])
            )
            placed = [{"room": r["id"]} for r in chosen]
            placed += [{"room": r["id"]} for r in chosen if r.get("shared") and draw(st.booleans())]
        first_id = None
        for place in placed:
            session = new_session(draw(st.sampled_from(kinds)), own_start, own_end, day)
            session["block"] = block["id"]
            if "room" in place:
                session["room"] = place["room"]
            else:
                session["venue_wide"] = True
            if place.get("combined"):
                session["combined_with"] = [first_id]
            if (own_start, own_end) != (start, end):
                session["start"] = _hhmm(own_start)
                session["end"] = _hhmm(own_end)
            first_id = first_id or session["id"]
            sessions.append(session)
    theme_groups = []
    with_session = {s["group"] for s in sessions if "group" in s}
    for gid in group_ids:
        if status[gid] == "merged" and sessions:
            theme_groups.append(
                {"group": gid, "status": "merged", "merged_into": draw(st.sampled_from(sessions))["id"]}
            )
        elif status[gid] == "not-meeting" or (
            status[gid] == "meets" and gid in with_session and draw(st.booleans())
        ):
            group_day: dict[str, Any] = {"group": gid, "status": status[gid]}
            _maybe(draw, texts, group_day, "note")
            theme_groups.append(group_day)
    availability: dict[str, list[dict[str, Any]]] = {}
    for person, windows in busy.items():
        if windows and draw(st.booleans()):
            slack = draw(st.integers(0, 30))
            availability[person] = [
                {
                    "start": _hhmm(max(0, s - slack)),
                    "end": _hhmm(min(23 * 60 + 59, e + slack)),
                    **({"date": d.isoformat()} if d != days[0] else {}),
                }
                for d, s, e in windows
            ]
    for block in blocks:
        for key in ("_start", "_end", "_day"):
            del block[key]
    event: dict[str, Any] = {
        "slug": draw(ids),
        "title": draw(texts),
        "date": days[0].isoformat(),
        "timezone": draw(timezones),
        "language": draw(st.sampled_from(["nl", "en"])),
        "venue": {"name": draw(texts)},
        "rooms": rooms,
        "blocks": blocks,
        "sessions": sessions,
    }
    if len(days) > 1:
        event["end_date"] = days[-1].isoformat()
    _maybe(draw, texts, event, "subtitle")
    _maybe(draw, st.sampled_from(org_ids), event, "host")
    _maybe(draw, markdown, event, "introduction")
    _maybe(draw, texts, event["venue"], "address")
    _maybe(draw, texts, event["venue"], "city")
    if theme_groups:
        event["theme_groups"] = theme_groups
    if availability:
        event["availability"] = availability
    return {"network": network, "event": event}


def load_data(data: dict[str, Any]) -> Event:
    return event_from_source(SourceDocument(data, {}, "generated.yaml"))


def reload(event: Event) -> Event:
    return event_from_source(parse_yaml(dump_event(event), "dumped.yaml"))


@SETTINGS
@given(event_documents())
def test_load_dump_load_gives_the_same_event(data: dict[str, Any]) -> None:
    event = load_data(data)

    again = reload(event)

    assert again == event
    assert dump_event(again) == dump_event(event)


def test_haarlem_round_trips(haarlem: Event) -> None:
    again = reload(haarlem)

    assert again == haarlem


def test_haarlem_dump_reads_like_a_hand_written_file(haarlem: Event) -> None:
    text = dump_event(haarlem)

    assert "  introduction: |-\n    Gemeente Haarlem ontvangt de G40" in text
    assert "    end: '15:45'\n" in text
    assert "show_end: false" in text
    assert "kind: municipality" not in text  # defaults are left out


# --- no input makes the loader crash ------------------------------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.sampled_from(["", "x", "25:00", "9.30", "2023-02-30", "zaal-99", "Zaal 1", "-1", "0", "yes", "@"]),
    st.integers(-5, 5),
    st.booleans(),
    st.just([]),
    st.just({}),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.sampled_from(["id", "start", "end", "x"]), st.text(max_size=3), max_size=2),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@FUZZ
@given(event_documents(), st.data())
def test_broken_document_gives_problems_never_a_crash(data: dict[str, Any], choose: st.DataObject) -> None:
    for _ in range(choose.draw(st.integers(1, 3))):
        paths = _paths(data)[1:]
        if not paths:  # an earlier change deleted everything there was
            break
        path = choose.draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and choose.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = choose.draw(JUNK)

    try:
        load_data(data)
    except NetwerkdagError as error:
        problems = error.problems
    else:
        return  # the changes happened to leave a sound event

    assert problems
    assert all(p.code and p.message and p.location for p in problems)


def test_examples_folder_loads(haarlem_path: Path) -> None:
    assert load_event(haarlem_path).slug == "g40-haarlem-2023"


MANGLERS = [*":-[]{}#&*!|>'\"%@`,? \t\n\x07é9", "  ", "- ", "---\n", "!!python/name:os.system "]


@FUZZ
@given(event_documents(), st.data())
def test_mangled_file_gives_problems_never_a_crash(data: dict[str, Any], choose: st.DataObject) -> None:
    text = dump_event(load_data(data))
    for _ in range(choose.draw(st.integers(1, 4))):
        at = choose.draw(st.integers(0, len(text)))
        cut = choose.draw(st.integers(0, 3))
        insert = "".join(choose.draw(st.lists(st.sampled_from(MANGLERS), max_size=3)))
        text = text[:at] + insert + text[at + cut :]

    try:
        event_from_source(parse_yaml(text, "mangled.yaml"))
    except NetwerkdagError as error:
        problems = error.problems
    else:
        return  # the changes happened to leave a sound event

    assert problems
    assert all(p.location is not None and p.location.file == "mangled.yaml" for p in problems)
