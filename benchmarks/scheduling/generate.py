"""Seeded, G40-like scheduling instances at three sizes, each guaranteed to have a valid placement.

    .venv/bin/python benchmarks/scheduling/generate.py S --seed 1 -o /tmp/bench-s
    .venv/bin/netwerkdag validate /tmp/bench-s/event

writes `DIR/instance.json` (the neutral instance, see instance.py) and `DIR/event/` (event.yaml,
network.yaml and interests.csv, see to_event.py). The same size and seed always give the same bytes.

| size | talks | rooms | slots | days | people | pillars | theme groups |
|------|-------|-------|-------|------|--------|---------|--------------|
| S    | 20    | 5     | 4     | 1    | 250    | 3       | 12           |
| M    | 120   | 10    | 12    | 2    | 2,000  | 4       | 40           |
| L    | 400   | 20    | 20    | 3    | 10,000 | 6       | 100          |

S is shaped like the Haarlem day (the same four rounds, a hall of 180 and rooms of 20 to 60 seats). Talks
exactly fill the grid (talks = slots x rooms), as on a real network day.

How an instance is made:

1. Theme groups belong to pillars; each group has a popularity (log-normal) and at least one talk.
2. People (administrators of made-up cities) have a home pillar and are members of 1 to 3 groups, mostly
   of that pillar. Each talk has 1 to 3 speakers drawn from its group's members; about one talk in ten
   shares a speaker with another talk, so some speakers give two talks.
3. Each person wants 2 to 6 talks: their own (weight 10, must be there), talks of their groups (3) and
   talks of other groups of their pillar or, rarely, elsewhere (1: invited).
4. Demand per talk is ceil(1.0 n10 + 0.7 n3 + 0.3 n1) over the people who want it.
5. A valid placement is planted first: talks by demand go to rooms by capacity (the most wanted in the
   hall), each column spread over the slots so that no speaker gives two talks at once. Everything that
   could make the instance infeasible is then drawn consistently with that placement: talk lengths (a
   45-minute slot gets a talk of 45 or 30 minutes), speakers' unavailable slots (arriving late, leaving
   early or missing a day, never in the slot of their own talk), pins (a few talks are fixed to their
   planted slot and/or room), required room features, and `expected` = min(demand, seats of the planted
   room): an organiser caps registration at the seats of the room they have in mind.
6. The planted placement is checked with `instance.hard_violations` before anything is written. It is
   random with respect to what people want, so it is no hint for the objective; the event folder's
   initial plan is to_event.py's greedy fill, and the planted placement only a fallback for it.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import Instance, Room, Slot, Talk, hard_violations, instance_json
from to_event import EventContext, Group, Person, WrittenEvent, write_event

__all__ = ["SIZES", "Generated", "Size", "generate", "main", "write_generated"]


@dataclass(frozen=True)
class Size:
    name: str
    talks: int
    rooms: int
    slots_per_day: tuple[int, ...]
    people: int
    pillars: int
    themes: int
    first_day: date
    hall: int  # seats of the big hall
    seats: tuple[int, int]  # seats of the other rooms, lowest and highest (multiples of 5)
    short_last_slot: bool  # the last slot of each day lasts 45 minutes instead of 60


SIZES: dict[str, Size] = {
    "S": Size("S", 20, 5, (4,), 250, 3, 12, date(2023, 2, 10), 180, (20, 60), False),
    "M": Size("M", 120, 10, (6, 6), 2_000, 4, 40, date(2024, 3, 14), 300, (20, 60), True),
    "L": Size("L", 400, 20, (7, 7, 6), 10_000, 6, 100, date(2025, 10, 7), 600, (30, 120), True),
}

PILLARS = (
    ("sociaal", "Sociaal"),
    ("fysiek", "Fysiek"),
    ("economie-en-werk", "Economie en Werk"),
    ("veiligheid", "Veiligheid"),
    ("duurzaamheid", "Duurzaamheid"),
    ("cultuur-en-sport", "Cultuur en Sport"),
)
TOPICS = {
    "sociaal": ("Armoede", "Jeugdzorg", "Wmo", "Onderwijs", "Gezondheid", "Inburgering", "Schuldhulp"),
    "fysiek": ("Woningmarkt", "Bereikbaarheid", "Leefomgeving", "Binnenstad", "Verstedelijking", "Erfgoed"),
    "economie-en-werk": ("Arbeidsmarkt", "Innovatie", "Regionale economie", "Retail", "Toerisme", "Havens"),
    "veiligheid": ("Ondermijning", "Zorg en veiligheid", "Cybercrime", "Evenementen", "Crisisbeheersing"),
    "duurzaamheid": ("Energietransitie", "Klimaatadaptatie", "Circulaire economie", "Warmtenetten", "Natuur"),
    "cultuur-en-sport": ("Cultuur", "Sport en bewegen", "Bibliotheken", "Musea", "Evenementen"),
}
AGENDA = (
    "stand van zaken",
    "lobby richting het Rijk",
    "de opgave voor het komende jaar",
    "gesprek met het ministerie",
    "uitwisseling tussen de steden",
    "werkbezoek nabespreken",
    "gezamenlijke brief aan de Kamer",
    "ervaringen uit de praktijk",
)
FIRST_NAMES = (
    "Anouk", "Bram", "Carla", "Daan", "Eline", "Femke", "Gerrit", "Hanna", "Ivo", "Jolien", "Kees", "Lotte",
    "Maarten", "Noor", "Olaf", "Petra", "Quinten", "Roos", "Sander", "Tessa", "Ugo", "Vera", "Wouter",
    "Yara", "Zeno",
)  # fmt: skip
LAST_NAMES = (
    "Akkerman", "Bosman", "Claassen", "Dekker", "Evers", "Fransen", "Groen", "Hendriks", "IJzerman",
    "Jansen", "Kramer", "Lammers", "Mulder", "Nijland", "Oosterhuis", "Prins", "Rutten", "Smit", "Timmer",
    "Verbeek", "Willems", "Zwart",
)  # fmt: skip
TOWN_PARTS = (
    ("Noord", "Zuid", "Oost", "West", "Hoog", "Laag", "Groot", "Nieuw"),
    ("veen", "dam", "dijk", "hoven", "wijk", "broek", "horst", "stad"),
)
#: Share of the people wanting a talk who are expected to come, by weight.
TURNOUT = {10: 1.0, 3: 0.7, 1: 0.3}


@dataclass(frozen=True)
class Generated:
    instance: Instance
    context: EventContext  # names, network and the planted placement, for to_event
    planted: dict[str, tuple[str, str]]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slots(size: Size) -> list[Slot]:
    """The grid: S uses the four rounds of the Haarlem day; bigger sizes have days of 60-minute slots with
    10-minute changes and a lunch of 60 minutes halfway, and a last slot of 45 minutes."""
    if size.name == "S":
        day = size.first_day.isoformat()
        rounds = (("10:30", "11:30"), ("11:40", "12:40"), ("13:55", "14:55"), ("15:00", "16:00"))
        return [Slot(f"ronde-{i}", day, start, end) for i, (start, end) in enumerate(rounds, 1)]
    slots = []
    for d, count in enumerate(size.slots_per_day):
        day = (size.first_day + timedelta(days=d)).isoformat()
        minute = 9 * 60
        for i in range(count):
            length = 45 if size.short_last_slot and i == count - 1 else 60
            slots.append(Slot(f"dag-{d + 1}-ronde-{i + 1}", day, _hhmm(minute), _hhmm(minute + length)))
            minute += length + (60 if i == (count - 1) // 2 else 10)
    return slots


def _rooms(size: Size, rng: random.Random) -> list[Room]:
    rooms = [Room("grote-zaal", size.hall, ("accessible", "plenary", "screen"))]
    low, high = size.seats
    for i in range(2, size.rooms + 1):
        features = tuple(f for f, chance in (("accessible", 0.4), ("screen", 0.5)) if rng.random() < chance)
        rooms.append(Room(f"zaal-{i}", rng.randrange(low, high + 1, 5), features))
    return rooms


@dataclass
class _Person:
    id: str
    name: str
    role: str
    organisation: str
    pillar: str
    groups: list[str]


def _towns(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names = [a + b for a in TOWN_PARTS[0] for b in TOWN_PARTS[1]]
    rng.shuffle(names)
    return [(name.lower(), f"Gemeente {name}") for name in sorted(names[:count])]


def _plant(
    talks: Sequence[str],
    demand: dict[str, int],
    speakers: dict[str, list[str]],
    rooms: Sequence[Room],
    slots: Sequence[Slot],
    rng: random.Random,
) -> dict[str, tuple[str, str]]:
    """A placement with one talk per cell, the most wanted talks in the largest rooms and no speaker in two
    talks of one slot. Randomised greedy per room column, restarted on a dead end."""
    by_size = sorted(rooms, key=lambda r: (-r.capacity, r.id))
    ranked = sorted(talks, key=lambda t: (-demand[t], t))
    columns = [ranked[i * len(slots) : (i + 1) * len(slots)] for i in range(len(by_size))]
    load = Counter(s for t in talks for s in speakers[t])
    for _attempt in range(200):
        placement: dict[str, tuple[str, str]] = {}
        busy: dict[str, set[str]] = defaultdict(set)
        stuck = False
        for room, column in zip(by_size, columns, strict=True):
            free = [s.id for s in slots]
            # Talks whose speakers give other talks first: they have the fewest choices.
            order = list(column)
            rng.shuffle(order)
            order.sort(key=lambda t: -sum(load[s] > 1 for s in speakers[t]))
            for talk in order:
                options = [s for s in free if not busy[s].intersection(speakers[talk])]
                if not options:
                    stuck = True
                    break
                slot = rng.choice(options)
                free.remove(slot)
                busy[slot].update(speakers[talk])
                placement[talk] = (slot, room.id)
            if stuck:
                break
        if not stuck:
            return placement
    raise RuntimeError("could not plant a valid placement; change the seed")


def generate(size_name: str, seed: int) -> Generated:
    """Make the instance of `size_name` (S, M or L) for `seed`, with its planted valid placement."""
    size = SIZES[size_name]
    rng = random.Random(f"netwerkdag-benchmark-{size.name}-{seed}")
    slots = _slots(size)
    rooms = _rooms(size, rng)
    assert len(slots) * len(rooms) == size.talks, "talks must fill the grid exactly"

    # 1. Pillars and theme groups with a popularity each; every group gets a talk, the rest by popularity.
    pillars = PILLARS[: size.pillars]
    groups: list[Group] = []
    popularity: dict[str, float] = {}
    for i in range(size.themes):
        pillar_id, _ = pillars[i % len(pillars)]
        topics = TOPICS[pillar_id]
        round_ = i // len(pillars)
        topic = topics[round_ % len(topics)]
        number = round_ // len(topics)
        suffix = f" {number + 1}" if number else ""
        group_id = f"{pillar_id}-{topic.lower().replace(' ', '-')}{'-' + str(number + 1) if number else ''}"
        groups.append(Group(group_id, f"{topic}{suffix}", pillar_id))
        popularity[group_id] = rng.lognormvariate(0.0, 0.6)
    group_ids = [g.id for g in groups]
    talk_groups = group_ids + rng.choices(
        group_ids, weights=[popularity[g] for g in group_ids], k=size.talks - len(group_ids)
    )
    rng.shuffle(talk_groups)
    talk_ids = [f"t{i:03d}" for i in range(1, size.talks + 1)]
    group_of = dict(zip(talk_ids, talk_groups, strict=True))
    talks_of_group: dict[str, list[str]] = defaultdict(list)
    for talk, group in group_of.items():
        talks_of_group[group].append(talk)
    pillar_of_group = {g.id: g.pillar or "" for g in groups}
    groups_of_pillar: dict[str, list[str]] = defaultdict(list)
    for g in groups:
        groups_of_pillar[g.pillar or ""].append(g.id)

    # 2. People: administrators of made-up cities, members of 1 to 3 groups, mostly of their home pillar.
    towns = _towns(rng, min(40, len(TOWN_PARTS[0]) * len(TOWN_PARTS[1])))
    people: list[_Person] = []
    width = len(str(size.people))
    for i in range(size.people):
        town_id, _ = towns[i % len(towns)]
        home = rng.choice(pillars)[0]
        count = rng.choices((1, 2, 3), weights=(4, 4, 2))[0]
        member: list[str] = []
        while len(member) < count:
            pool = groups_of_pillar[home] if rng.random() < 0.85 else group_ids
            pick = rng.choices(pool, weights=[popularity[g] for g in pool])[0]
            if pick not in member:
                member.append(pick)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        role = "burgemeester" if i < len(towns) else "wethouder"
        people.append(_Person(f"p{i + 1:0{width}d}", name, role, town_id, home, member))
    members: dict[str, list[_Person]] = defaultdict(list)
    for person in people:
        for group_id in person.groups:
            members[group_id].append(person)

    # 3. Speakers: 1 to 3 per talk from the group's members; about one talk in ten shares one of them.
    speakers: dict[str, list[str]] = {}
    talks_of_speaker: dict[str, list[str]] = defaultdict(list)
    by_id = {p.id: p for p in people}
    for talk in talk_ids:
        group = group_of[talk]
        wanted_count = rng.choices((1, 2, 3), weights=(13, 6, 1))[0]
        chosen: list[str] = []
        if talks_of_speaker and rng.random() < 0.1:
            repeat = [
                s
                for s, ts in talks_of_speaker.items()
                if len(ts) == 1 and pillar_of_group[group_of[ts[0]]] == pillar_of_group[group]
            ]
            if repeat:
                chosen.append(rng.choice(sorted(repeat)))
        candidates = [p for p in members[group] if p.id not in talks_of_speaker and p.id not in chosen]
        if not candidates:
            candidates = [p for p in people if p.id not in talks_of_speaker and p.id not in chosen]
        rng.shuffle(candidates)
        chosen += [p.id for p in candidates[: max(0, wanted_count - len(chosen))]]
        speakers[talk] = chosen
        for s in chosen:
            talks_of_speaker[s].append(talk)
            if group not in by_id[s].groups:
                by_id[s].groups.append(group)

    # 4. Wants: own talks (10), talks of one's groups (3), invited elsewhere in the pillar or beyond (1).
    wants: dict[str, dict[str, int]] = {}
    for person in people:
        target = rng.choice((2, 3, 3, 4, 4, 5, 6))
        wanted: dict[str, int] = dict.fromkeys(talks_of_speaker.get(person.id, []), 10)
        own_group_talks = [t for g in person.groups for t in talks_of_group[g] if t not in wanted]
        rng.shuffle(own_group_talks)
        for talk in own_group_talks[: max(0, target - len(wanted))]:
            wanted[talk] = 3
        for _ in range(4 * target):
            if len(wanted) >= max(target, 2):
                break
            pool = groups_of_pillar[person.pillar] if rng.random() < 0.8 else group_ids
            group = rng.choices(pool, weights=[popularity[g] for g in pool])[0]
            talk = rng.choice(talks_of_group[group])
            wanted.setdefault(talk, 1)
        wants[person.id] = dict(sorted(wanted.items()))
    demand = dict.fromkeys(talk_ids, 0.0)
    for wanted in wants.values():
        for talk, weight in wanted.items():
            demand[talk] += TURNOUT[weight]
    seats_demand = {t: max(5, math.ceil(d)) for t, d in demand.items()}

    # 5. Plant a valid placement, then draw everything that could break it consistently with it.
    planted = _plant(talk_ids, seats_demand, speakers, rooms, slots, rng)
    slot_by_id = {s.id: s for s in slots}
    room_by_id = {r.id: r for r in rooms}
    duration = {}
    for talk in talk_ids:
        slot = slot_by_id[planted[talk][0]]
        choices = (45, 30) if slot.minutes < 60 else (60,) * 16 + (45,) * 3 + (30,)
        duration[talk] = rng.choice(choices)
    away: dict[str, set[str]] = {}
    day_slots: dict[str, list[str]] = defaultdict(list)
    for slot in slots:
        day_slots[slot.day].append(slot.id)
    speaker_ids = sorted(talks_of_speaker)
    for speaker in rng.sample(speaker_ids, max(1, round(0.06 * len(speaker_ids)))):
        own_slots = {planted[t][0] for t in talks_of_speaker[speaker]}
        for _try in range(10):
            day = rng.choice(sorted(day_slots))
            ids = day_slots[day]
            how = rng.choice(("late", "early", "day") if len(day_slots) > 1 else ("late", "early"))
            count = rng.randint(1, 2)
            missing = set(ids[:count] if how == "late" else ids[-count:] if how == "early" else ids)
            if not missing & own_slots:
                away[speaker] = missing
                break
    fixed_slot: dict[str, str] = {}
    fixed_room: dict[str, str] = {}
    hall_talks = [t for t in talk_ids if planted[t][1] == "grote-zaal"]
    guest = max(hall_talks, key=lambda t: (planted[t][0] == slots[-1].id, t))
    fixed_slot[guest], fixed_room[guest] = planted[guest]
    movable = sorted(set(talk_ids) - {guest})
    extra = rng.sample(movable, round(0.03 * size.talks))
    for i, talk in enumerate(extra):
        slot_id, room_id = planted[talk]
        if i % 3 != 2:
            fixed_slot[talk] = slot_id
        if i % 3 != 1:
            fixed_room[talk] = room_id
    requires: dict[str, tuple[str, ...]] = {guest: ("plenary",)}
    for talk in talk_ids:
        features = room_by_id[planted[talk][1]].features
        chances = (("accessible", 0.12), ("screen", 0.1))
        needs = tuple(f for f, p in chances if f in features and rng.random() < p)
        if needs and talk != guest:
            requires[talk] = needs

    talks = []
    for talk in talk_ids:
        theme = next(g for g in groups if g.id == group_of[talk])
        title = f"Themagroep {theme.name}: {rng.choice(AGENDA)}"
        if talk == guest:
            title = "Gesprek met de staatssecretaris"
        unavailable = set().union(*(away.get(s, set()) for s in speakers[talk]))
        talks.append(
            Talk(
                id=talk,
                title=title,
                duration_min=45 if talk == guest else duration[talk],
                expected=min(seats_demand[talk], room_by_id[planted[talk][1]].capacity),
                speakers=tuple(speakers[talk]),
                unavailable_slots=tuple(s.id for s in slots if s.id in unavailable),
                fixed_slot=fixed_slot.get(talk),
                fixed_room=fixed_room.get(talk),
                requires=requires.get(talk, ()),
            )
        )
    instance = Instance(
        name=f"netwerkdag-{size.name.lower()}-seed-{seed}",
        slots=tuple(slots),
        rooms=tuple(rooms),
        talks=tuple(talks),
        wants=wants,
    )
    problems = hard_violations(instance, planted)
    assert not problems, f"the planted placement is not valid: {problems}"

    context = EventContext(
        title=f"Bestuurlijke netwerkdag (benchmark {size.name}, seed {seed})",
        network_id="benchmarknetwerk",
        network_name="Benchmarknetwerk van steden",
        venue="Stadhuis" if size.name == "S" else "Congrescentrum",
        organisations=tuple(towns),
        pillars=tuple(pillars),
        groups=tuple(groups),
        group_of=group_of,
        people={s: Person(s, by_id[s].name, by_id[s].role, by_id[s].organisation) for s in talks_of_speaker},
        valid_placement=planted,
    )
    return Generated(instance, context, planted)


def write_generated(generated: Generated, folder: str | Path) -> WrittenEvent:
    """Write `folder/instance.json` and the event folder `folder/event/`."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / "instance.json").write_text(instance_json(generated.instance), encoding="utf-8")
    return write_event(generated.instance, target / "event", context=generated.context)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a seeded G40-like scheduling benchmark instance.")
    parser.add_argument("size", choices=sorted(SIZES), help="S (Haarlem-like), M or L")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--out", type=Path, required=True, help="folder for instance.json and event/")
    args = parser.parse_args(argv)
    generated = generate(args.size, args.seed)
    written = write_generated(generated, args.out)
    instance = generated.instance
    print(
        f"{instance.name}: {len(instance.talks)} talks, {len(instance.rooms)} rooms, {len(instance.slots)} "
        f"slots, {len(instance.wants)} people -> {args.out} "
        f"({'greedy' if written.greedy else 'planted'} initial plan)"
    )
    for line in (*written.problems, *written.gaps):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
