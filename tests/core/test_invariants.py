"""Every rule of `check_event`, each with a tiny hand-built event that keeps it and one that breaks it.

The base event is sound: two rooms, a grid of two rounds around a transfer, one session. Each test changes
one thing and expects the exact problem (code, message, path, hint) or none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from netwerkdag.core.event import Event, GroupDay, GroupStatus
from netwerkdag.core.invariants import MAX_CLASHES, check_event, plan_clashes, plan_problems
from netwerkdag.core.network import Network, Organisation, Person, Pillar, ThemeGroup
from netwerkdag.core.problems import Problem
from netwerkdag.core.sessions import AudienceRule, Participant, ParticipantRole, Session, SessionKind
from netwerkdag.core.timegrid import Block, BlockKind, Window
from netwerkdag.core.venue import Room, Venue

TZ = ZoneInfo("Europe/Amsterdam")
DAY = date(2023, 2, 10)
CHAIR, GUEST, CONTACT = ParticipantRole.CHAIR, ParticipantRole.GUEST, ParticipantRole.CONTACT


def at(hhmm: str, day: date = DAY) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(day.year, day.month, day.day, int(hours), int(minutes), tzinfo=TZ)


BLOCKS = (
    Block("ronde-1", BlockKind.PARALLEL, at("10:00"), at("11:00")),
    Block("wissel", BlockKind.TRANSFER, at("11:00"), at("11:05")),
    Block("ronde-2", BlockKind.PARALLEL, at("11:05"), at("12:00")),
)
TIMES = {b.id: (b.start, b.end) for b in BLOCKS}


def session(id: str, block: str | None = "ronde-1", room: str | None = "zaal-1", **fields: Any) -> Session:
    """A session in `block` and `room`, with the block's times unless `start`/`end` say otherwise."""
    start, end = TIMES.get(block or "", (at("10:00"), at("12:00")))
    values: dict[str, Any] = {"kind": SessionKind.NETWORKING, "title": id.title(), "start": start, "end": end}
    values.update(fields)
    return Session(id=id, block=block, room=room, **values)


NETWORK = Network(
    id="g40",
    name="G40",
    organisations=(Organisation("haarlem", "Gemeente Haarlem", member=True),),
    pillars=(Pillar("sociaal", "Sociaal", chair="anna"),),
    groups=(ThemeGroup("woningmarkt", "Woningmarkt", pillar="sociaal", chair="anna"),),
    people=(
        Person("anna", "Anna de Vries", "wethouder", organisation="haarlem", groups=("woningmarkt",)),
        Person("bram", "Bram Jansen", "staatssecretaris"),
    ),
)


def make_event(**changes: Any) -> Event:
    event = Event(
        slug="testdag",
        title="Testdag",
        start_date=DAY,
        end_date=DAY,
        timezone="Europe/Amsterdam",
        venue=Venue("Stadhuis"),
        network=NETWORK,
        host="haarlem",
        rooms=(Room("zaal-1", "Zaal 1", 40), Room("zaal-2", "Zaal 2", 40)),
        blocks=BLOCKS,
        sessions=(session("overleg"),),
    )
    return replace(event, **changes)


def with_network(**changes: Any) -> Event:
    return make_event(network=replace(NETWORK, **changes))


def test_base_event_is_sound() -> None:
    assert check_event(make_event()) == []


