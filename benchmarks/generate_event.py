"""Generate a large, valid event file for benchmarks: by default three days, 30 rooms, 600 sessions.

Seeded, so the same arguments always give the same file. The network is made up: numbered cities,
pillars and theme groups, a chair per session drawn so that nobody chairs two sessions at once.

    python benchmarks/generate_event.py OUT_DIR [--days 3] [--rooms 30] [--sessions 600] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

PILLARS = ("sociaal", "fysiek", "economie-en-werk")


def _grid(slots_per_day: int) -> list[tuple[str, str, str]]:
    """(kind, start, end) for one day: walk-in, opening, then slots of 60 min with 10-min transfers."""
    rows = [("walk-in", "08:30", "09:00"), ("plenary", "09:00", "09:30"), ("transfer", "09:30", "09:40")]
    minute = 9 * 60 + 40
    for index in range(slots_per_day):
        rows.append(
            (
                "parallel",
                f"{minute // 60:02d}:{minute % 60:02d}",
                f"{(minute + 60) // 60:02d}:{minute % 60:02d}",
            )
        )
        minute += 60
        if index == slots_per_day // 2 - 1:
            rows.append(
                (
                    "meal",
                    f"{minute // 60:02d}:{minute % 60:02d}",
                    f"{(minute + 45) // 60:02d}:{(minute + 45) % 60:02d}",
                )
            )
            minute += 45
        else:
            end = minute + 10
            rows.append(
                ("transfer", f"{minute // 60:02d}:{minute % 60:02d}", f"{end // 60:02d}:{end % 60:02d}")
            )
            minute = end
    last = rows[-1]
    rows[-1] = ("drinks", last[1], f"{int(last[1][:2]) + 1:02d}:{last[1][3:]}")
    return rows


def generate(days: int, rooms: int, sessions: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    per_day = -(-sessions // (days * rooms))  # parallel slots a day, rounded up
    cities = [{"id": f"stad-{i:02d}", "name": f"Gemeente Stad {i}", "member": True} for i in range(1, 42)]
    groups = [
        {
            "id": f"groep-{i:02d}",
            "name": f"Themagroep {i}",
            "pillar": PILLARS[i % 3],
            "portfolios": [f"thema {i}"],
        }
        for i in range(1, 31)
    ]
    people = [
        {
            "id": f"persoon-{i:04d}",
            "name": f"Bestuurder {i}",
            "role": "wethouder" if i % 6 else "burgemeester",
            "organisation": cities[i % len(cities)]["id"],
            "portfolios": [f"thema {1 + i % 30}"],
            "groups": [f"groep-{1 + i % 30:02d}", f"groep-{1 + (i * 7) % 30:02d}"],
        }
        for i in range(1, 1201)
    ]
    start = date(2026, 3, 10)
    blocks: list[dict[str, Any]] = []
    parallel: list[str] = []
    for d in range(days):
        day = (start + timedelta(days=d)).isoformat()
        for index, (kind, begin, end) in enumerate(_grid(per_day)):
            block_id = f"d{d + 1}-b{index + 1:02d}"
            blocks.append({"id": block_id, "kind": kind, "start": begin, "end": end, "date": day})
            if kind == "parallel":
                parallel.append(block_id)
    room_list = [
        {"id": f"zaal-{r:02d}", "name": f"Zaal {r}", "capacity": rng.choice((20, 30, 40, 60))}
        for r in range(1, rooms + 1)
    ]
    room_list[0].update(capacity=400, features=["plenary"], name="Grote zaal")
    session_list: list[dict[str, Any]] = []
    chairs = iter(rng.sample([p["id"] for p in people], k=len(people)))
    for n in range(sessions):
        block = parallel[n // rooms]
        group = groups[n % len(groups)]
        session_list.append(
            {
                "id": f"sessie-{n + 1:04d}",
                "kind": "theme-group-meeting",
                "title": f"{group['name']}: bijeenkomst {n + 1}",
                "block": block,
                "room": room_list[n % rooms]["id"],
                "group": group["id"],
                "pillar": group["pillar"],
                "participants": [{"person": next(chairs), "role": "chair"}],
                "audience": [{"groups": [group["id"]]}],
                "description": f"Bijeenkomst {n + 1} van {group['name']}.\n\nVoortgang en agenda.",
            }
        )
    return {
        "network": {
            "id": "bench",
            "name": "Benchmarknetwerk",
            "organisations": cities,
            "pillars": [{"id": p, "name": p.replace("-", " ").title()} for p in PILLARS],
            "groups": groups,
            "people": people,
        },
        "event": {
            "slug": "bench-event",
            "title": "Benchmark netwerkdagen",
            "date": start.isoformat(),
            "end_date": (start + timedelta(days=days - 1)).isoformat(),
            "timezone": "Europe/Amsterdam",
            "venue": {"name": "Congrescentrum", "city": "Utrecht"},
            "rooms": room_list,
            "blocks": blocks,
            "sessions": session_list,
        },
    }


def write_event(out_dir: Path, *, days: int = 3, rooms: int = 30, sessions: int = 600, seed: int = 1) -> Path:
    """Write the generated event as OUT_DIR/event.yaml (network inline) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "event.yaml"
    path.write_text(
        yaml.safe_dump(generate(days, rooms, sessions, seed), sort_keys=False, allow_unicode=True), "utf-8"
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--rooms", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(write_event(args.out_dir, days=args.days, rooms=args.rooms, sessions=args.sessions, seed=args.seed))


if __name__ == "__main__":
    main()
