"""Convert the PyCon UK 2016 talk list to a neutral instance (see instance.py).

    .venv/bin/python benchmarks/scheduling/convert_pyconuk.py -o OUT                    # OUT/instance.json
    .venv/bin/python benchmarks/scheduling/convert_pyconuk.py -o OUT --synthetic-people 400 --seed 1

The source, `benchmarks/data/pyconuk-2016/pyconuk-2016-talks.yml` (MIT, PyconUK/ConferenceScheduler
docs), lists the 69 accepted talks with title, duration (61 of 30 minutes, 8 of 45) and speaker (one talk,
the Children's Day show and tell, has none). Nothing else is in it: no rooms, times, demand or attendees.

The rest follows conference_scheduler's "Define a conference" how-to, which uses this file:

- the grid: Friday 16 to Sunday 18 September 2016, nine talk periods a day (10:15, 11:15 for 45 minutes,
  12:00, 12:30, 14:30, 15:00, 15:30, 16:30, 17:00; the others 30 minutes), in the four rooms the how-to
  lets hold talks: Assembly Room (500 seats), Ferrier Hall (200), Room C (80) and Room D (100). That is 108
  cells for 69 talks, 12 of them long enough for a 45-minute talk. Workshops and the plenary are not in
  the file and not in the instance;
- the how-to's fictitious unavailability: Alex Chan cannot come on Friday, nor on Sunday before noon;
- its fictitious clash request: Owen Campbell asks that his talk not run opposite Thomas Campbell's or
  David R. MacIver's. The neutral instance has no hard "not in parallel"; the request becomes the person
  `owen-campbell` wanting the three talks with weight 10, so that a clash costs but is not forbidden.

Made up here, seeded and labelled:

- `expected` (the how-to passes demand=None): drawn log-normally around 60 and capped at 450; with
  `--synthetic-people N` it is instead derived from the synthetic wants, as in generate.py;
- with `--synthetic-people N`: N synthetic attendees (`synthetic-0001`, ...), each wanting 2 to 5 talks
  drawn by a per-talk popularity, weight 3 or 1. The instance is then named `...-synthetic-N-seed-S`.
  Without it the only want is Owen Campbell's, and the benchmark is close to "time to a valid schedule".

The converter checks that the instance has a valid placement (to_event's greedy fill) and fails if not.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import Instance, Room, Slot, Talk, hard_violations, instance_json
from to_event import event_id, initial_placement

__all__ = ["DEFAULT_SOURCE", "convert_pyconuk", "main"]

DEFAULT_SOURCE = Path(__file__).resolve().parents[1] / "data" / "pyconuk-2016" / "pyconuk-2016-talks.yml"
DAYS = (("fri", "2016-09-16"), ("sat", "2016-09-17"), ("sun", "2016-09-18"))
PERIODS = (
    ("10:15", 30),
    ("11:15", 45),
    ("12:00", 30),
    ("12:30", 30),
    ("14:30", 30),
    ("15:00", 30),
    ("15:30", 30),
    ("16:30", 30),
    ("17:00", 30),
)
ROOMS = (("assembly-room", 500), ("ferrier-hall", 200), ("room-c", 80), ("room-d", 100))
#: The how-to's fictitious speaker unavailability: (speaker, day, unavailable before HH:MM or all day).
UNAVAILABLE = (("Alex Chan", "fri", None), ("Alex Chan", "sun", "12:00"))
#: The how-to's fictitious clash request: the first speaker wants to see the others' talks.
CLASH_REQUEST = ("Owen Campbell", ("Thomas Campbell", "David R. MacIver"))
TURNOUT = {10: 1.0, 3: 0.7, 1: 0.3}


def _end(start: str, minutes: int) -> str:
    total = int(start[:2]) * 60 + int(start[3:]) + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def _slots() -> tuple[Slot, ...]:
    return tuple(
        Slot(f"{day}-{start.replace(':', '')}", date, start, _end(start, minutes))
        for day, date in DAYS
        for start, minutes in PERIODS
    )


def convert_pyconuk(
    path: str | Path = DEFAULT_SOURCE, *, synthetic_people: int = 0, seed: int = 1
) -> Instance:
    """The PyCon UK 2016 instance; see the module docstring for what is real and what is made up."""
    entries: list[dict[str, Any]] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rng = random.Random(f"pyconuk-2016-{synthetic_people}-{seed}")
    slots = _slots()
    rooms = tuple(Room(room_id, capacity) for room_id, capacity in ROOMS)

    speaker_of: dict[str, str | None] = {}
    talk_of_speaker: dict[str, str] = {}
    for number, entry in enumerate(entries, 1):
        talk_id = f"talk-{number:02d}"
        speaker = entry.get("speaker")
        speaker_of[talk_id] = speaker
        if speaker:
            talk_of_speaker[speaker] = talk_id

    away: dict[str, set[str]] = {}
    for speaker, day, before in UNAVAILABLE:
        missing = {s.id for s in slots if s.id.startswith(f"{day}-") and (before is None or s.end <= before)}
        away.setdefault(speaker, set()).update(missing)

    wants: dict[str, dict[str, int]] = {}
    asker, others = CLASH_REQUEST
    if asker in talk_of_speaker and all(o in talk_of_speaker for o in others):
        wants[event_id(asker)] = dict.fromkeys(sorted(talk_of_speaker[n] for n in (asker, *others)), 10)
    popularity = {t: rng.lognormvariate(0.0, 0.7) for t in speaker_of}
    talk_ids = list(speaker_of)
    width = len(str(max(synthetic_people, 1)))
    for i in range(synthetic_people):
        count = rng.randint(2, 5)
        wanted: dict[str, int] = {}
        while len(wanted) < count:
            talk = rng.choices(talk_ids, weights=[popularity[t] for t in talk_ids])[0]
            wanted.setdefault(talk, rng.choice((3, 3, 1)))
        wants[f"synthetic-{i + 1:0{width}d}"] = dict(sorted(wanted.items()))

    demand: dict[str, float] = dict.fromkeys(talk_ids, 0.0)
    for wanted in wants.values():
        for talk, weight in wanted.items():
            demand[talk] += TURNOUT[weight]
    talks = []
    for number, entry in enumerate(entries, 1):
        talk_id = f"talk-{number:02d}"
        speaker = speaker_of[talk_id]
        if synthetic_people:
            expected = max(5, math.ceil(demand[talk_id]))
        else:
            expected = min(450, max(10, round(rng.lognormvariate(math.log(60), 0.5))))
        talks.append(
            Talk(
                id=talk_id,
                title=" ".join(str(entry["title"]).split()),
                duration_min=int(entry["duration"]),
                expected=expected,
                speakers=(event_id(speaker),) if speaker else (),
                unavailable_slots=tuple(s.id for s in slots if s.id in away.get(speaker or "", set())),
            )
        )
    name = "pyconuk-2016" + (f"-synthetic-{synthetic_people}-seed-{seed}" if synthetic_people else "")
    instance = Instance(name, slots, rooms, tuple(talks), wants)
    placement, _left = initial_placement(instance)
    problems = hard_violations(instance, placement)
    if problems:
        raise ValueError(f"no valid placement found for {name}: {problems[:5]}")
    return instance


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert the PyCon UK 2016 talks to a benchmark instance.")
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder for instance.json")
    parser.add_argument("--synthetic-people", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    instance = convert_pyconuk(args.source, synthetic_people=args.synthetic_people, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "instance.json").write_text(instance_json(instance), encoding="utf-8")
    print(
        f"{instance.name}: {len(instance.talks)} talks, {len(instance.slots)} slots, {len(instance.rooms)} "
        f"rooms, {len(instance.wants)} people -> {args.out / 'instance.json'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