# --- ids are unique -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "path", "kind", "first"),
    [
        (
            with_network(organisations=(*NETWORK.organisations, Organisation("haarlem", "Haarlem"))),
            ("network", "organisations", 1, "id"),
            "organisation",
            "organisations[0]",
        ),
        (
            with_network(pillars=(*NETWORK.pillars, Pillar("sociaal", "Sociaal 2"))),
            ("network", "pillars", 1, "id"),
            "pillar",
            "pillars[0]",
        ),
        (
            with_network(groups=(*NETWORK.groups, ThemeGroup("woningmarkt", "Wonen"))),
            ("network", "groups", 1, "id"),
            "group",
            "groups[0]",
        ),
        (
            with_network(people=(*NETWORK.people, Person("anna", "Anna Bakker", "wethouder"))),
            ("network", "people", 2, "id"),
            "person",
            "people[0]",
        ),
        (
            make_event(rooms=(Room("zaal-1", "Zaal 1", 40), Room("zaal-1", "Zaal 2", 40))),
            ("event", "rooms", 1, "id"),
            "room",
            "rooms[0]",
        ),
        (
            make_event(blocks=(*BLOCKS, Block("ronde-1", BlockKind.DRINKS, at("12:00"), at("13:00")))),
            ("event", "blocks", 3, "id"),
            "block",
            "blocks[0]",
        ),
        (
            make_event(sessions=(session("overleg"), session("overleg", "ronde-2"))),
            ("event", "sessions", 1, "id"),
            "session",
            "sessions[0]",
        ),
    ],
    ids=["organisation", "pillar", "group", "person", "room", "block", "session"],
)
def test_duplicate_id_is_reported_at_the_second(
    event: Event, path: tuple[Any, ...], kind: str, first: str
) -> None:
    value = (
        "haarlem"
        if kind == "organisation"
        else {
            "pillar": "sociaal",
            "group": "woningmarkt",
            "person": "anna",
            "room": "zaal-1",
            "block": "ronde-1",
            "session": "overleg",
        }[kind]
    )

    problems = check_event(event)

    assert problems == [
        Problem(
            "duplicate-id",
            f"{kind} id '{value}' is used twice (first at {first})",
            path,
            f"give every {kind} its own id",
        )
    ]


# --- every reference exists ---------------------------------------------------------------------------------


def test_unknown_references_in_the_network_are_reported() -> None:
    event = with_network(
        pillars=(Pillar("sociaal", "Sociaal", chair="carla", vice_chairs=("anna", "dirk")),),
        groups=(
            ThemeGroup(
                "woningmarkt",
                "Woningmarkt",
                pillar="fysiek",
                also_pillars=("sociaal", "economie"),
                chair="eva",
            ),
        ),
        people=(
            Person(
                "anna", "Anna de Vries", "wethouder", organisation="harlem", groups=("woningmarkt", "wonen")
            ),
            Person("bram", "Bram Jansen", "staatssecretaris"),
        ),
    )

    problems = check_event(event)

    people, pillars = "use one of: anna, bram", "use one of: sociaal"
    assert problems == [
        Problem("unknown-person", "unknown person 'carla'", ("network", "pillars", 0, "chair"), people),
        Problem(
            "unknown-person", "unknown person 'dirk'", ("network", "pillars", 0, "vice_chairs", 1), people
        ),
        Problem("unknown-pillar", "unknown pillar 'fysiek'", ("network", "groups", 0, "pillar"), pillars),
        Problem(
            "unknown-pillar",
            "unknown pillar 'economie'",
            ("network", "groups", 0, "also_pillars", 1),
            pillars,
        ),
        Problem("unknown-person", "unknown person 'eva'", ("network", "groups", 0, "chair"), people),
        Problem(
            "unknown-organisation",
            "unknown organisation 'harlem'",
            ("network", "people", 0, "organisation"),
            "use one of: haarlem",
        ),
        Problem(
            "unknown-group",
            "unknown group 'wonen'",
            ("network", "people", 0, "groups", 1),
            "use one of: woningmarkt",
        ),
    ]


def test_unknown_host_is_reported() -> None:
    problems = check_event(make_event(host="harlem"))

    assert problems == [
        Problem(
            "unknown-organisation", "unknown organisation 'harlem'", ("event", "host"), "use one of: haarlem"
        )
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"room": "zaal-9"},
            Problem(
                "unknown-room",
                "unknown room 'zaal-9'",
                ("event", "sessions", 0, "room"),
                "use one of: zaal-1, zaal-2",
            ),
        ),
        (
            {"group": "wonen"},
            Problem(
                "unknown-group",
                "unknown group 'wonen'",
                ("event", "sessions", 0, "group"),
                "use one of: woningmarkt",
            ),
        ),
        (
            {"pillar": "fysiek"},
            Problem(
                "unknown-pillar",
                "unknown pillar 'fysiek'",
                ("event", "sessions", 0, "pillar"),
                "use one of: sociaal",
            ),
        ),
        (
            {"participants": (Participant("anna", CHAIR), Participant("carla", GUEST))},
            Problem(
                "unknown-person",
                "unknown person 'carla'",
                ("event", "sessions", 0, "participants", 1, "person"),
                "use one of: anna, bram",
            ),
        ),
        (
            {"combined_with": ("lunch",)},
            Problem(
                "unknown-session",
                "unknown session 'lunch'",
                ("event", "sessions", 0, "combined_with", 0),
                "use one of: overleg",
            ),
        ),
        (
            {"audience": (AudienceRule(), AudienceRule(groups=frozenset({"wonen", "woningmarkt"})))},
            Problem(
                "unknown-group",
                "unknown group 'wonen'",
                ("event", "sessions", 0, "audience", 1, "groups"),
                "use one of: woningmarkt",
            ),
        ),
        (
            {"audience": (AudienceRule(pillars=frozenset({"fysiek"})),)},
            Problem(
                "unknown-pillar",
                "unknown pillar 'fysiek'",
                ("event", "sessions", 0, "audience", 0, "pillars"),
                "use one of: sociaal",
            ),
        ),
        (
            {"audience": (AudienceRule(organisations=frozenset({"vng"})),)},
            Problem(
                "unknown-organisation",
                "unknown organisation 'vng'",
                ("event", "sessions", 0, "audience", 0, "organisations"),
                "use one of: haarlem",
            ),
        ),
    ],
    ids=[
        "room",
        "group",
        "pillar",
        "person",
        "combined-with",
        "audience-group",
        "audience-pillar",
        "audience-org",
    ],
)
def test_unknown_reference_of_a_session_is_reported(changes: dict[str, Any], problem: Problem) -> None:
    event = make_event(sessions=(replace(session("overleg"), **changes),))

    assert check_event(event) == [problem]


