"""Topics: sessions that are runs of one meeting in different rounds (`Session.topic`), and what a person
who wants one of them loses by a clash.

A person who wants a run of a topic wants the topic: any run will do. So a session S they want clashes
with a topic T only when S runs at the same time as *every* run of T (and two topics only when every run
of the one meets every run of the other); that clash weighs the smaller of the two weights, T's weight
being the strongest of the person's interests in its runs. A topic with one session is a plain session.

The rule `topic-runs` (rules/topics.py) keeps the runs of a topic in different blocks, apart in time, and
blocks never overlap (a file's problem `blocks-overlap`). So a session held in one block meets at most one
run of a topic with two runs or more, and never clashes with the topic in a plan that keeps the rules:
such pairs cost nothing, whatever the plan. What is left is a session not held in one block (an all-day
part) against a topic: the model counts it against the topic's first run (by id), which is exact for a
part that spans the day. `report.conflicts` counts every plan, including a hand-made one that breaks
the rule, by the reading above.

For an event without topics of two runs or more, every function here gives what it gave before topics
existed (`Interests.pair_weights`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interest, Interests


def runs_by_topic(event: Event) -> dict[str, tuple[str, ...]]:
    """The topics with two runs or more: topic -> the ids of its sessions, in the order of the file."""
    found: dict[str, list[str]] = {}
    for s in event.sessions:
        if s.topic is not None:
            found.setdefault(s.topic, []).append(s.id)
    return {topic: tuple(ids) for topic, ids in found.items() if len(ids) >= 2}


def _in_one_block(event: Event, session_id: str) -> bool:
    """Whether the session is held within one block (so it meets at most one run of a topic)."""
    if not event.has_session(session_id):
        return True  # an interest in something not on the programme meets nothing
    s = event.session(session_id)
    return s.block is not None and not s.all_day


def units_of(
    wanted: Iterable[Interest], topic_of: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, int]]:
    """A person's wanted sessions outside the topics (id -> weight) and topics (topic -> the strongest
    weight among their runs)."""
    plain: dict[str, int] = {}
    topics: dict[str, int] = {}
    for interest in wanted:
        topic = topic_of.get(interest.session)
        if topic is None:
            plain[interest.session] = max(plain.get(interest.session, 0), interest.weight)
        else:
            topics[topic] = max(topics.get(topic, 0), interest.weight)
    return plain, topics


def pair_weights(event: Event, interests: Interests) -> dict[tuple[str, str], int]:
    """The pairs of sessions the scheduler weighs (`Day.pair_weights`), read with topics: for each pair
    (a, b), a < b, the summed smaller weights of everyone for whom a and b running at the same time is a
    clash. Without topics of two runs or more: `Interests.pair_weights`, unchanged."""
    runs = runs_by_topic(event)
    if not runs:
        return interests.pair_weights()
    topic_of = {run: topic for topic, ids in runs.items() for run in ids}
    first_run = {topic: min(ids) for topic, ids in runs.items()}
    weights: dict[tuple[str, str], int] = {}

    def add(a: str, b: str, weight: int) -> None:
        key = (a, b) if a < b else (b, a)
        weights[key] = weights.get(key, 0) + weight

    for wanted in interests.by_person().values():
        plain, topics = units_of(wanted, topic_of)
        for a, b in combinations(sorted(plain), 2):
            add(a, b, min(plain[a], plain[b]))
        for topic, weight in sorted(topics.items()):
            for session, own in sorted(plain.items()):
                if not _in_one_block(event, session):
                    add(session, first_run[topic], min(own, weight))
        # Two topics of two runs or more: every run of one meets every run of the other only where runs
        # of one topic share a time, which the rule forbids: nothing to weigh.
    return weights
