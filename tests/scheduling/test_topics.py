"""Topics and repeated sessions in the scheduler (issue 19): the rule `topic-runs` kept and broken, the
conflicts counted with runs (a session clashes with a topic only when it clashes with every run), and
`--repeat-popular`'s runs for a session expected to draw more than its largest room seats.

The tiny day is that of `test_rules.py`: two rounds (ronde-1 10:00-11:00, ronde-2 11:05-12:00), zaal-1
seats 40, zaal-2 20, the foyer is shared; sa and sb (an hour, so they fit only the first round) in the
first round, sc (55 minutes, it fits both) in the second.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from test_rules import _session, edited, load, view_of, write_event

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interest, Interests, Reason, derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.files.plan_writer import patch_event_text
from netwerkdag.scheduling.instance import compile_day
from netwerkdag.scheduling.model import Options
from netwerkdag.scheduling.objective import SolveStatus
from netwerkdag.scheduling.plan import Place, apply, placements
from netwerkdag.scheduling.repeat import repeat_popular
from netwerkdag.scheduling.report import conflicts
from netwerkdag.scheduling.rules import check_plan
from netwerkdag.scheduling.solve import result_dict, schedule
from netwerkdag.scheduling.topics import pair_weights, runs_by_topic

FAST = Options(time_limit=5.0, workers=1)


def _wants(*pairs: tuple[str, str, int]) -> Interests:
    return Interests(tuple(Interest(p, s, w, Reason.FILE) for p, s, w in pairs))


def _rule(event: Event) -> list[str]:
    return [v.message for v in check_plan(view_of(event)) if v.rule == "topic-runs"]


# --- the rule ----------------------------------------------------------------------------------------------


def test_runs_in_different_rounds_keep_the_rule(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"topic": "wonen"}, sc={"topic": "wonen"}))

    assert runs_by_topic(event) == {"wonen": ("sa", "sc")}
    assert check_plan(view_of(event)) == []


def test_runs_in_one_round_break_the_rule(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"topic": "wonen"}, sb={"topic": "wonen"}))

    found = [v for v in check_plan(view_of(event)) if v.rule == "topic-runs"]

    assert [(v.sessions, v.rule) for v in found] == [(("sa", "sb"), "topic-runs")]
    assert "'sa'" in found[0].message
    assert "topic 'wonen'" in found[0].message


def test_a_topic_of_one_session_is_no_run(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"topic": "wonen"}))

    assert runs_by_topic(event) == {}
    assert _rule(event) == []


def test_the_scheduler_puts_runs_in_different_rounds(tmp_path: Path) -> None:
    # sb and sc are runs of one topic, both written in ronde-1 (sc, 55 minutes, in sb's room).
    runs = edited(
        sb={"topic": "tt"}, sc={"topic": "tt", "block": "ronde-1", "room": "zaal-2", "end": "10:55"}
    )
    event = load(tmp_path, runs)
    assert _rule(event)

    result = schedule(event, derive_interests(event), FAST)

    assert result.status is SolveStatus.OPTIMAL
    assert result.event is not None
    assert (result.event.session("sb").block, result.event.session("sc").block) == ("ronde-1", "ronde-2")
    assert result.violations == ()


def test_three_runs_in_two_rounds_are_proven_impossible(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"topic": "tt"}, sb={"topic": "tt"}, sc={"topic": "tt"}))

    result = schedule(event, derive_interests(event), FAST)

    assert result.status is SolveStatus.INFEASIBLE
    assert any(line.startswith("topic-runs: topic 'tt' has 3 runs") for line in result.explanation)


# --- conflicts counted with runs ---------------------------------------------------------------------------

#: anna wants sc and the topic (its run sa); bert wants sb and sc.
WANTED = _wants(("anna", "sa", 3), ("anna", "sc", 3), ("bert", "sb", 1), ("bert", "sc", 10))


def test_a_clash_with_one_run_is_no_conflict_when_another_run_is_free(tmp_path: Path) -> None:
    # sa and sc are runs of one topic, in different rounds; sb (plain) runs with sa. anna wants sb and the
    # topic: sb clashes with sa, but sc is free for her.
    event = load(tmp_path, edited(sa={"topic": "tt"}, sc={"topic": "tt"}))
    wanted = _wants(("anna", "sa", 3), ("anna", "sb", 3))

    assert conflicts(event, wanted) == []
    assert compile_day(event, wanted).pair_weights == {}


def test_without_the_topic_the_same_clash_counts(tmp_path: Path) -> None:
    event = load(tmp_path)
    wanted = _wants(("anna", "sa", 3), ("anna", "sb", 3))

    assert [(c.person, c.first, c.second, c.weight) for c in conflicts(event, wanted)] == [
        ("anna", "sa", "sb", 3)
    ]
    assert compile_day(event, wanted).pair_weights == {("sa", "sb"): 3}


def test_a_session_that_clashes_with_every_run_is_a_conflict(tmp_path: Path) -> None:
    # A hand-made plan that breaks the rule: both runs (sa, sb) in ronde-1, where sc is moved too.
    event = load(tmp_path, edited(sa={"topic": "tt"}, sb={"topic": "tt"}))
    event = apply(event, {"sc": Place("ronde-1", "foyer")})
    wanted = _wants(("anna", "sb", 1), ("anna", "sa", 10), ("anna", "sc", 3))

    found = conflicts(event, wanted)

    # The topic weighs its strongest run (10); named by its first run; min(10, 3) = 3.
    assert [(c.person, c.first, c.second, c.weight) for c in found] == [("anna", "sa", "sc", 3)]


def test_pair_weights_without_topics_are_those_of_the_interests(tmp_path: Path) -> None:
    event = load(tmp_path)
    wanted = derive_interests(event).merged_with(WANTED.items)

    assert pair_weights(event, wanted) == wanted.pair_weights()
    assert compile_day(event, wanted).pair_weights == wanted.pair_weights()


def test_the_solver_counts_no_conflict_a_free_run_avoids(tmp_path: Path) -> None:
    # anna wants sa, sb and sc; sa and sb fit only ronde-1. As three plain sessions, sa and sb always
    # clash; with sb and sc runs of one topic, sc takes ronde-2 and is free for her.
    wanted = _wants(("anna", "sa", 3), ("anna", "sb", 3), ("anna", "sc", 3))
    plain = load(tmp_path / "plain")
    topic = load(tmp_path / "topic", edited(sb={"topic": "tt"}, sc={"topic": "tt"}))

    without = schedule(plain, wanted, FAST)
    with_runs = schedule(topic, wanted, FAST)

    assert without.status is SolveStatus.OPTIMAL
    assert without.objective == 3
    assert with_runs.status is SolveStatus.OPTIMAL
    assert with_runs.objective == 0
    assert with_runs.bound == 0
    assert with_runs.violations == ()


# --- repeating a popular session ---------------------------------------------------------------------------

GAST_ONLY_LATE = {"gast": [{"start": "11:05", "end": "12:00"}]}
#: sc (55 minutes, in ronde-2) is expected to draw 80, twice what zaal-1 (the largest room) seats; anna
#: chairs it, gast is a guest who is there only in the second round; sa in ronde-1 takes zaal-2.
POPULAR = [
    _session("sa", "wonen", "ronde-1", "zaal-2", 15),
    _session(
        "sc", "zorg", "ronde-2", "zaal-1", 80,
        participants=[{"person": "anna", "role": "chair"}, {"person": "gast", "role": "guest"}],
    ),
]  # fmt: skip


def test_a_session_drawing_twice_the_largest_room_gets_a_second_run(tmp_path: Path) -> None:
    event = load(tmp_path, POPULAR, availability=GAST_ONLY_LATE)

    repeated, repeats = repeat_popular(event, derive_interests(event))

    assert [r.as_dict() for r in repeats] == [
        {"session": "sc", "topic": "sc", "runs": ["sc", "sc-2"], "demand": 80, "largest_room": 40,
         "seats_per_run": 40}
    ]  # fmt: skip
    copy = repeated.session("sc-2")
    assert (copy.topic, copy.expected_attendance, copy.pin.value) == ("sc", 40, "free")
    assert [(p.person, p.role.value) for p in copy.participants] == [("anna", "chair")]
    assert repeated.session("sc").topic == "sc"
    assert repeated.session("sc").expected_attendance == 40
    assert "80 expected, the largest room that can hold it seats 40" in repeats[0].sentence()


def test_repeat_popular_places_the_second_run_in_another_round(tmp_path: Path) -> None:
    event = load(tmp_path, POPULAR, availability=GAST_ONLY_LATE)

    result = schedule(event, derive_interests(event), dataclasses.replace(FAST, repeat_popular=True))

    assert result.status.has_plan
    assert result.event is not None
    assert result.violations == ()
    plan = placements(result.event)
    assert plan["sc"] == Place("ronde-2", "zaal-1")  # where gast can be
    assert plan["sc-2"] == Place("ronde-1", "zaal-1")
    assert [r.session for r in result.repeated] == ["sc"]
    assert result.moved == ()  # sc stays; sc-2 is new, not moved
    assert result_dict(result)["repeated"][0]["runs"] == ["sc", "sc-2"]


def test_repeat_is_off_by_default(tmp_path: Path) -> None:
    event = load(tmp_path, POPULAR, availability=GAST_ONLY_LATE)

    result = schedule(event, derive_interests(event), FAST)

    assert result.status is SolveStatus.INFEASIBLE
    assert any(line.startswith("room-capacity:") for line in result.explanation)
    assert result.repeated == ()
    assert "repeated" not in result_dict(result)


def test_repeat_changes_nothing_when_nothing_is_popular(tmp_path: Path) -> None:
    event = load(tmp_path)
    interests = derive_interests(event)

    same, repeats = repeat_popular(event, interests)
    on = schedule(event, interests, dataclasses.replace(FAST, repeat_popular=True))
    off = schedule(event, interests, FAST)

    assert same is event
    assert repeats == ()
    assert (on.status, on.objective, placements(on.event or event)) == (
        off.status,
        off.objective,
        placements(off.event or event),
    )


def test_runs_stop_at_the_number_of_rounds(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sc={"expected_attendance": 200}))

    _, repeats = repeat_popular(event, derive_interests(event))

    assert [(r.runs, r.seats_per_run) for r in repeats] == [(("sc", "sc-2"), 100)]


def test_a_session_already_a_run_is_not_repeated(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"expected_attendance": 80, "topic": "tt"}, sc={"topic": "tt"}))

    same, repeats = repeat_popular(event, derive_interests(event))

    assert same is event
    assert repeats == ()


def test_the_written_plan_holds_the_runs_and_reads_back(tmp_path: Path) -> None:
    path = write_event(tmp_path / "day", POPULAR, availability=GAST_ONLY_LATE)
    event = load_event(path, plan_rules=False)
    result = schedule(event, derive_interests(event), dataclasses.replace(FAST, repeat_popular=True))
    assert result.event is not None

    text = patch_event_text(path.read_text(encoding="utf-8"), event, result.event)
    again = tmp_path / "again.yaml"
    again.write_text(text, encoding="utf-8")
    back = load_event(again, plan_rules=False)

    assert [s.id for s in back.sessions] == ["sa", "sc", "sc-2"]
    assert runs_by_topic(back) == {"sc": ("sc", "sc-2")}
    assert placements(back) == placements(result.event)
    assert back.session("sc-2").expected_attendance == 40
    assert back.session("sc").expected_attendance == 40
    assert [p.person for p in back.session("sc-2").participants] == ["anna"]
    assert check_plan(view_of(back)) == []


def test_a_run_kept_in_the_round_of_a_fixed_run_is_explained(tmp_path: Path) -> None:
    # sa stays where it is (pin: true); sb, a run of its topic, is pinned to the same round.
    event = load(tmp_path, edited(sa={"topic": "tt", "pin": True}, sb={"topic": "tt", "pin": "block"}))

    result = schedule(event, derive_interests(event), FAST)

    assert result.status is SolveStatus.INFEASIBLE
    named = [line for line in result.explanation if line.startswith("topic-runs:")]
    assert named == [
        "topic-runs: 'sa' and 'sb' are runs of one topic: 'sb' cannot take ronde-1 (10:00-11:00), "
        "where 'sa' runs"
    ]