def test_unknown_block_is_reported_once_not_again_as_clashes() -> None:
    # Without a known block the session's times mean nothing: no clash with the venue-wide lunch.
    event = make_event(
        sessions=(
            session("lunch", "ronde-1", None, venue_wide=True),
            session("overleg", "ronde-3", start=at("10:00")),
        ),
    )

    problems = check_event(event)

    assert problems == [
        Problem(
            "unknown-block",
            "unknown block 'ronde-3'",
            ("event", "sessions", 1, "block"),
            "use one of: ronde-1, ronde-2, wissel",
        )
    ]


def test_session_in_transfer_block_is_reported() -> None:
    problems = check_event(make_event(sessions=(session("overleg", "wissel"),)))

    assert problems == [
        Problem(
            "session-in-transfer",
            "session 'overleg' is placed in transfer block 'wissel'",
            ("event", "sessions", 0, "block"),
            "transfer time holds no sessions; choose a slot",
        )
    ]


def test_theme_group_meeting_without_group_is_reported() -> None:
    kind = SessionKind.THEME_GROUP_MEETING

    sound = check_event(make_event(sessions=(session("wonen", kind=kind, group="woningmarkt"),)))
    broken = check_event(make_event(sessions=(session("wonen", kind=kind),)))

    assert sound == []
    assert broken == [
        Problem(
            "missing-group",
            "theme-group meeting 'wonen' names no theme group",
            ("event", "sessions", 0, "group"),
            "add `group: <theme group id>`",
        )
    ]


def test_session_without_room_must_be_venue_wide() -> None:
    sound = check_event(make_event(sessions=(session("lunch", room=None, venue_wide=True),)))
    broken = check_event(make_event(sessions=(session("lunch", room=None),)))

    assert sound == []
    assert broken == [
        Problem(
            "missing-room",
            "session 'lunch' has no room",
            ("event", "sessions", 0, "room"),
            "give it a room, or `venue_wide: true` for a part that spans the whole venue",
        )
    ]


def test_session_without_block_must_be_all_day() -> None:
    sound = check_event(make_event(sessions=(session("netwerken", None, "zaal-2", all_day=True),)))
    broken = check_event(make_event(sessions=(session("netwerken", None, "zaal-2"),)))

    assert sound == []
    assert broken == [
        Problem(
            "missing-block",
            "session 'netwerken' has no block",
            ("event", "sessions", 0, "block"),
            "name the block (time slot) it takes place in, or `all_day: true` for a room open all day",
        )
    ]


# --- the grid: end after start, within the event, no overlap ------------------------------------------------


def test_event_ending_before_it_starts_is_reported() -> None:
    problems = check_event(make_event(end_date=date(2023, 2, 9)))

    assert problems[0] == Problem(
        "end-before-start",
        "the event ends on 2023-02-09, before it starts on 2023-02-10",
        ("event", "end_date"),
        "end_date is the last day of an event of several days; omit it for one day",
    )


