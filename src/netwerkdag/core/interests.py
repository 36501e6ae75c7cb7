"""Interests: who wants to attend which session, and how much.

An interest has a weight. The network yields them (`derive_interests`): a person with a part in a session
(chair, speaker, guest, ...) and the chair of its theme group or pillar must be there; a member of its
group, or of a group its audience names, wants to be; someone the audience invites by pillar, role,
portfolio or organisation, or whose portfolio matches the group's, would like to. An interests file adds
or overrides interests for single people, including people outside the network.

The scheduler's objective counts, for every person, each pair of sessions they want that run at the same
time, at the smaller of the two weights: that is what the person loses by having to choose.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from types import MappingProxyType

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import PRESENT_ROLES, Session

#: The weights of the three degrees of interest.
MUST, WANTS, LIKES = 10, 3, 1
#: The weights an interests file may give.
MIN_WEIGHT, MAX_WEIGHT = 1, 100


class Reason(StrEnum):
    PART = "part"  # chair, speaker, guest, host, moderator of the session
    LEADS = "leads"  # chair or vice-chair of the session's theme group or pillar
    MEMBER = "member"  # member of the session's group, or of a group its audience names
    INVITED = "invited"  # the audience names their pillar, role, portfolio or organisation
    PORTFOLIO = "portfolio"  # their portfolio is one of the group's keywords
    FILE = "file"  # stated in an interests file
    REGISTERED = "registered"  # registered for it (the web app)
    POLL = "poll"  # wants it in the interest poll (the web app; weight by rank: web/services/poll.py)


@dataclass(frozen=True, slots=True)
class Interest:
    person: str
    session: str
    weight: int
    reason: Reason


def show_up_rate(weight: int) -> float:
    """The share of interested people expected to come, by weight: all who must, two in five who want to,
    one in ten who would like to. A network day draws about 160 of some 270 administrators, and most of
    them are members of several groups that meet the same day. Expected attendance is the sum over the
    interested people, times 1 + the margin."""
    if weight >= MUST:
        return 1.0
    if weight >= WANTS:
        return 0.4
    return 0.1


@dataclass(frozen=True, slots=True)
class Interests:
    """All interests of a day: at most one per person and session (the strongest reason wins)."""

    items: tuple[Interest, ...] = ()

    def by_session(self) -> Mapping[str, tuple[Interest, ...]]:
        grouped: dict[str, list[Interest]] = {}
        for interest in self.items:
            grouped.setdefault(interest.session, []).append(interest)
        return MappingProxyType({s: tuple(found) for s, found in grouped.items()})

    def by_person(self) -> Mapping[str, tuple[Interest, ...]]:
        grouped: dict[str, list[Interest]] = {}
        for interest in self.items:
            grouped.setdefault(interest.person, []).append(interest)
        return MappingProxyType({p: tuple(found) for p, found in grouped.items()})

    def people(self) -> frozenset[str]:
        return frozenset(i.person for i in self.items)

    def merged_with(self, overrides: Iterable[Interest]) -> Interests:
        """These interests with `overrides` replacing any for the same person and session."""
        table = {(i.person, i.session): i for i in self.items}
        for interest in overrides:
            table[(interest.person, interest.session)] = interest
        return Interests(tuple(table.values()))

    def pair_weights(self) -> dict[tuple[str, str], int]:
        """For each pair of sessions (a, b), a < b, that somebody wants both of: the summed smaller
        weights over everyone who wants both."""
        weights: dict[tuple[str, str], int] = {}
        for wanted in self.by_person().values():
            ordered = sorted(wanted, key=lambda i: i.session)
            for first, second in combinations(ordered, 2):
                key = (first.session, second.session)
                weights[key] = weights.get(key, 0) + min(first.weight, second.weight)
        return weights


def expected_attendance(session: Session, interested: Iterable[Interest], margin: float) -> int:
    """Seats a session needs: its own `expected_attendance`, else the estimate from interests (see
    `show_up_rate`), rounded up after adding the margin."""
    if session.expected_attendance is not None:
        return session.expected_attendance
    estimate = sum(show_up_rate(i.weight) for i in interested)
    return math.ceil(round(estimate * (1 + margin), 6))


def _strongest(found: dict[tuple[str, str], Interest], interest: Interest) -> None:
    key = (interest.person, interest.session)
    held = found.get(key)
    if held is None or interest.weight > held.weight:
        found[key] = interest


def derive_interests(event: Event) -> Interests:
    """The interests the network implies, for every session that is not open to everyone (for those, only
    the people with a part in them). Sessions nobody is interested in get no entries."""
    net = event.network
    found: dict[tuple[str, str], Interest] = {}
    for s in event.sessions:
        for part in s.people_with(*PRESENT_ROLES):
            _strongest(found, Interest(part, s.id, MUST, Reason.PART))
        if s.open_to_all:
            continue
        leaders: set[str] = set()
        if s.group is not None and net.has_group(s.group):
            group = net.group(s.group)
            leaders.update(p for p in (group.chair,) if p)
        pillar = event.pillar_of(s) if s.kind.value == "pillar-meeting" else None
        if pillar is not None:
            leaders.update(p for p in (pillar.chair, *pillar.vice_chairs) if p)
        for leader in sorted(leaders):
            if net.has_person(leader):
                _strongest(found, Interest(leader, s.id, MUST, Reason.LEADS))
        group_keywords = (
            frozenset(net.group(s.group).portfolios) if s.group and net.has_group(s.group) else frozenset()
        )
        for person in net.people:
            weight, reason = 0, Reason.INVITED
            if s.group is not None and s.group in person.groups:
                weight, reason = WANTS, Reason.MEMBER
            else:
                for rule in s.audience:
                    if not rule.admits(person, net):
                        continue
                    if rule.groups:
                        weight, reason = WANTS, Reason.MEMBER
                        break
                    weight, reason = LIKES, Reason.INVITED  # by pillar, role, portfolio, organisation
            if weight == 0 and group_keywords.intersection(person.portfolios):
                weight, reason = LIKES, Reason.PORTFOLIO
            if weight:
                _strongest(found, Interest(person.id, s.id, weight, reason))
    return Interests(tuple(sorted(found.values(), key=lambda i: (i.session, i.person))))
