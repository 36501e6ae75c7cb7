"""The Slalom 2022 converter: the survey's attendees, the notebook's topics and ranks, the three instances
as event folders, and the author's two published plans scored by our rules and cost at the notebook's
objectives (8 for the hybrid plan, 1068 for the fixed-modes plan)."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import pytest

from netwerkdag.files.load import load_event
from netwerkdag.files.preferences_csv import read_preferences
from netwerkdag.scheduling import allocation

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "allocation"))

import slalom  # noqa: E402
import slalom2022  # noqa: E402


def test_2022_attendees_topics_and_ranks_are_the_notebooks() -> None:
    instance = slalom.read_instance(2022)
    modes = Counter(slalom2022.virtual_people().values())

    assert len(slalom._rows("selections_2022.csv")) - 1 == 483
    assert len(instance.ranks) == 427
    assert modes == {False: 279, True: 148}
    assert len(instance.names) == 11
    # Re-ranked after the drops and merges: no gaps, at most the number of topics.
    assert {r for ranks in instance.ranks.values() for r in ranks.values()} == set(range(1, 12))
    for ranks in instance.ranks.values():
        values = sorted(ranks.values())
        assert values[0] == 1
        assert all(v == 1 + values.index(v) for v in values)


def test_2022_merge_takes_the_better_rank_only_when_the_kept_topic_was_ranked() -> None:
    instance = slalom.read_instance(2022)

    # Row 4 ranks Starbucks (merged) 1st and Modern Portfolio Management (kept) 13th: the better counts.
    assert instance.ranks["p4"]["modern-portfolio-management"] == 1
    # Row 145 ranks Starbucks 1st and leaves Modern Portfolio Management out: the notebook's min of a
    # missing value and 1 is missing, so the merged topic is last (11), not first.
    assert instance.ranks["p145"]["modern-portfolio-management"] == 11


def problem_of(folder: Path) -> allocation.Problem:
    event = load_event(folder)
    offers = allocation.offers_of(event)
    choices = frozenset(o.session for o in offers) | frozenset(o.topic for o in offers)
    return allocation.problem_of(event, read_preferences(folder / "preferences.csv", choices))


@pytest.fixture(scope="module")
def hybrid(tmp_path_factory: pytest.TempPathFactory) -> allocation.Problem:
    return problem_of(slalom2022.convert("hybrid", tmp_path_factory.mktemp("s22") / "hybrid").parent)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> allocation.Problem:
    return problem_of(slalom2022.convert("fixed-modes", tmp_path_factory.mktemp("s22") / "fixed").parent)


def test_hybrid_instance_has_online_runs_except_the_closed_ones(hybrid: allocation.Problem) -> None:
    online = [o for o in hybrid.offers if o.session.endswith("-online")]
    virtual = {p for p, v in slalom2022.virtual_people().items() if v}

    assert len(hybrid.offers) == 33 + 33 - len(slalom2022.CLOSED_TO_VIRTUAL) == 55
    assert len(online) == 22
    assert {len(r) for p, r in hybrid.ranks.items() if p in virtual} == {22}
    assert {len(r) for p, r in hybrid.ranks.items() if p not in virtual} == {33}
    assert all(s.endswith("-online") for p in virtual for s in hybrid.ranks[p])


def test_published_hybrid_plan_scores_the_notebooks_8_and_keeps_our_rules(hybrid: allocation.Problem) -> None:
    scored = slalom2022.judge(hybrid, slalom2022.published_allocation("hybrid"), slalom2022.COSTS)

    assert scored["cost"] == 8
    assert scored["valid"] is True
    assert scored["seats"] == 3 * 427
    assert scored["runs_under_15"] == 0


def test_published_fixed_modes_plan_scores_the_notebooks_1068(fixed: allocation.Problem) -> None:
    scored = slalom2022.judge(fixed, slalom2022.published_allocation("fixed-modes"), slalom2022.COSTS)

    assert len(fixed.offers) == 33
    assert scored["cost"] == 1068
    assert scored["valid"] is True


def test_the_hybrid_plan_breaks_the_fixed_modes_instance(fixed: allocation.Problem) -> None:
    # The same plan judged where each run has one mode: its virtual attendees sit in runs that are not
    # online, which the judge counts apart instead of failing.
    scored = slalom2022.judge(fixed, slalom2022.published_allocation("hybrid"), slalom2022.COSTS)

    assert scored["not_offered"] > 0
    assert scored["valid"] is False


def test_convert_writes_preferences_by_session_for_each_mode(tmp_path: Path) -> None:
    path = slalom2022.convert("fixed-modes", tmp_path / "f")
    with (path.parent / "preferences.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    per_person = Counter(row["person"] for row in rows)

    # 10 virtual runs (3, 4 and 3 a round), 23 in person: the notebook's s_sol.
    assert sum(map(sum, slalom2022.VIRTUAL_RUNS)) == 10
    assert set(per_person.values()) == {10, 23}
    assert len(per_person) == 427


def test_convert_refuses_an_unknown_variant(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no variant"):
        slalom2022.convert("virtual-chosen", tmp_path)