def test_block_ending_before_it_starts_is_reported_once() -> None:
    broken = Block("ronde-1", BlockKind.PARALLEL, at("10:00"), at("09:00"))
    event = make_event(
        blocks=(broken, *BLOCKS[1:]), sessions=(session("overleg", start=at("10:00"), end=at("09:00")),)
    )

    problems = check_event(event)

    assert problems == [
        Problem(
            "end-before-start",
            "block 'ronde-1' ends at 09:00, not after its start 10:00",
            ("event", "blocks", 0, "end"),
            "the end must be later than the start",
        )
    ]


def test_block_outside_the_event_dates_is_reported() -> None:
    next_day = date(2023, 2, 11)
    late = Block("dag-2", BlockKind.PARALLEL, at("10:00", next_day), at("11:00", next_day))

    sound = check_event(make_event(blocks=(*BLOCKS, late), end_date=next_day))
    broken = check_event(make_event(blocks=(*BLOCKS, late)))

    assert sound == []
    assert broken == [
        Problem(
            "block-outside-event",
            "block 'dag-2' is on 2023-02-11, outside the event's dates 2023-02-10 to 2023-02-10",
            ("event", "blocks", 3, "date"),
            "give the block a date within the event, or extend the event's end_date",
        )
    ]


def test_overlapping_blocks_are_reported() -> None:
    touching = Block("borrel", BlockKind.DRINKS, at("12:00"), at("13:00"))
    overlapping = Block("borrel", BlockKind.DRINKS, at("11:30"), at("13:00"))

    sound = check_event(make_event(blocks=(*BLOCKS, touching)))
    broken = check_event(make_event(blocks=(*BLOCKS, overlapping)))

    assert sound == []
    assert broken == [
        Problem(
            "blocks-overlap",
            "block 'borrel' (11:30-13:00) overlaps block 'ronde-2' (11:05-12:00)",
            ("event", "blocks", 3, "start"),
            "blocks of the grid follow each other; a transfer is a block of its own",
        )
    ]


# --- every session inside its slot --------------------------------------------------------------------------


def test_session_with_own_end_inside_its_block_is_sound() -> None:
    assert check_event(make_event(sessions=(session("gesprek", end=at("10:45")),))) == []


@pytest.mark.parametrize(
    ("start", "end", "field", "runs"),
    [
        ("10:00", "11:15", "end", "10:00-11:15"),
        ("09:45", "11:00", "start", "09:45-11:00"),
        ("11:30", "12:00", "start", "11:30-12:00"),
    ],
)
def test_session_outside_its_block_is_reported(start: str, end: str, field: str, runs: str) -> None:
    problems = check_event(make_event(sessions=(session("overleg", start=at(start), end=at(end)),)))

    assert problems == [
        Problem(
            "session-outside-block",
            f"session 'overleg' runs {runs}, outside its block 'ronde-1' (10:00-11:00)",
            ("event", "sessions", 0, field),
            "a session's own start and end must lie inside its block",
        )
    ]


def test_session_ending_before_it_starts_is_reported() -> None:
    problems = check_event(make_event(sessions=(session("overleg", start=at("10:30"), end=at("10:15")),)))

    assert problems == [
        Problem(
            "end-before-start",
            "session 'overleg' ends at 10:15, not after its start 10:30",
            ("event", "sessions", 0, "end"),
            "the end must be later than the start",
        )
    ]


# --- no two sessions in one room at once --------------------------------------------------------------------


def double_booked(a: str, b: str, where: str, index: int = 1) -> Problem:
    return Problem(
        "room-double-booked",
        f"sessions '{a}' and '{b}' are both in {where} at 10:00-11:00",
        ("event", "sessions", index, "room"),
        "move one of them, mark the room `shared: true`, or list them in `combined_with`",
        sessions=(a, b),
    )


def test_two_sessions_in_one_room_at_once_are_reported() -> None:
    sound = check_event(make_event(sessions=(session("overleg"), session("wonen", room="zaal-2"))))
    broken = check_event(make_event(sessions=(session("overleg"), session("wonen"))))

    assert sound == []
    assert broken == [double_booked("overleg", "wonen", "room 'zaal-1'")]


def test_shared_room_may_hold_sessions_at_once() -> None:
    rooms = (Room("zaal-1", "Foyer", 200, shared=True), Room("zaal-2", "Zaal 2", 40))

    assert check_event(make_event(rooms=rooms, sessions=(session("overleg"), session("wonen")))) == []


