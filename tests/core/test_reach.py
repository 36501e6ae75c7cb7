"""The reach measures (core/reach.py) on a tiny hand-built network of three member cities and a ministry.

People: anna (wethouder, Haarlem, Woningmarkt, portfolio wonen), bas (burgemeester, Haarlem), cor (wethouder,
Delft, portfolio wonen but no group), dina (Wethouder with a capital, Almere, Duurzaamheid, portfolio
energie), eva (adviser without an organisation, Woningmarkt), fer (directeur of the ministry), gijs
(wethouder, Delft, in Tussen, a group of Sociaal that also sits in Fysiek). `gast` is an outside guest, in
no network. The group Leeg has no members.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from netwerkdag.core.event import Event, GroupDay, GroupStatus
from netwerkdag.core.network import Network, Organisation, OrganisationKind, Person, Pillar, ThemeGroup
from netwerkdag.core.reach import (
    Attendance,
    Meetings,
    Newcomers,
    NoShows,
    NotReached,
    OrganisationDay,
    SeatUse,
    feedback,
    groups,
    meetings,
    newcomers,
    no_shows,
    not_reached,
    organisations,
    pillars,
    seat_use,
)
from netwerkdag.core.sessions import Session, SessionKind
from netwerkdag.core.venue import Room, Venue

TZ = ZoneInfo("Europe/Amsterdam")
FIRST = date(2023, 2, 10)
EMPTY: frozenset[str] = frozenset()

NETWORK = Network(
    id="g40",
    name="G40",
    organisations=(
        Organisation("haarlem", "Gemeente Haarlem", member=True),
        Organisation("delft", "Gemeente Delft", member=True),
        Organisation("almere", "Gemeente Almere", member=True),
        Organisation("min", "Ministerie", kind=OrganisationKind.MINISTRY),
    ),
    pillars=(Pillar("fysiek", "Fysiek", chair="hans"), Pillar("sociaal", "Sociaal")),
    groups=(
        ThemeGroup("woningmarkt", "Woningmarkt", pillar="fysiek", portfolios=("wonen",)),
        ThemeGroup("duurzaamheid", "Duurzaamheid", pillar="fysiek", portfolios=("energie",)),
        ThemeGroup("tussen", "Tussen", pillar="sociaal", also_pillars=("fysiek",)),
        ThemeGroup("leeg", "Leeg", pillar="sociaal", portfolios=("zorg",)),
    ),
    people=(
        Person("anna", "Anna", "wethouder", "haarlem", portfolios=("wonen",), groups=("woningmarkt",)),
        Person("bas", "Bas", "burgemeester", "haarlem"),
        Person("cor", "Cor", "wethouder", "delft", portfolios=("wonen",)),
        Person("dina", "Dina", "Wethouder", "almere", portfolios=("energie",), groups=("duurzaamheid",)),
        Person("eva", "Eva", "beleidsadviseur", groups=("woningmarkt",)),
        Person("fer", "Fer", "directeur", "min"),
        Person("gijs", "Gijs", "wethouder", "delft", groups=("tussen",)),
        Person("hans", "Hans", "wethouder", "almere"),
    ),
)


def session(id: str, kind: SessionKind, room: str | None, **fields: Any) -> Session:
    start = datetime(2023, 2, 10, 10, 0, tzinfo=TZ)
    return Session(id, kind, id.title(), start, start + timedelta(hours=1), room=room, **fields)


SESSIONS = (
    session("plenair", SessionKind.PLENARY, None, venue_wide=True),
    session("wonen", SessionKind.THEME_GROUP_MEETING, "zaal-1", group="woningmarkt"),
    session("energie", SessionKind.THEME_GROUP_MEETING, "zaal-2", group="duurzaamheid"),
    session("pijler", SessionKind.PILLAR_MEETING, "zaal-1", pillar="fysiek"),
    session("gesprek", SessionKind.GUEST_CONVERSATION, "kast"),
)


def event(day: int = 0, **changes: Any) -> Event:
    """The event on the `day`-th day after the first (only its date changes)."""
    when = FIRST + timedelta(days=day)
    base = Event(
        slug=f"dag-{day}",
        title="Testdag",
        start_date=when,
        end_date=when,
        timezone="Europe/Amsterdam",
        venue=Venue("Stadhuis"),
        network=NETWORK,
        rooms=(Room("zaal-1", "Zaal 1", 4), Room("zaal-2", "Zaal 2", 10), Room("kast", "Kast", 0)),
        sessions=SESSIONS,
    )
    return replace(base, **changes)


def day(
    n: int = 0,
    present: set[str] | None = None,
    event_changes: dict[str, Any] | None = None,
    registered: dict[str, set[str]] | None = None,
    **attended: set[str],
) -> Attendance:
    return Attendance(
        event(n, **(event_changes or {})),
        present=frozenset(present or ()),
        attended={s: frozenset(p) for s, p in attended.items()},
        registered={s: frozenset(p) for s, p in (registered or {}).items()},
    )


# --- Attendance and the series ------------------------------------------------------------------------------


def test_attendance_counts_people_seen_in_a_session_as_present() -> None:
    assert day(present={"bas"}, wonen={"anna", "gast"}).everyone == {"anna", "bas", "gast"}


def test_attendance_refuses_a_session_the_event_lacks() -> None:
    with pytest.raises(ValueError, match="has no session nergens"):
        day(nergens={"anna"})


def test_measures_refuse_days_out_of_order() -> None:
    with pytest.raises(ValueError, match="date order"):
        newcomers([day(1), day(0)])


def test_measures_refuse_two_days_on_one_date() -> None:
    with pytest.raises(ValueError, match="one per date"):
        groups([day(0), day(0)])


def test_organisations_refuse_an_empty_window() -> None:
    with pytest.raises(ValueError, match="at least 1 day, not 0"):
        organisations([day(0)], last=0)


# --- organisations ------------------------------------------------------------------------------------------


def test_organisations_count_a_person_once_however_many_sessions() -> None:
    reach = organisations([day(present={"bas"}, wonen={"anna"}, pijler={"anna"})], last=1)

    assert reach["haarlem"].days == (OrganisationDay(FIRST, people=2, burgemeester=1, wethouder=1, other=0),)
    assert reach["haarlem"].days_present == 1


def test_organisations_leave_out_people_without_an_organisation_and_guests() -> None:
    reach = organisations([day(present={"eva", "gast", "fer"})], last=1)

    assert [r.days[0].people for r in reach.values()] == [0, 0, 0, 1]
    assert list(reach) == ["haarlem", "delft", "almere", "min"]


def test_organisations_count_roles_in_any_case_and_others_apart() -> None:
    reach = organisations([day(present={"dina", "hans", "fer"})], last=1)

    assert reach["almere"].days[0] == OrganisationDay(FIRST, people=2, burgemeester=0, wethouder=2, other=0)
    assert reach["min"].days[0] == OrganisationDay(FIRST, people=1, burgemeester=0, wethouder=0, other=1)


def test_organisations_empty_day_counts_nobody() -> None:
    reach = organisations([day(0, present={"anna"}), day(1)], last=2)

    assert reach["haarlem"].days[1] == OrganisationDay(FIRST + timedelta(days=1), 0, 0, 0, 0)
    assert reach["haarlem"].days_present == 1


def test_organisations_days_present_look_at_the_last_n_days_only() -> None:
    series = [day(0, present={"anna"}), day(1), day(2, present={"cor"})]

    last_two = organisations(series, last=2)
    longer = organisations(series, last=5)

    assert (last_two["haarlem"].days_present, last_two["delft"].days_present, last_two["haarlem"].window) == (
        0,
        1,
        2,
    )
    assert (longer["haarlem"].days_present, longer["delft"].days_present, longer["haarlem"].window) == (
        1,
        1,
        3,
    )


def test_organisations_of_no_days_are_none() -> None:
    assert dict(organisations([], last=3)) == {}


# --- theme groups -------------------------------------------------------------------------------------------


def test_groups_split_members_portfolio_holders_and_others() -> None:
    reach = groups([day(wonen={"anna", "eva", "cor", "fer", "gast"})])["woningmarkt"]

    assert reach.members == {"anna", "eva"}
    (today,) = reach.days
    assert (today.members, today.reached, today.holders, today.others) == (
        2,
        {"anna", "eva"},
        {"cor"},
        {"fer", "gast"},
    )


def test_groups_count_only_the_groups_own_sessions() -> None:
    reach = groups([day(present={"eva"}, energie={"anna"}, pijler={"anna"})])["woningmarkt"]

    assert reach.days[0].reached == EMPTY
    assert reach.days[0].met


def test_groups_without_members_reach_nobody() -> None:
    reach = groups([day(wonen={"anna", "dina"})])["leeg"]

    assert (reach.members, reach.reached, reach.holders) == (EMPTY, EMPTY, EMPTY)
    assert (reach.days[0].members, reach.days[0].met) == (0, False)


def test_groups_over_time_count_each_person_once() -> None:
    series = [day(0, wonen={"anna"}), day(1), day(2, wonen={"anna", "eva", "cor"})]

    reach = groups(series)["woningmarkt"]

    assert [d.reached for d in reach.days] == [{"anna"}, EMPTY, {"anna", "eva"}]
    assert (reach.reached, reach.holders) == ({"anna", "eva"}, {"cor"})


def test_groups_merged_into_a_session_reach_its_members_there() -> None:
    merged = {"group_days": (GroupDay("duurzaamheid", GroupStatus.MERGED, merged_into="wonen"),)}

    reach = groups([day(event_changes=merged, wonen={"anna", "dina"})])

    assert reach["duurzaamheid"].days[0].reached == {"dina"}
    assert reach["woningmarkt"].days[0].reached == {"anna"}


# --- pillars ------------------------------------------------------------------------------------------------


def test_pillars_reach_through_their_groups_and_own_sessions() -> None:
    reach = pillars([day(pijler={"gijs", "hans"}, energie={"dina", "cor"}, gesprek={"anna"})])["fysiek"]

    assert reach.members == {"anna", "dina", "eva", "gijs", "hans"}
    assert (reach.days[0].reached, reach.days[0].holders) == ({"gijs", "hans", "dina"}, {"cor"})


def test_pillars_count_a_group_between_two_pillars_for_both() -> None:
    reach = pillars([day(pijler={"gijs"})])

    assert "gijs" in reach["sociaal"].members
    assert reach["sociaal"].days[0].reached == EMPTY  # Sociaal's sessions: none that day
    assert reach["sociaal"].days[0].met is False


# --- newcomers ----------------------------------------------------------------------------------------------


def test_newcomers_across_days_with_an_empty_day_and_guests() -> None:
    series = [day(0, present={"anna", "gast"}), day(1), day(2, present={"bas"}, wonen={"anna", "gast"})]

    assert newcomers(series) == (
        Newcomers(FIRST, newcomers={"anna", "gast"}, returners=EMPTY),
        Newcomers(FIRST + timedelta(days=1), newcomers=EMPTY, returners=EMPTY),
        Newcomers(FIRST + timedelta(days=2), newcomers={"bas"}, returners={"anna", "gast"}),
    )


# --- no-shows and seats -------------------------------------------------------------------------------------


def test_no_shows_are_the_registered_who_were_not_there_at_all() -> None:
    attendance = day(
        present={"anna"},
        registered={"wonen": {"anna", "bas", "cor"}, "pijler": {"dina"}},
        energie={"cor"},
    )

    assert no_shows(attendance) == (
        NoShows("wonen", registered=3, absent={"bas"}),
        NoShows("pijler", registered=1, absent={"dina"}),
    )


def test_no_shows_of_an_empty_day_are_none() -> None:
    assert no_shows(day()) == ()


def test_seat_use_against_room_capacity() -> None:
    uses = seat_use(day(plenair={"anna", "bas"}, wonen={"anna", "bas", "cor"}, gesprek={"fer"}))

    assert uses == (
        SeatUse("plenair", attended=2, capacity=None),
        SeatUse("wonen", attended=3, capacity=4),
        SeatUse("energie", attended=0, capacity=10),
        SeatUse("pijler", attended=0, capacity=4),
        SeatUse("gesprek", attended=1, capacity=0),
    )
    assert [u.share for u in uses] == [None, 0.75, 0.0, 0.0, None]


# --- who met whom -------------------------------------------------------------------------------------------


def test_meetings_pairs_degree_density_and_never_met() -> None:
    series = [
        day(0, plenair={"anna", "cor", "dina", "fer"}, wonen={"anna", "bas", "cor"}, energie={"dina", "fer"}),
        day(1, wonen={"anna", "cor", "eva", "gast"}),
    ]

    assert meetings(series) == Meetings(
        pairs={("delft", "haarlem"): 2, ("almere", "min"): 1},
        degree={"almere": 1, "delft": 1, "haarlem": 1, "min": 1},
        density=2 / 6,
        never_met=(("almere", "delft"), ("almere", "haarlem")),
    )


def test_meetings_in_the_plenary_when_asked() -> None:
    series = [day(plenair={"anna", "cor", "dina"})]

    assert dict(meetings(series).pairs) == {}
    everything = meetings(series, kinds=set(SessionKind))
    assert (len(everything.pairs), everything.density, everything.never_met) == (3, 1.0, ())


def test_meetings_need_two_organisations_in_the_session() -> None:
    one = meetings([day(wonen={"anna", "bas", "eva", "gast"})])

    assert (dict(one.pairs), dict(one.degree), one.density) == ({}, {"haarlem": 0}, 0.0)
    assert one.fewest(2) == ("haarlem",)


def test_meetings_of_an_empty_day_and_no_days_divide_by_nothing() -> None:
    assert meetings([day()]).density == 0.0
    assert meetings([]) == Meetings(pairs={}, degree={}, density=0.0, never_met=())


def test_meetings_fewest_orders_by_degree_then_id() -> None:
    met = meetings([day(present={"fer"}, wonen={"anna", "cor"}, gesprek={"cor", "dina"})])

    assert dict(met.degree) == {"almere": 1, "delft": 2, "haarlem": 1, "min": 0}
    assert met.fewest(3) == ("min", "almere", "haarlem")


# --- not reached --------------------------------------------------------------------------------------------


def test_not_reached_looks_at_the_last_k_days() -> None:
    series = [day(0, present={"cor"}), day(1, wonen={"anna"}, present={"gast"})]

    assert not_reached(series, last=1) == NotReached(("delft", "almere"), ("cor", "dina"), window=1)
    assert not_reached(series, last=2) == NotReached(("almere",), ("dina",), window=2)


def test_not_reached_of_no_days_is_empty() -> None:
    assert not_reached([], last=2) == NotReached((), (), 0)


# --- distinct people and feedback ---------------------------------------------------------------------------


def test_organisations_count_distinct_people_over_the_days() -> None:
    found = organisations([day(0, {"anna", "bas"}), day(1, {"anna"}), day(2, {"gast", "eva"})], last=3)
    assert found["haarlem"].people == {"anna", "bas"}
    assert found["delft"].people == EMPTY
    assert all("gast" not in o.people and "eva" not in o.people for o in found.values())


def scored(n: int, scores: dict[str, tuple[int, ...]], day_scores: tuple[int, ...] = ()) -> Attendance:
    return Attendance(event(n), present=frozenset({"anna"}), scores=scores, day_scores=day_scores)


def test_feedback_shows_a_mean_only_from_five_answers() -> None:
    (found,) = feedback([scored(0, {"wonen": (5, 4, 4, 3, 4), "energie": (1, 2)}, day_scores=(4,))])
    assert found.sessions["wonen"].mean == pytest.approx(4.0)
    assert found.sessions["energie"].count == 2
    assert found.sessions["energie"].mean is None
    assert "plenair" not in found.sessions
    assert found.day.count == 1
    assert found.day.mean is None


def test_feedback_pools_a_groups_and_a_pillars_sessions_per_day() -> None:
    days = [
        scored(0, {"wonen": (5, 5, 5), "pijler": (1, 1)}),
        scored(1, {"wonen": (2, 2, 2, 2, 2)}),
    ]
    first, second = feedback(days)
    assert first.groups["woningmarkt"].count == 3
    assert first.groups["woningmarkt"].mean is None
    # Fysiek: its own session and its groups' sessions (wonen) together: 5 answers.
    assert first.pillars["fysiek"].mean == pytest.approx(17 / 5)
    assert "duurzaamheid" not in first.groups
    assert second.groups["woningmarkt"].mean == pytest.approx(2.0)


def test_feedback_refuses_scores_of_a_session_the_event_lacks_and_out_of_range() -> None:
    with pytest.raises(ValueError, match="no session"):
        scored(0, {"nergens": (3,)})
    with pytest.raises(ValueError, match="whole number"):
        feedback([scored(0, {"wonen": (6,)})])


def test_kept_profiles_count_for_organisations_and_groups_but_not_as_the_networks_members() -> None:
    kept = Person("~1", "—", "wethouder", "delft", portfolios=("wonen",), groups=("woningmarkt",))
    day0 = Attendance(event(0), attended={"wonen": frozenset({"~1", "anna"})}, profiles={"~1": kept})
    assert organisations([day0], last=1)["delft"].days[0].wethouder == 1
    reach = groups([day0])["woningmarkt"]
    assert reach.days[0].reached == {"~1", "anna"}
    assert reach.days[0].members == 2  # anna and eva: the network's members
    assert reach.members == {"anna", "eva"}
    assert meetings([day0]).pairs == {("delft", "haarlem"): 1}
    with pytest.raises(ValueError, match="people of the network"):
        Attendance(event(0), profiles={"anna": kept})
