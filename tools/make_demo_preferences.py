"""Generate fictional ranked preferences for the Haarlem day, for `netwerkdag allocate` and the docs.

    .venv/bin/python tools/make_demo_preferences.py examples/g40-haarlem-2023 [--seed 2023]

Writes NETWORK/voorkeuren.csv (`person,choice,rank`, the header first, as `netwerkdag allocate` reads it).
Seeded: the same seed gives the same bytes, so the file is committed beside the generator
(tests/tools/test_make_demo_preferences.py regenerates it and compares).

Only the generated population answers (population.yaml: fictional administrators), never the officials
network.yaml names. About seven in ten of them rank the sessions of the parallel rounds the network points
them to (their groups, pillars and portfolios: `core.interests.derive_interests`), strongest first, ties in
a random order, up to five choices; one in ten of those gives their last two choices the same rank (they
do not mind which).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from pathlib import Path

import yaml

from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling.allocation import offers_of

ANSWERING = 0.7
MOST_CHOICES = 5
DO_NOT_MIND = 0.1


def population(folder: Path) -> list[str]:
    data = yaml.safe_load((folder / "population.yaml").read_text("utf-8"))
    return [str(p["id"]) for p in data["people"]]


def preferences(folder: Path, seed: int) -> str:
    event = load_event(folder)
    offered = [o.session for o in offers_of(event)]
    by_person = derive_interests(event).by_person()
    rng = random.Random(seed)
    rows: list[tuple[str, str, int]] = []
    for person in population(folder):
        if rng.random() >= ANSWERING:
            continue
        weights = {i.session: i.weight for i in by_person.get(person, ()) if i.session in offered}
        if not weights:
            continue
        order = sorted(weights, key=lambda s: (-weights[s], rng.random()))[:MOST_CHOICES]
        ranks = list(range(1, len(order) + 1))
        if len(order) >= 3 and rng.random() < DO_NOT_MIND:
            ranks[-1] = ranks[-2]
        rows += [(person, s, r) for s, r in zip(order, ranks, strict=True)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["person", "choice", "rank"])
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args(argv)
    target = args.folder / "voorkeuren.csv"
    target.write_text(preferences(args.folder, args.seed), "utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