def test_combined_sessions_may_share_room_and_people() -> None:
    lunch = session("lunch", room=None, venue_wide=True, participants=(Participant("anna", CHAIR),))
    board = session(
        "bestuur",
        room=None,
        venue_wide=True,
        combined_with=("lunch",),
        participants=(Participant("anna", GUEST),),
    )

    assert check_event(make_event(sessions=(lunch, board))) == []


def test_venue_wide_session_clashes_with_every_room_but_a_shared_one() -> None:
    rooms = (Room("zaal-1", "Foyer", 200, shared=True), Room("zaal-2", "Zaal 2", 40))
    lunch = session("lunch", room=None, venue_wide=True)

    in_room = check_event(make_event(sessions=(session("overleg", room="zaal-2"), lunch)))
    in_foyer = check_event(make_event(rooms=rooms, sessions=(session("overleg", room="zaal-1"), lunch)))

    assert in_room == [
        Problem(
            "room-double-booked",
            "sessions 'overleg' and 'lunch' overlap at 10:00-11:00, and one takes the whole venue",
            ("event", "sessions", 1, "venue_wide"),
            "a venue-wide part takes every room but shared ones: move one of them, or list them in "
            "`combined_with`",
            sessions=("overleg", "lunch"),
        )
    ]
    assert in_foyer == []


def test_all_day_room_clashes_only_with_its_own_room() -> None:
    all_day = session("netwerken", None, "zaal-2", all_day=True)

    sound = check_event(
        make_event(sessions=(all_day, session("overleg"), session("lunch", "ronde-2", None, venue_wide=True)))
    )
    broken = check_event(make_event(sessions=(all_day, session("overleg", room="zaal-2"))))

    assert sound == []
    assert broken == [double_booked("netwerken", "overleg", "room 'zaal-2'")]


# --- a person is in one place at a time, within their availability ------------------------------------------


def test_person_with_a_part_in_two_sessions_at_once_is_reported() -> None:
    chair = session("overleg", participants=(Participant("anna", CHAIR),))
    contact_elsewhere = session("wonen", room="zaal-2", participants=(Participant("anna", CONTACT),))
    guest_elsewhere = session(
        "wonen", room="zaal-2", participants=(Participant("bram", CHAIR), Participant("anna", GUEST))
    )

    sound = check_event(make_event(sessions=(chair, contact_elsewhere)))
    broken = check_event(make_event(sessions=(chair, guest_elsewhere)))

    assert sound == []
    assert broken == [
        Problem(
            "person-double-booked",
            "'anna' has a part in both 'overleg' and 'wonen', which overlap",
            ("event", "sessions", 1, "participants", 1, "person"),
            "a chair, speaker or guest can be in one session at a time",
            sessions=("overleg", "wonen"),
        )
    ]


def test_guest_outside_their_availability_is_reported() -> None:
    guest = session("gesprek", "ronde-2", participants=(Participant("bram", GUEST),))
    available = MappingProxyType({"bram": (Window(at("11:00"), at("12:00")),)})
    too_early = MappingProxyType(
        {"bram": (Window(at("10:00"), at("11:00")), Window(at("11:30"), at("12:30")))}
    )

    sound = check_event(make_event(sessions=(guest,), availability=available))
    broken = check_event(make_event(sessions=(guest,), availability=too_early))

    assert sound == []
    assert broken == [
        Problem(
            "person-unavailable",
            "'bram' is available only 10:00-11:00, 11:30-12:30, but session 'gesprek' runs 11:05-12:00",
            ("event", "sessions", 0, "participants", 0, "person"),
            "give the session its own start/end inside the availability, or move it",
            sessions=("gesprek",),
        )
    ]


def test_availability_of_unknown_person_points_at_the_person_key() -> None:
    availability = MappingProxyType({"carla": (Window(at("10:00"), at("09:00")),)})

    problems = check_event(make_event(availability=availability))

    assert problems == [
        Problem(
            "unknown-person",
            "unknown person 'carla'",
            ("event", "availability", "carla"),
            "use one of: anna, bram",
            at_key=True,
        ),
        Problem(
            "end-before-start",
            "availability window 10:00-09:00 of 'carla' does not end after it starts",
            ("event", "availability", "carla", 0, "end"),
            "the end must be later than the start",
        ),
    ]


# --- groups that do not meet have no session ----------------------------------------------------------------


