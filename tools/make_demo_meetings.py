"""Generate fictional meeting requests and session registrations for the Haarlem day, for
`netwerkdag meetings` and the docs.

    .venv/bin/python tools/make_demo_meetings.py examples/g40-haarlem-2023 [--seed 2023] [--meetings 60]

Writes NETWORK/afspraken.csv (`meeting,person,minutes`) and NETWORK/inschrijvingen.csv (`person,session`).
Seeded: the same seed gives the same bytes, so the files are committed beside the generator
(tests/tools/test_make_demo_meetings.py regenerates them and compares).

Only the generated population (population.yaml) takes part. A meeting is asked by one person of a random
city with one (one in six times: two) people of other cities who share a portfolio with them, for 15 or 30
minutes. Everyone in a meeting is registered, per parallel round, for one of the round's sessions that the
network points them to (their groups, pillars and portfolios), in two of three rounds where there is one.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from collections import defaultdict
from pathlib import Path

import yaml

from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling.allocation import offers_of

THREE = 1 / 6
REGISTERED = 2 / 3


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def demo(folder: Path, seed: int, count: int) -> tuple[str, str]:
    """The two files' texts: (requests, registrations)."""
    rng = random.Random(seed)
    event = load_event(folder)
    generated = {
        str(p["id"]) for p in yaml.safe_load((folder / "population.yaml").read_text("utf-8"))["people"]
    }
    people = [p for p in event.network.people if p.id in generated]
    by_portfolio: dict[str, list[str]] = defaultdict(list)
    for p in people:
        for portfolio in p.portfolios:
            by_portfolio[portfolio].append(p.id)
    city = {p.id: p.organisation for p in people}
    requests = [["meeting", "person", "minutes"]]
    taking_part: list[str] = []
    made = 0
    while made < count:
        asker = rng.choice(people)
        if not asker.portfolios:
            continue
        portfolio = rng.choice(sorted(asker.portfolios))
        others = sorted(q for q in by_portfolio[portfolio] if city[q] != asker.organisation)
        wanted = 2 if rng.random() < THREE else 1
        if len(others) < wanted:
            continue
        chosen = rng.sample(others, wanted)
        minutes = rng.choice(("15", "30"))
        made += 1
        for person in (asker.id, *chosen):
            requests.append([f"afspraak-{made}", person, minutes])
            if person not in taking_part:
                taking_part.append(person)
    interests: dict[str, set[str]] = defaultdict(set)
    for i in derive_interests(event).items:
        interests[i.person].add(i.session)
    rounds: dict[str, list[str]] = defaultdict(list)
    for offer in offers_of(event):
        rounds[offer.round].append(offer.session)
    registrations = [["person", "session"]]
    for person in taking_part:
        for round_id in sorted(rounds):
            liked = sorted(s for s in rounds[round_id] if s in interests[person])
            if liked and rng.random() < REGISTERED:
                registrations.append([person, rng.choice(liked)])
    return _csv(requests), _csv(registrations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--meetings", type=int, default=60)
    args = parser.parse_args()
    requests, registrations = demo(args.folder, args.seed, args.meetings)
    (args.folder / "afspraken.csv").write_text(requests, "utf-8")
    (args.folder / "inschrijvingen.csv").write_text(registrations, "utf-8")


if __name__ == "__main__":
    main()
