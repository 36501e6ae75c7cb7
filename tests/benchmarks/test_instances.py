"""The scheduling benchmark's instances: the referee's rules one by one on tiny hand-built instances, the
objective on a hand-computed example, the seeded generator (deterministic, the stated sizes, a valid planted
placement, an event folder netwerkdag loads) and the converters of the public benchmark data."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from netwerkdag.files.load import load_event

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "scheduling"))

import convert_pyconuk  # noqa: E402
import convert_timefold  # noqa: E402
import generate  # noqa: E402
import run  # noqa: E402
import to_event  # noqa: E402
from instance import (  # noqa: E402
    Instance,
    Room,
    Slot,
    Talk,
    conflicts,
    hard_violations,
    instance_json,
    overlapping_slots,
    pair_weights,
    read_instance,
    rule_of,
    write_instance,
)

DATA = ROOT / "benchmarks" / "data"
TIMEFOLD_18 = DATA / "timefold-conferencescheduling" / "18talks-6timeslots-5rooms.json"
PYCONUK = DATA / "pyconuk-2016" / "pyconuk-2016-talks.yml"


# --- a tiny instance: two slots, two rooms, two talks -----------------------------------------------------


def tiny(**talk_b: Any) -> Instance:
    """Slots s1 (60 min) and s2 (30 min); rooms big (50 seats, accessible) and small (10); talk a (speaker
    ann, 40 people, 60 min) and talk b (speaker bob, 5 people, 30 min), b changed by `talk_b`."""
    b = replace(Talk("b", "B", duration_min=30, expected=5, speakers=("bob",)), **talk_b)
    return Instance(
        name="tiny",
        slots=(Slot("s1", "2024-01-10", "10:00", "11:00"), Slot("s2", "2024-01-10", "11:10", "11:40")),
        rooms=(Room("big", 50, ("accessible",)), Room("small", 10)),
        talks=(Talk("a", "A", duration_min=60, expected=40, speakers=("ann",)), b),
        wants={},
    )


VALID = {"a": ("s1", "big"), "b": ("s2", "small")}


def rules(instance: Instance, placement: dict[str, tuple[str, str]]) -> list[str]:
    return [rule_of(p) for p in hard_violations(instance, placement)]


def test_hard_violations_valid_placement_has_none() -> None:
    assert hard_violations(tiny(), VALID) == []


@pytest.mark.parametrize(
    ("talk_b", "placement", "expected"),
    [
        ({}, {"a": ("s1", "big")}, ["unplaced"]),
        ({}, {**VALID, "c": ("s1", "small")}, ["unknown-talk"]),
        ({}, {**VALID, "b": ("s9", "small")}, ["unknown-slot"]),
        ({}, {**VALID, "b": ("s2", "attic")}, ["unknown-room"]),
        ({}, {**VALID, "b": ("s1", "big")}, ["room-double-booked"]),
        ({}, {"a": ("s1", "small"), "b": ("s2", "big")}, ["capacity"]),
        ({"requires": ("accessible",)}, VALID, ["missing-feature"]),
        ({"duration_min": 45}, VALID, ["too-long"]),
        ({"unavailable_slots": ("s2",)}, VALID, ["unavailable"]),
        ({"speakers": ("ann",)}, {**VALID, "b": ("s1", "small")}, ["speaker-clash"]),
        ({"fixed_slot": "s1"}, VALID, ["fixed-slot"]),
        ({"fixed_room": "big"}, VALID, ["fixed-room"]),
    ],
)
def test_hard_violations_each_rule_named(
    talk_b: dict[str, Any], placement: dict[str, tuple[str, str]], expected: list[str]
) -> None:
    assert rules(tiny(**talk_b), placement) == expected


@pytest.mark.parametrize(
    ("talk_b", "placement"),
    [
        ({"requires": ("accessible",)}, {"a": ("s1", "small"), "b": ("s2", "big")}),
        ({"unavailable_slots": ("s1",)}, VALID),
        ({"speakers": ("ann",)}, VALID),
        ({"fixed_slot": "s2", "fixed_room": "small"}, VALID),
    ],
)
def test_hard_violations_rule_kept_passes(
    talk_b: dict[str, Any], placement: dict[str, tuple[str, str]]
) -> None:
    # Without the capacity rule in the way (a moves to the small room only in the first case).
    found = rules(tiny(**talk_b), placement)
    assert [r for r in found if r != "capacity"] == []


def test_hard_violations_room_double_booked_names_talks_room_and_slot() -> None:
    messages = hard_violations(tiny(), {"a": ("s1", "big"), "b": ("s1", "big")})
    assert messages == ["room-double-booked: talks 'a', 'b' share room 'big' in slot 's1'"]


def test_hard_violations_overlapping_slots_clash_for_speakers_and_rooms() -> None:
    base = tiny(speakers=("ann",))
    lab = Slot("lab", "2024-01-10", "10:30", "12:00")  # overlaps s1 and s2
    instance = replace(base, slots=(*base.slots, lab))
    found = rules(instance, {"a": ("s1", "big"), "b": ("lab", "big")})
    assert found == ["room-double-booked", "speaker-clash"]


# --- the objective ------------------------------------------------------------------------------------------


def three_people() -> Instance:
    """x wants a (10) and b (3); y wants a (3), b (3), c (1); z wants b (1) and c (10)."""
    base = tiny()
    return replace(
        base,
        talks=(*base.talks, Talk("c", "C", 30, 5)),
        wants={"x": {"a": 10, "b": 3}, "y": {"a": 3, "b": 3, "c": 1}, "z": {"b": 1, "c": 10}},
    )


def test_pair_weights_sum_min_weight_per_person() -> None:
    # (a, b): x min(10, 3) = 3 + y min(3, 3) = 3; (a, c): y 1; (b, c): y 1 + z 1.
    assert pair_weights(three_people()) == {("a", "b"): 6, ("a", "c"): 1, ("b", "c"): 2}


@pytest.mark.parametrize(
    ("slot_of", "expected"),
    [
        ({"a": "s1", "b": "s2", "c": "s3"}, 0),
        ({"a": "s1", "b": "s1", "c": "s2"}, 6),
        ({"a": "s1", "b": "s2", "c": "s2"}, 2),
        ({"a": "s1", "b": "s1", "c": "s1"}, 9),
        ({"a": "s1", "b": "s1"}, 6),  # c unplaced costs nothing
    ],
)
def test_conflicts_sum_pair_weights_in_same_slot(slot_of: dict[str, str], expected: int) -> None:
    assert conflicts(three_people(), slot_of) == expected


def test_instance_json_round_trip(tmp_path: Path) -> None:
    instance = replace(three_people(), talks=(*tiny(fixed_slot="s2", requires=("accessible",)).talks,))
    instance = replace(instance, wants={"x": {"a": 10, "b": 3}})
    write_instance(instance, tmp_path / "i.json")
    assert read_instance(tmp_path / "i.json") == instance


# --- the generator ------------------------------------------------------------------------------------------


def test_generate_same_seed_same_bytes() -> None:
    assert instance_json(generate.generate("M", 3).instance) == instance_json(
        generate.generate("M", 3).instance
    )


def test_generate_other_seed_other_instance() -> None:
    assert instance_json(generate.generate("S", 1).instance) != instance_json(
        generate.generate("S", 2).instance
    )


@pytest.mark.parametrize(
    ("size", "talks", "rooms", "slots", "days", "people"),
    [("S", 20, 5, 4, 1, 250), ("M", 120, 10, 12, 2, 2_000)],
)
def test_generate_sizes(size: str, talks: int, rooms: int, slots: int, days: int, people: int) -> None:
    instance = generate.generate(size, 1).instance
    shape = (
        len(instance.talks),
        len(instance.rooms),
        len(instance.slots),
        len({s.day for s in instance.slots}),
        len(instance.wants),
    )
    assert shape == (talks, rooms, slots, days, people)


@pytest.mark.parametrize("size", ["S", "M"])
def test_generate_planted_placement_valid(size: str) -> None:
    generated = generate.generate(size, 1)
    assert hard_violations(generated.instance, generated.planted) == []


def break_by_swapping(
    instance: Instance, placement: dict[str, tuple[str, str]], *, keep: int, rule: str
) -> list[str] | None:
    """Swap the cells of two talks that share their slot (keep=0) or room (keep=1), the first pair for
    which the placement breaks exactly `rule`; the rules found then, or None when no swap does."""
    ids = [t.id for t in instance.talks]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if placement[a][keep] == placement[b][keep]:
                found = rules(instance, {**placement, a: placement[b], b: placement[a]})
                if found == [rule]:
                    return found
    return None


@pytest.mark.parametrize(
    ("rule", "keep"), [("capacity", 0), ("speaker-clash", 1), ("unavailable", 1), ("fixed-slot", 1)]
)
def test_generate_planted_placement_broken_names_the_rule(rule: str, keep: int) -> None:
    generated = generate.generate("M", 1)
    assert break_by_swapping(generated.instance, generated.planted, keep=keep, rule=rule) == [rule]


def test_generate_planted_placement_double_booked_named() -> None:
    generated = generate.generate("S", 1)
    instance, planted = generated.instance, generated.planted
    # The first talk that can join another's cell without breaking anything else.
    found = next(
        found
        for a in planted
        for b in planted
        if a != b and (found := rules(instance, {**planted, b: planted[a]})) == ["room-double-booked"]
    )
    assert found == ["room-double-booked"]


def test_generate_wants_are_g40_like() -> None:
    instance = generate.generate("M", 1).instance
    sizes = {len(w) for w in instance.wants.values()}
    weights = {w for wanted in instance.wants.values() for w in wanted.values()}
    speakers = {s for t in instance.talks for s in t.speakers}
    speaker_wants = {instance.wants[s][t.id] for t in instance.talks for s in t.speakers}
    assert (min(sizes), max(sizes), weights, speaker_wants) == (2, 6, {1, 3, 10}, {10})
    assert speakers <= set(instance.wants)


def test_generated_event_loads_with_the_instance(tmp_path: Path) -> None:
    generated = generate.generate("S", 1)
    written = generate.write_generated(generated, tmp_path)
    event = load_event(tmp_path / "event")
    instance = generated.instance
    placed = {s.id: (s.block, s.room) for s in event.sessions}
    assert (placed, written.gaps) == (dict(written.placement), ())
    assert read_instance(tmp_path / "instance.json") == instance
    rows = (tmp_path / "event" / "interests.csv").read_text("utf-8").splitlines()
    assert (rows[0], len(rows) - 1) == ("person,session,weight", sum(len(w) for w in instance.wants.values()))


def test_speaker_availability_windows_are_the_runs_of_free_slots() -> None:
    instance = replace(
        generate.generate("S", 1).instance, talks=(Talk("t1", "T", 60, 5, ("ann",), ("ronde-2",)),)
    )
    away, gaps = to_event.speaker_availability(instance)
    windows = to_event._windows(instance, away["ann"], multi_day=False)
    assert (away, gaps, windows) == (
        {"ann": ["ronde-2"]},
        [],
        [{"start": "10:30", "end": "11:30"}, {"start": "13:55", "end": "16:00"}],
    )


def test_speaker_availability_reports_what_it_cannot_express() -> None:
    instance = tiny(speakers=(), unavailable_slots=("s1",))
    _away, gaps = to_event.speaker_availability(instance)
    assert [g.split(" may not")[0] for g in gaps] == ["talk 'b'"]


def test_scheduling_fields_pins() -> None:
    both = to_event.scheduling_fields(
        Talk("t", "T", 60, 12, fixed_slot="s1", fixed_room="r", requires=("x",))
    )
    slot_only = to_event.scheduling_fields(Talk("t", "T", 60, 12, fixed_slot="s1"))
    room_only = to_event.scheduling_fields(Talk("t", "T", 60, 12, fixed_room="r"))
    assert (both, slot_only, room_only) == (
        {"expected_attendance": 12, "pin": True, "requires": ["x"]},
        {"expected_attendance": 12, "pin": "block"},
        {"expected_attendance": 12, "pin": "room"},
    )


# --- the converters -----------------------------------------------------------------------------------------


def test_convert_pyconuk_reads_the_talks() -> None:
    instance = convert_pyconuk.convert_pyconuk(PYCONUK)
    durations = sorted({t.duration_min for t in instance.talks})
    unavailable = {t.speakers[0]: len(t.unavailable_slots) for t in instance.talks if t.unavailable_slots}
    assert (len(instance.talks), len(instance.slots), len(instance.rooms), durations) == (69, 27, 4, [30, 45])
    assert (unavailable, list(instance.wants)) == ({"alex-chan": 11}, ["owen-campbell"])


def test_convert_timefold_reads_the_smallest_file() -> None:
    conversion = convert_timefold.convert_timefold(TIMEFOLD_18)
    instance, report = conversion.instance, conversion.report
    assert (len(instance.talks), len(instance.slots), len(instance.rooms), dict(instance.wants)) == (
        18,
        6,
        5,
        {},
    )
    assert (report["greedy_valid_placement"], report["pinned_talks"], len(report["favorites"])) == (
        True,
        1,
        18,
    )


def test_convert_timefold_one_talk_type_keeps_its_talks_slots_and_rooms_and_no_overlap() -> None:
    whole = convert_timefold.convert_timefold(TIMEFOLD_18).instance
    conversion = convert_timefold.convert_timefold(TIMEFOLD_18, only_type="Breakout")
    instance, report = conversion.instance, conversion.report

    assert (len(instance.talks), len(instance.slots), len(instance.rooms)) == (16, 4, 4)
    assert report["talks_of_other_types_dropped"] == len(whole.talks) - len(instance.talks)
    assert overlapping_slots(instance) == []  # the part an event's blocks can hold
    slot_ids = {s.id for s in instance.slots}
    assert all(set(t.unavailable_slots) <= slot_ids for t in instance.talks)
    assert report["greedy_valid_placement"]


def test_convert_timefold_a_type_with_no_talks_is_refused() -> None:
    with pytest.raises(ValueError, match="no talk of the type 'Keynote'"):
        convert_timefold.convert_timefold(TIMEFOLD_18, only_type="Keynote")


def test_runner_takes_instance_files_besides_the_sizes(tmp_path: Path) -> None:
    path = tmp_path / "given.json"
    write_instance(generate.generate("S", 1).instance, path)
    out = tmp_path / "out.json"

    assert run.main(["--sizes", "--instances", str(path), "--limits", "1", "--peers", "--no-ours",
                     "--out", str(out), "--keep", str(tmp_path / "kept")]) == 0  # fmt: skip

    result = json.loads(out.read_text(encoding="utf-8"))
    (facts,) = result["instances"]
    assert (facts["size"], facts["talks"], result["config"]["instances"]) == (
        read_instance(path).name,
        20,
        [str(path)],
    )
    assert (Path(facts["folder"]) / "event" / "event.yaml").is_file()


def test_runner_stops_before_it_starts_when_a_named_peer_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(run.PEER_PACKAGES, "timefold", ("no_such_package_for_netwerkdag",))
    out = tmp_path / "out.json"

    code = run.main(["--sizes", "S", "--limits", "1", "--peers", "timefold", "--no-ours", "--out", str(out)])

    assert code == 2
    assert "peers not installed: timefold" in capsys.readouterr().err
    assert not out.exists()  # nothing run, nothing written


def test_runner_runs_our_search_with_each_search_seed_on_the_same_instance(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    ours = f"{sys.executable} -m netwerkdag.cli"
    kept = tmp_path / "kept"

    assert run.main(["--sizes", "S", "--seeds", "1", "--search-seeds", "3", "4", "--limits", "2",
                     "--peers", "--ours-cmd", ours, "--out", str(out), "--keep", str(kept)]) == 0  # fmt: skip

    result = json.loads(out.read_text(encoding="utf-8"))
    runs = [(r["size"], r["seed"], r["search_seed"], r["valid"]) for r in result["runs"]]
    assert runs == [("S", 1, 3, True), ("S", 1, 4, True)]
    assert result["config"]["search_seeds"] == [3, 4]
    plans = sorted(p.name for p in (kept / "S-seed-1").glob("plan-*"))
    assert plans == ["plan-2s-seed-3", "plan-2s-seed-4"]


# --- the runner's plot --------------------------------------------------------------------------------------


def test_write_svg_one_point_per_valid_series_and_size(tmp_path: Path) -> None:
    records = [
        run.RunRecord("S", 1, 10, "ours", "optimal", valid=True, objective=0, wall_s=0.5),
        run.RunRecord("M", 1, 10, "ours", "feasible", valid=True, objective=759, wall_s=10.1),
        run.RunRecord("M", 1, 10, "peer", "unknown", valid=False, objective=2095, wall_s=13.5),
    ]
    run.write_svg(records, tmp_path / "plot.svg", ["S", "M"])
    svg = (tmp_path / "plot.svg").read_text("utf-8")
    # Ours at S and at M, in both panels; the invalid peer run is left out.
    assert (svg.startswith("<svg "), svg.count("<circle "), svg.endswith("</svg>\n")) == (True, 4, True)