def group_meeting() -> Session:
    return session("wonen", kind=SessionKind.THEME_GROUP_MEETING, group="woningmarkt")


def test_group_that_does_not_meet_has_no_session() -> None:
    not_meeting = (GroupDay("woningmarkt", GroupStatus.NOT_MEETING),)

    sound = check_event(make_event(group_days=not_meeting))
    broken = check_event(make_event(group_days=not_meeting, sessions=(group_meeting(),)))

    assert sound == []
    assert broken == [
        Problem(
            "group-not-meeting-has-session",
            "theme group 'woningmarkt' does not meet today, yet session 'wonen' is its meeting",
            ("event", "theme_groups", 0, "status"),
            "remove the session, or set the status to `meets`",
        )
    ]


def test_merged_group_names_an_existing_session_and_has_none_of_its_own() -> None:
    merged = GroupDay("woningmarkt", GroupStatus.MERGED, merged_into="overleg")

    sound = check_event(make_event(group_days=(merged,)))
    without = check_event(make_event(group_days=(replace(merged, merged_into=None),)))
    unknown = check_event(make_event(group_days=(replace(merged, merged_into="lunch"),)))
    own = check_event(make_event(group_days=(merged,), sessions=(session("overleg"), group_meeting())))

    assert sound == []
    assert without == [
        Problem(
            "missing-merged-into",
            "theme group 'woningmarkt' is merged, but `merged_into` names no session",
            ("event", "theme_groups", 0, "merged_into"),
            "name the session it joins",
        )
    ]
    assert unknown == [
        Problem(
            "unknown-session",
            "unknown session 'lunch'",
            ("event", "theme_groups", 0, "merged_into"),
            "use one of: overleg",
        )
    ]
    assert own == [
        Problem(
            "room-double-booked",
            "sessions 'overleg' and 'wonen' are both in room 'zaal-1' at 10:00-11:00",
            ("event", "sessions", 1, "room"),
            "move one of them, mark the room `shared: true`, or list them in `combined_with`",
            sessions=("overleg", "wonen"),
        ),
        Problem(
            "merged-group-has-session",
            "theme group 'woningmarkt' is merged into 'overleg', yet has its own session 'wonen'",
            ("event", "theme_groups", 0, "status"),
            "remove its own session, or set the status to `meets`",
        ),
    ]


def test_group_day_of_unknown_or_repeated_group_is_reported() -> None:
    days = (
        GroupDay("woningmarkt", GroupStatus.MEETS),
        GroupDay("wonen", GroupStatus.NOT_MEETING),
        GroupDay("woningmarkt", GroupStatus.NOT_MEETING),
    )

    problems = check_event(make_event(group_days=days, sessions=(group_meeting(),)))

    assert problems == [
        Problem(
            "unknown-group",
            "unknown group 'wonen'",
            ("event", "theme_groups", 1, "group"),
            "use one of: woningmarkt",
        ),
        Problem(
            "duplicate-id",
            "theme group 'woningmarkt' is listed twice (first at theme_groups[0])",
            ("event", "theme_groups", 2, "group"),
            "list each theme group once",
        ),
    ]


# --- sessions and availability lie within the event's dates -------------------------------------------------


def test_all_day_session_on_a_day_outside_the_event_is_reported() -> None:
    next_day = date(2023, 2, 11)
    inside = session("netwerken", None, "zaal-2", all_day=True)
    outside = session(
        "netwerken", None, "zaal-2", all_day=True, start=at("00:00", next_day), end=at("23:59", next_day)
    )

    sound = check_event(make_event(sessions=(inside,)))
    broken = check_event(make_event(sessions=(outside,)))

    assert sound == []
    assert broken == [
        Problem(
            "session-outside-event",
            "all-day session 'netwerken' is on 2023-02-11, "
            "outside the event's dates 2023-02-10 to 2023-02-10",
            ("event", "sessions", 0, "date"),
            "give it a date within the event, or extend the event's end_date",
        )
    ]


def test_availability_window_on_a_day_outside_the_event_is_reported() -> None:
    day_before = date(2023, 2, 9)
    inside = MappingProxyType({"bram": (Window(at("10:00"), at("12:00")),)})
    outside = MappingProxyType(
        {"bram": (Window(at("10:00"), at("12:00")), Window(at("10:00", day_before), at("12:00", day_before)))}
    )

    sound = check_event(make_event(availability=inside))
    broken = check_event(make_event(availability=outside))

    assert sound == []
    assert broken == [
        Problem(
            "window-outside-event",
            "availability window 10:00-12:00 of 'bram' is on 2023-02-09, "
            "outside the event's dates 2023-02-10 to 2023-02-10",
            ("event", "availability", "bram", 1, "date"),
            "give the window a date within the event, or leave the date out for its first day",
        )
    ]


