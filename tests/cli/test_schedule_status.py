"""`netwerkdag schedule` tells the status the search reached, the same in its text and its JSON: a day whose
rules no plan can keep but whose clash the search cannot prove within the time limit is `unknown`, not
`infeasible`; a day proven infeasible is `infeasible` with its explanation in the JSON too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from tests.conftest import RunCli

SLOT_TIMES = [("09:00", "09:45"), ("10:00", "10:45"), ("11:00", "11:45"), ("13:00", "13:45"),
              ("14:00", "14:45"), ("15:00", "15:45")]  # fmt: skip


def _mycielski(steps: int) -> tuple[int, set[tuple[int, int]]]:
    """Mycielski's graph after `steps` steps from one edge: no three vertices all adjacent, yet it needs
    steps + 2 colours, and proving that it cannot be coloured with one fewer is famously slow for a solver
    (for 95 vertices and 6 colours CP-SAT proves nothing in 30 s on two cores)."""
    n, edges = 2, {(0, 1)}
    for _ in range(steps):
        grown = set(edges)
        for a, b in edges:
            grown |= {(a, n + b), (b, n + a)}
        grown |= {(n + v, 2 * n) for v in range(n)}
        n, edges = 2 * n + 1, grown
    return n, edges


def _day_of_a_graph(folder: Path, slots: int, n: int, edges: set[tuple[int, int]]) -> Path:
    """A day of one session per vertex and, per edge, one person who speaks in both sessions, with as many
    rounds as `slots` and rooms enough for all: a plan is a colouring of the graph with `slots` colours."""
    folder.mkdir()
    rooms = -(-n // slots) + 1
    people = [{"id": f"p{a}-{b}", "name": f"Spreker {a}-{b}", "role": "wethouder"} for a, b in sorted(edges)]
    speakers: dict[int, list[dict[str, Any]]] = {v: [] for v in range(n)}
    for a, b in sorted(edges):
        speakers[a].append({"person": f"p{a}-{b}", "role": "speaker"})
        speakers[b].append({"person": f"p{a}-{b}", "role": "speaker"})
    network = {
        "id": "net",
        "name": "Net",
        "organisations": [{"id": "stad", "name": "Stad", "member": True}],
        "groups": [{"id": f"g{v}", "name": f"Groep {v}"} for v in range(n)],
        "people": people,
    }
    sessions = [
        {"id": f"s{v}", "kind": "theme-group-meeting", "title": f"Sessie {v}", "group": f"g{v}",
         "block": f"r{v // rooms + 1}", "room": f"z{v % rooms}", "expected_attendance": 10,
         "participants": speakers[v]}
        for v in range(n)
    ]  # fmt: skip
    event = {
        "network": "network.yaml",
        "event": {
            "slug": "kleuren",
            "title": "Kleuren",
            "date": "2026-03-10",
            "venue": {"name": "Stadhuis"},
            "rooms": [{"id": f"z{r}", "name": f"Zaal {r}", "capacity": 40} for r in range(rooms)],
            "blocks": [
                {"id": f"r{t + 1}", "kind": "parallel", "start": start, "end": end}
                for t, (start, end) in enumerate(SLOT_TIMES[:slots])
            ],
            "sessions": sessions,
        },
    }
    (folder / "network.yaml").write_text(yaml.safe_dump(network, sort_keys=False), encoding="utf-8")
    (folder / "event.yaml").write_text(yaml.safe_dump(event, sort_keys=False), encoding="utf-8")
    return folder


def test_a_day_without_a_plan_whose_clash_is_not_proven_in_time_is_unknown_in_json_and_text(
    tmp_path: Path, run_cli: RunCli
) -> None:
    n, edges = _mycielski(5)  # 95 sessions, and 7 colours needed: 6 rounds hold no plan
    folder = _day_of_a_graph(tmp_path / "day", 6, n, edges)

    as_json = run_cli("schedule", str(folder), "--time-limit", "1", "--json")
    as_text = run_cli("schedule", str(folder), "--time-limit", "1")

    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert document["status"] == "unknown"
    assert (document["objective"], document["bound"], document["explanation"]) == (None, None, [])
    assert as_text.returncode == 0, as_text.stderr
    assert "status unknown" in as_text.stdout
    assert "no clash of rules proven" in as_text.stdout
    assert "infeasible" not in as_text.stdout + as_json.stdout


def test_a_day_proven_infeasible_says_so_and_why_in_json_too(tmp_path: Path, run_cli: RunCli) -> None:
    n, edges = _mycielski(1)  # five sessions in a circle: three colours needed, two rounds
    folder = _day_of_a_graph(tmp_path / "day", 2, n, edges)

    as_json = run_cli("schedule", str(folder), "--time-limit", "5", "--json")
    as_text = run_cli("schedule", str(folder), "--time-limit", "5")

    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["status"] == "infeasible"
    assert document["explanation"]
    assert as_text.returncode == 1
    assert "status infeasible" in as_text.stdout
    for sentence in document["explanation"]:
        assert f"  - {sentence}\n" in as_text.stdout
