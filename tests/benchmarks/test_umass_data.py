"""The UMass course-survey benchmark's data and converter: the copied files are the ones the README names,
the counts are the data's, and the problem built from them keeps what the docstring says it keeps."""

from __future__ import annotations

import hashlib
import re
import sys
from datetime import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "allocation"))

import umass  # noqa: E402

DATA = umass.DATA


def test_umass_files_match_readme_sha256() -> None:
    sums = dict(
        re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|", (DATA / "README.md").read_text(), re.MULTILINE)
    )

    actual = {name: hashlib.sha256((DATA / name).read_bytes()).hexdigest() for name in sums}

    assert sorted(sums) == sorted(p.name for p in DATA.iterdir() if p.name != "README.md")
    assert actual == sums


@pytest.fixture(scope="module")
def sections() -> dict[str, umass.Section]:
    return umass.read_sections()


@pytest.fixture(scope="module")
def students(sections: dict[str, umass.Section]) -> tuple[list[umass.Student], dict[str, int]]:
    return umass.read_students(sections)


def test_course_list_counts(sections: dict[str, umass.Section]) -> None:
    assert len(sections) == 96
    assert len({s.course for s in sections.values()}) == 65
    assert len({s.pattern for s in sections.values()}) == 26
    assert sum(s.capacity for s in sections.values()) == 7389
    assert sections["102-03"].days == ("Mon", "Wed")
    assert (sections["102-03"].start, sections["102-03"].end) == (time(8, 30), time(9, 45))


def test_survey_counts(students: tuple[list[umass.Student], dict[str, int]]) -> None:
    kept, counts = students

    assert counts["survey_rows"] == 1061
    assert counts["rating_columns"] == 108
    assert counts["rating_columns_with_a_section"] == 96
    assert counts["dropped: no number of courses or status"] == 252
    assert len(kept) == counts["students"] == 700
    assert all(2 <= r <= 8 for st in kept for r in st.ratings.values())
    assert all(1 <= st.wanted <= umass.MAX_COURSES[st.status] for st in kept)


def test_repeated_header_names_map_to_their_own_sections() -> None:
    columns = umass._survey_columns()

    assert columns["7 _1"] == "102-01"
    assert columns["7 _1.1"] == "101-01"
    assert columns["7 _19"] == "301-01"  # "301-01,02": the first section


def test_ratings_become_ranks_8_first() -> None:
    assert umass.RANK_OF_RATING[8] == 1
    assert umass.RANK_OF_RATING[7] == 2
    assert umass.RANK_OF_RATING[2] == 7
    assert 1 not in umass.RANK_OF_RATING


def test_top_k_asks_at_most_the_courses_wanted(
    sections: dict[str, umass.Section], students: tuple[list[umass.Student], dict[str, int]]
) -> None:
    kept, _ = students
    problem = umass.problem(kept, sections, "top-k")

    assert all(problem.asks(st.id) <= st.wanted for st in kept)
    assert all(len({sections[s].course for s in problem.ranks[st.id]}) <= st.wanted for st in kept)


def test_preferred_covers_five_courses_with_ties(sections: dict[str, umass.Section]) -> None:
    ratings = {
        "101-01": 8,
        "102-01": 7,
        "102-02": 7,
        "103-01": 6,
        "104-01": 5,
        "105-01": 5,
        "201-01": 5,
        "202-01": 2,
    }
    student = umass.Student("s0", 1, 2, ratings)

    picked = umass.choices(student, sections, "preferred")

    # 101, 102, 103 then the tie at 5 (104, 105, 201) reaches five courses; 202 (rated 2) is left out.
    assert set(picked) == set(ratings) - {"202-01"}
    assert picked["101-01"] == 1
    assert picked["104-01"] == 4


def test_clashes_count_overlaps_across_rounds_only() -> None:
    a = umass.Section("a-01", "a", 10, ("Mon", "Wed"), time(12, 20), time(13, 35))
    b = umass.Section("b-01", "b", 10, ("Mon", "Wed", "Fri"), time(13, 25), time(14, 15))
    c = umass.Section("c-01", "c", 10, ("Tue",), time(13, 0), time(14, 0))
    sections = {s.id: s for s in (a, b, c)}

    found = umass.clashes(sections, {"s1": frozenset({"a-01", "b-01"}), "s2": frozenset({"a-01", "c-01"})})

    assert found == {"overlapping_pairs_in_other_rounds": 1, "students_given_an_overlap": 1}