# --- combined sessions share block and place ----------------------------------------------------------------


def test_session_combined_with_itself_is_reported() -> None:
    problems = check_event(make_event(sessions=(session("overleg", combined_with=("overleg",)),)))

    assert problems == [
        Problem(
            "combined-with-itself",
            "session 'overleg' names itself in `combined_with`",
            ("event", "sessions", 0, "combined_with", 0),
            "list only the other sessions that share its room and time",
        )
    ]


def test_combined_sessions_in_one_room_and_block_are_sound() -> None:
    rooms = (session("overleg"), session("bestuur", combined_with=("overleg",)))
    venue = (
        session("lunch", room=None, venue_wide=True),
        session("bestuur", room=None, venue_wide=True, combined_with=("lunch",)),
    )

    assert check_event(make_event(sessions=rooms)) == []
    assert check_event(make_event(sessions=venue)) == []


@pytest.mark.parametrize(
    ("other", "apart"),
    [
        (session("lunch", room=None, venue_wide=True), "places (room 'zaal-1' and the whole venue)"),
        (session("lunch", room="zaal-2"), "places (room 'zaal-1' and room 'zaal-2')"),
        (session("lunch", "ronde-2"), "blocks (block 'ronde-1' and block 'ronde-2')"),
        (session("lunch", None, "zaal-1", all_day=True), "blocks (block 'ronde-1' and all day)"),
    ],
    ids=["room-and-venue-wide", "two-rooms", "two-blocks", "block-and-all-day"],
)
def test_combined_sessions_apart_are_reported_once(other: Session, apart: str) -> None:
    # Both name each other: one problem, where the pair is first named.
    overleg = session("overleg", combined_with=("lunch",))

    problems = check_event(make_event(sessions=(overleg, replace(other, combined_with=("overleg",)))))

    assert [p for p in problems if p.code == "combined-apart"] == [
        Problem(
            "combined-apart",
            f"session 'overleg' is combined with 'lunch', but they are in different {apart}",
            ("event", "sessions", 0, "combined_with", 0),
            "combined sessions share one block and one room (or are both venue-wide): move one of them, "
            "or remove it from `combined_with`",
        )
    ]


# --- meetings name what meets -------------------------------------------------------------------------------


def test_pillar_meeting_without_pillar_is_reported() -> None:
    kind = SessionKind.PILLAR_MEETING

    sound = check_event(make_event(sessions=(session("pijler", kind=kind, pillar="sociaal"),)))
    broken = check_event(make_event(sessions=(session("pijler", kind=kind),)))

    assert sound == []
    assert broken == [
        Problem(
            "missing-pillar",
            "pillar meeting 'pijler' names no pillar",
            ("event", "sessions", 0, "pillar"),
            "add `pillar: <pillar id>`",
        )
    ]


def test_group_listed_as_meeting_has_a_session() -> None:
    meets = (GroupDay("woningmarkt", GroupStatus.MEETS),)

    sound = check_event(make_event(group_days=meets, sessions=(group_meeting(),)))
    broken = check_event(make_event(group_days=meets))

    assert sound == []
    assert broken == [
        Problem(
            "group-meets-without-session",
            "theme group 'woningmarkt' meets today, yet no session is its meeting",
            ("event", "theme_groups", 0, "status"),
            "add its session with `group: woningmarkt`, or set the status to `not-meeting`",
        )
    ]


def test_empty_audience_means_not_set_and_is_no_problem() -> None:
    assert check_event(make_event(sessions=(session("overleg", audience=()),))) == []


# --- every time exists on the clock -------------------------------------------------------------------------

SPRING = date(2023, 3, 26)  # summer time begins: 02:00 becomes 03:00 in Europe/Amsterdam
AUTUMN = date(2023, 10, 29)  # summer time ends: 02:00-03:00 comes twice


def night_grid(day: date, start: str) -> tuple[Block, ...]:
    return (Block("nacht", BlockKind.PARALLEL, at(start, day), at("04:00", day)),)


