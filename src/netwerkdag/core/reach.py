"""Reach: whom the network's days reached, measured over a series of days (docs/reach.md).

Every measure is a pure function over `Attendance` records, one per day, ordered by date; each returns
frozen dataclasses. The input says who was there; the network of each day's event says who is who
(organisation, role, portfolios, theme groups). People who are not in the network (outside guests) may
appear in the input: they count as people present and as newcomers or returners, never for an
organisation, a group or a pillar, and never as portfolio holders.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations, pairwise
from types import MappingProxyType

from netwerkdag.core.event import Event, GroupStatus
from netwerkdag.core.feedback import Score, score
from netwerkdag.core.network import Network, Person
from netwerkdag.core.sessions import SessionKind

#: Session kinds in which people sit together in a small enough company to meet (`meetings`). A plenary,
#: lunch, drinks or the networking room holds everyone and would make every pair of organisations meet;
#: so does the board meeting, open to all (Haarlem's had 74 people from 30 members in the demo's history).
MEETING_KINDS = frozenset(
    {
        SessionKind.PILLAR_MEETING,
        SessionKind.THEME_GROUP_MEETING,
        SessionKind.GUEST_CONVERSATION,
    }
)

BURGEMEESTER = "burgemeester"
WETHOUDER = "wethouder"

_EMPTY: Mapping[str, frozenset[str]] = MappingProxyType({})
_NO_SCORES: Mapping[str, tuple[int, ...]] = MappingProxyType({})
_NO_PROFILES: Mapping[str, Person] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Attendance:
    """Who was there on one day: the `event` (its network, sessions and rooms), the people `present`
    (checked in), per session id the people who `attended` it and the people `registered` for it, and
    the feedback given afterwards: per session id the `scores` (1-5) and the `day_scores` of the day as
    a whole. `profiles` are people present who are no longer known by a network id (anonymised after the
    retention period) but whose organisation, role, groups and portfolios were kept: they count for
    those, never as members of a group or pillar in the network's own count of members.

    Someone who attended a session counts as present even without a check-in (`everyone`). A session id
    that the event does not have is a mistake of the caller and raises ValueError. An event over several
    consecutive days is one `Attendance`, dated by its first day.
    """

    event: Event
    present: frozenset[str] = frozenset()
    attended: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)
    registered: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)
    scores: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: _NO_SCORES)
    day_scores: tuple[int, ...] = ()
    profiles: Mapping[str, Person] = field(default_factory=lambda: _NO_PROFILES)

    def __post_init__(self) -> None:
        known = sorted(i for i in self.profiles if self.event.network.has_person(i))
        if known:
            raise ValueError(f"profiles: {', '.join(known)} are people of the network")
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))
        unknown = sorted(s for s in self.scores if not self.event.has_session(s))
        if unknown:
            raise ValueError(f"scores: the event {self.event.slug!r} has no session {', '.join(unknown)}")
        object.__setattr__(self, "scores", MappingProxyType({s: tuple(v) for s, v in self.scores.items()}))
        object.__setattr__(self, "day_scores", tuple(self.day_scores))
        for name in ("attended", "registered"):
            given: Mapping[str, Collection[str]] = getattr(self, name)
            unknown = sorted(s for s in given if not self.event.has_session(s))
            if unknown:
                raise ValueError(f"{name}: the event {self.event.slug!r} has no session {', '.join(unknown)}")
            object.__setattr__(self, name, MappingProxyType({s: frozenset(p) for s, p in given.items()}))
        object.__setattr__(self, "present", frozenset(self.present))

    @property
    def date(self) -> date:
        return self.event.start_date

    @property
    def network(self) -> Network:
        return self.event.network

    def people(self, ids: Collection[str]) -> tuple[Person, ...]:
        """Who `ids` are (network entries or kept profiles), in sorted id order; outside guests have
        neither and are left out."""
        net, kept = self.network, self.profiles
        found = []
        for i in sorted(ids):
            if net.has_person(i):
                found.append(net.person(i))
            elif i in kept:
                found.append(kept[i])
        return tuple(found)

    @property
    def everyone(self) -> frozenset[str]:
        """The people present: checked in, or seen in a session."""
        return self.present.union(*self.attended.values())


# --- member organisations -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationDay:
    """One organisation on one day: its people present, and how many of them per role."""

    date: date
    people: int
    burgemeester: int
    wethouder: int
    other: int


@dataclass(frozen=True, slots=True)
class OrganisationReach:
    """One organisation over the series: each day, on how many of the last `window` days anyone of it was
    present (`window` is smaller than asked when the series is shorter), and the distinct `people` of it
    present on any day."""

    organisation: str
    days: tuple[OrganisationDay, ...]
    days_present: int
    window: int
    people: frozenset[str]


def organisations(days: Sequence[Attendance], *, last: int) -> Mapping[str, OrganisationReach]:
    """Every organisation of the days' networks (in network order, first day first), by id.

    A person counts for the organisation their network entry names, once per day however many sessions
    they attended; people without an organisation and outside guests count for none. A role counts as
    burgemeester or wethouder when it is that word (in any case), anything else as `other`.
    """
    _check_series(days)
    _check_window(last)
    ids = _ordered(org.id for day in days for org in day.network.organisations)
    window = days[-last:] if days else ()
    # Each day's people present by organisation, read once (not once per organisation).
    by_day: list[dict[str, list[Person]]] = []
    for day in days:
        grouped: dict[str, list[Person]] = {}
        for person in day.people(day.everyone):
            if person.organisation is not None:
                grouped.setdefault(person.organisation, []).append(person)
        by_day.append(grouped)
    found: dict[str, OrganisationReach] = {}
    for org_id in ids:
        per_day = tuple(
            _organisation_day(day.date, grouped.get(org_id, []))
            for day, grouped in zip(days, by_day, strict=True)
        )
        recent = per_day[len(per_day) - len(window) :]
        found[org_id] = OrganisationReach(
            organisation=org_id,
            days=per_day,
            days_present=sum(1 for d in recent if d.people > 0),
            window=len(window),
            people=frozenset(p.id for grouped in by_day for p in grouped.get(org_id, ())),
        )
    return MappingProxyType(found)


def _organisation_day(when: date, people: Sequence[Person]) -> OrganisationDay:
    roles = [p.role.casefold() for p in people]
    return OrganisationDay(
        date=when,
        people=len(roles),
        burgemeester=roles.count(BURGEMEESTER),
        wethouder=roles.count(WETHOUDER),
        other=sum(1 for r in roles if r not in (BURGEMEESTER, WETHOUDER)),
    )


# --- theme groups and pillars -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReachDay:
    """A theme group or pillar on one day: how many `members` it had that day, the members who attended
    one of its sessions (`reached`), the portfolio holders who are not members and attended one
    (`holders`), and everyone else who attended one (`others`: other network people, outside guests).
    `met` says whether it had a session that day at all: a day it did not meet reaches nobody."""

    date: date
    members: int
    reached: frozenset[str]
    holders: frozenset[str]
    others: frozenset[str]
    met: bool


@dataclass(frozen=True, slots=True)
class Reach:
    """A theme group or pillar over the series. `members` are those of the last day's network;
    `reached` and `holders` are the people reached on any day, each once."""

    id: str
    members: frozenset[str]
    days: tuple[ReachDay, ...]
    reached: frozenset[str]
    holders: frozenset[str]


def groups(days: Sequence[Attendance]) -> Mapping[str, Reach]:
    """Every theme group of the days' networks, by id.

    Members are the network people whose `groups` name it. A group's sessions on a day are those whose
    `group` is it, and the session it is merged into that day. A portfolio holder of the group is a
    person who is not a member and holds one of the group's `portfolios`.
    """
    _check_series(days)
    ids = _ordered(g.id for day in days for g in day.network.groups)

    def member(net: Network, person: Person, group_id: str) -> bool:
        return group_id in person.groups

    def portfolios(net: Network, group_id: str) -> frozenset[str]:
        return frozenset(net.group(group_id).portfolios) if net.has_group(group_id) else frozenset()

    return MappingProxyType({g: _reach(days, g, member, _group_sessions, portfolios) for g in ids})


def pillars(days: Sequence[Attendance]) -> Mapping[str, Reach]:
    """Every pillar of the days' networks, by id, measured as `groups` does a theme group.

    Members are the network people in one of the pillar's theme groups (a group between two pillars counts
    for both) and its chair and vice-chairs (`Network.pillars_of`). Its sessions are those with the pillar
    as their own and those of its theme groups (merged ones included). Its portfolios are those of its
    theme groups.
    """
    _check_series(days)
    ids = _ordered(p.id for day in days for p in day.network.pillars)

    known: dict[tuple[int, str], frozenset[str]] = {}

    def member(net: Network, person: Person, pillar_id: str) -> bool:
        # Every pillar asks of every person: their pillars are worked out once per day's network.
        key = (id(net), person.id)
        if key not in known:
            known[key] = net.pillars_of(person)
        return pillar_id in known[key]

    def sessions(event: Event, pillar_id: str) -> frozenset[str]:
        own = frozenset(s.id for s in event.sessions if s.pillar == pillar_id)
        return own.union(*(_group_sessions(event, g) for g in _pillar_groups(event.network, pillar_id)))

    def portfolios(net: Network, pillar_id: str) -> frozenset[str]:
        return frozenset(f for g in _pillar_groups(net, pillar_id) for f in net.group(g).portfolios)

    return MappingProxyType({p: _reach(days, p, member, sessions, portfolios) for p in ids})


def _pillar_groups(net: Network, pillar_id: str) -> tuple[str, ...]:
    return tuple(g.id for g in net.groups if pillar_id in (g.pillar, *g.also_pillars))


def _group_sessions(event: Event, group_id: str) -> frozenset[str]:
    own = {s.id for s in event.sessions if s.group == group_id}
    day = event.group_day(group_id)
    if day.status is GroupStatus.MERGED and day.merged_into is not None:
        own.add(day.merged_into)
    return frozenset(own)


def _reach(
    days: Sequence[Attendance],
    id: str,
    is_member: Callable[[Network, Person, str], bool],
    sessions_of: Callable[[Event, str], frozenset[str]],
    portfolios_of: Callable[[Network, str], frozenset[str]],
) -> Reach:
    def members_of(net: Network) -> frozenset[str]:
        return frozenset(p.id for p in net.people if is_member(net, p, id))

    per_day: list[ReachDay] = []
    for day in days:
        net = day.network
        sessions = sessions_of(day.event, id)
        came = frozenset().union(*(day.attended.get(s, frozenset()) for s in sessions))
        wanted = portfolios_of(net, id)
        reached = frozenset(p.id for p in day.people(came) if is_member(net, p, id))
        holders = frozenset(p.id for p in day.people(came - reached) if wanted.intersection(p.portfolios))
        per_day.append(
            ReachDay(
                date=day.date,
                members=len(members_of(net)),
                reached=reached,
                holders=holders,
                others=came - reached - holders,
                met=bool(sessions),
            )
        )
    return Reach(
        id=id,
        members=members_of(days[-1].network) if days else frozenset(),
        days=tuple(per_day),
        reached=frozenset().union(*(d.reached for d in per_day)),
        holders=frozenset().union(*(d.holders for d in per_day)),
    )


# --- newcomers, no-shows, seats -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Newcomers:
    """One day: the people present for the first time in the series, and those present on an earlier day."""

    date: date
    newcomers: frozenset[str]
    returners: frozenset[str]


def newcomers(days: Sequence[Attendance]) -> tuple[Newcomers, ...]:
    """Per day, everyone present (outside guests included) as a newcomer or a returner. The series is the
    whole memory: on its first day everyone present is a newcomer."""
    _check_series(days)
    seen: set[str] = set()
    found: list[Newcomers] = []
    for day in days:
        here = day.everyone
        found.append(Newcomers(day.date, newcomers=here - seen, returners=here & seen))
        seen |= here
    return tuple(found)


@dataclass(frozen=True, slots=True)
class NoShows:
    """One session: how many were registered, and who of them was not present at the day."""

    session: str
    registered: int
    absent: frozenset[str]


def no_shows(day: Attendance) -> tuple[NoShows, ...]:
    """Per session with registrations (in the event's order), the registered people who were not present
    at the day: not checked in and not seen in any session. Someone present who skipped the session they
    registered for is not a no-show."""
    everyone = day.everyone
    return tuple(
        NoShows(s.id, registered=len(day.registered[s.id]), absent=day.registered[s.id] - everyone)
        for s in day.event.sessions
        if s.id in day.registered
    )


@dataclass(frozen=True, slots=True)
class SeatUse:
    """One session: the people who attended it against its room's capacity. `capacity` is None for a part
    that spans the venue; `share` is None then and for a room of capacity 0."""

    session: str
    attended: int
    capacity: int | None

    @property
    def share(self) -> float | None:
        if not self.capacity:
            return None
        return self.attended / self.capacity


def seat_use(day: Attendance) -> tuple[SeatUse, ...]:
    """Every session of the event, in its order, with the number of people who attended it (0 when the
    input says nothing of it) and its room's whole capacity, a shared room's too."""
    found = []
    for s in day.event.sessions:
        room = day.event.room_of(s)
        found.append(SeatUse(s.id, len(day.attended.get(s.id, ())), room.capacity if room else None))
    return tuple(found)


# --- who met whom -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Meetings:
    """The organisations that sat in the same session, as a graph.

    `pairs` maps each pair that met (ids in sorted order) to the number of sessions they shared; `degree`
    gives every organisation present on any day the number of others it met (0 included); `density` is the
    pairs that met over the pairs possible among the organisations present (0.0 with fewer than two);
    `never_met` lists the pairs of member organisations (of the last day's network) that never met.
    """

    pairs: Mapping[tuple[str, str], int]
    degree: Mapping[str, int]
    density: float
    never_met: tuple[tuple[str, str], ...]

    def fewest(self, count: int) -> tuple[str, ...]:
        """The `count` organisations that met the fewest others, fewest first (ties by id)."""
        return tuple(sorted(self.degree, key=lambda org: (self.degree[org], org))[:count])


def meetings(days: Sequence[Attendance], *, kinds: Collection[SessionKind] = MEETING_KINDS) -> Meetings:
    """Who met whom over the series, in sessions of the given `kinds` (by default the meetings, not the
    plenary, meals, drinks or networking room). Two people of one organisation are no pair; people without
    an organisation and outside guests are left out."""
    _check_series(days)
    pairs: dict[tuple[str, str], int] = {}
    present: set[str] = set()
    for day in days:
        present.update(p.organisation for p in day.people(day.everyone) if p.organisation is not None)
        for s in day.event.sessions:
            if s.kind not in kinds:
                continue
            orgs = {p.organisation for p in day.people(day.attended.get(s.id, frozenset()))}
            orgs.discard(None)
            for pair in combinations(sorted(o for o in orgs if o is not None), 2):
                pairs[pair] = pairs.get(pair, 0) + 1
    degree = dict.fromkeys(sorted(present), 0)
    for a, b in pairs:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    possible = len(present) * (len(present) - 1) // 2
    members = sorted(o.id for o in days[-1].network.organisations if o.member) if days else []
    return Meetings(
        pairs=MappingProxyType(pairs),
        degree=MappingProxyType(degree),
        density=len(pairs) / possible if possible else 0.0,
        never_met=tuple(pair for pair in combinations(members, 2) if pair not in pairs),
    )


# --- feedback -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedbackDay:
    """The feedback of one day: the day as a whole, per session (those with any score, in the event's
    order) and per theme group and pillar (every score given to one of its sessions that day; only those
    with any). A `Score` shows its mean only from `feedback.MIN_ANSWERS` answers on."""

    date: date
    day: Score
    sessions: Mapping[str, Score]
    groups: Mapping[str, Score]
    pillars: Mapping[str, Score]


def feedback(days: Sequence[Attendance]) -> tuple[FeedbackDay, ...]:
    """Per day, the scores of the day, of each session, and of each theme group and pillar (its sessions
    as `groups` and `pillars` count them, merged ones included), so that a group's score can be followed
    over time."""
    _check_series(days)
    found = []
    for day in days:
        event, net = day.event, day.network
        sessions = {s.id: score(day.scores[s.id]) for s in event.sessions if day.scores.get(s.id)}

        def pooled(ids: Iterable[str], given: Mapping[str, tuple[int, ...]] = day.scores) -> Score:
            return score(v for s in ids for v in given.get(s, ()))

        groups = {g.id: pooled(_group_sessions(event, g.id)) for g in net.groups}
        pillars = {
            p.id: pooled(
                {s.id for s in event.sessions if s.pillar == p.id}.union(
                    *(_group_sessions(event, g) for g in _pillar_groups(net, p.id))
                )
            )
            for p in net.pillars
        }
        found.append(
            FeedbackDay(
                date=day.date,
                day=score(day.day_scores),
                sessions=MappingProxyType(sessions),
                groups=MappingProxyType({g: v for g, v in groups.items() if v.count}),
                pillars=MappingProxyType({p: v for p, v in pillars.items() if v.count}),
            )
        )
    return tuple(found)


# --- not reached --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotReached:
    """Member organisations with nobody present, and portfolio holders not present, on the last `window`
    days (both in network order)."""

    organisations: tuple[str, ...]
    holders: tuple[str, ...]
    window: int


def not_reached(days: Sequence[Attendance], *, last: int) -> NotReached:
    """Against the last day's network: its member organisations of which nobody was present, and its
    portfolio holders (people holding a portfolio of one of its theme groups) who were not present, on
    any of the last `last` days. With no days, nobody was reached."""
    _check_series(days)
    _check_window(last)
    if not days:
        return NotReached((), (), 0)
    window = days[-last:]
    net = days[-1].network
    here = frozenset().union(*(day.everyone for day in window))
    orgs_here = {p.organisation for day in window for p in day.people(day.everyone)}
    group_portfolios = {f for g in net.groups for f in g.portfolios}
    return NotReached(
        organisations=tuple(o.id for o in net.organisations if o.member and o.id not in orgs_here),
        holders=tuple(
            p.id for p in net.people if p.id not in here and group_portfolios.intersection(p.portfolios)
        ),
        window=len(window),
    )


# --- shared -------------------------------------------------------------------------------------------------


def _ordered(ids: Iterable[str]) -> tuple[str, ...]:
    """The ids without repeats, in the order of their first appearance."""
    return tuple(dict.fromkeys(ids))


def _check_series(days: Sequence[Attendance]) -> None:
    for before, after in pairwise(days):
        if not before.date < after.date:
            raise ValueError(f"days must be in date order, one per date: {before.date} before {after.date}")


def _check_window(last: int) -> None:
    if last < 1:
        raise ValueError(f"last must be at least 1 day, not {last}")