SKIPPED_HINT = "the clocks go forward from 02:00 to 03:00 that day: choose a time before 02:00 or from 03:00"


def test_block_in_the_skipped_hour_is_reported() -> None:
    spring = {"start_date": SPRING, "end_date": SPRING, "sessions": ()}

    sound = check_event(make_event(**spring, blocks=night_grid(SPRING, "01:30")))
    broken = check_event(make_event(**spring, blocks=night_grid(SPRING, "02:30")))

    assert sound == []
    assert broken == [
        Problem(
            "nonexistent-time",
            "block 'nacht' starts at 02:30 on 2023-03-26, a time that does not exist in Europe/Amsterdam",
            ("event", "blocks", 0, "start"),
            SKIPPED_HINT,
        )
    ]


def test_own_session_time_and_window_in_the_skipped_hour_are_reported() -> None:
    grid = night_grid(SPRING, "01:00")
    spring = {"start_date": SPRING, "end_date": SPRING, "blocks": grid}
    whole_block = session("gesprek", "nacht", start=at("01:00", SPRING), end=at("04:00", SPRING))
    own_end = replace(whole_block, end=at("02:15", SPRING))
    window = MappingProxyType({"bram": (Window(at("01:00", SPRING), at("02:45", SPRING)),)})

    sound = check_event(make_event(**spring, sessions=(whole_block,)))
    broken = check_event(make_event(**spring, sessions=(own_end,), availability=window))

    assert sound == []
    assert broken == [
        Problem(
            "nonexistent-time",
            "session 'gesprek' ends at 02:15 on 2023-03-26, a time that does not exist in Europe/Amsterdam",
            ("event", "sessions", 0, "end"),
            SKIPPED_HINT,
        ),
        Problem(
            "nonexistent-time",
            "the availability of 'bram' ends at 02:45 on 2023-03-26, a time that does not exist in "
            "Europe/Amsterdam",
            ("event", "availability", "bram", 0, "end"),
            SKIPPED_HINT,
        ),
    ]


def test_repeated_hour_in_autumn_is_sound_and_means_its_first_occurrence() -> None:
    grid = night_grid(AUTUMN, "02:30")

    problems = check_event(make_event(start_date=AUTUMN, end_date=AUTUMN, blocks=grid, sessions=()))

    assert problems == []
    assert grid[0].start.utcoffset() == timedelta(hours=2)  # 02:30 summer time, the first of the two


# --- a file with thousands of clashes -----------------------------------------------------------------------


def test_clashes_beyond_the_limit_are_summed_up_in_one_problem() -> None:
    sessions = tuple(session(f"overleg-{n}") for n in range(50))  # 1,225 pairs in one room at once

    problems = check_event(make_event(sessions=sessions))

    assert len(problems) == MAX_CLASHES + 1
    assert problems[0] == double_booked("overleg-0", "overleg-1", "room 'zaal-1'")
    assert problems[-1] == Problem(
        "too-many-clashes",
        "more than 1,000 clashes; only 1,000 of them are listed",
        ("event", "sessions"),
        "most clashes come from a few sessions in the wrong block or room: fix those and check again",
    )


# --- the clashes of a plan, structured (what the scheduler's rules read) -----------------------------------


def test_plan_clashes_name_the_sessions_the_person_and_the_room() -> None:
    chair = session("overleg", participants=(Participant("anna", CHAIR),))
    guest = session("wonen", participants=(Participant("anna", GUEST),))
    late = MappingProxyType({"anna": (Window(at("11:30"), at("12:30")),)})
    event = make_event(sessions=(chair, guest), availability=late)

    found = plan_clashes(event)

    assert [(c.code, c.sessions, c.person, c.room) for c in found.all()] == [
        ("room-double-booked", ("overleg", "wonen"), None, "zaal-1"),
        ("person-double-booked", ("overleg", "wonen"), "anna", None),
        ("person-unavailable", ("overleg",), "anna", None),
        ("person-unavailable", ("wonen",), "anna", None),
    ]
    assert found.more is False
    assert plan_problems(event) == [c.problem for c in found.all()]


def test_plan_clashes_beyond_the_limit_are_counted_once() -> None:
    sessions = tuple(session(f"overleg-{n}") for n in range(50))

    found = plan_clashes(make_event(sessions=sessions))

    assert len(found.overlaps) == MAX_CLASHES
    assert found.more is True
    assert found.overlaps[0].sessions == ("overleg-0", "overleg-1")
