"""The UMass Amherst course-allocation survey (Fall 2024) as an allocation problem: what of it our model
holds, solved with our `solve`, and what was left out.

    .venv/bin/python benchmarks/allocation/umass.py            # both readings, JSON in benchmarks/results

The data (`benchmarks/data/umass-course-allocation/`, MIT, Fair-and-Explainable-Decision-Making/
course-allocation-data, see the folder's README): 1,061 anonymous survey rows (the upstream README says
1,063), each with the student's status (question 1: 1-4 undergraduate years, 5 MS, 6 PhD), how many
courses they mean to keep (question 3), the hours they would rather avoid (question 5) and a rating of
each of 108 course sections (question 7: 1 not interested .. 7 very interested, 8 needed for a major
requirement); `survey_column_mapping.csv` names each rating column's course and section;
`anonymized_courses.xlsx` gives each section's seats (`Enrl Capacity`), days and time.

**What maps to our model** (built as an `allocation.Problem` in this process, not as an event file: a
semester's weekly timetable is not a one-day programme):

- a student is a person (`s<row>`, the survey row counted from 0); a student is kept when they said how
  many courses they keep and rated a kept section 2 or more (the upstream code skips those without
  question 3 too);
- a section is a session with its seats; its course (catalog number) is its `topic`, so nobody gets two
  sections of one course (upstream: `MutualExclusivityConstraint`); the sections in the survey but not in
  the course list (by arrangement, or without seats) are dropped, as upstream drops them;
- a *round* is a meeting pattern: the sections with the same days and times (`Tue Thu 01:00 PM - 02:15
  PM`) exclude each other as one round does;
- ratings become ranks: 8 (needed) rank 1, 7 rank 2, ... 2 rank 7; 1 (not interested) and blank are no
  choice. The rank cost is ours by default, rank - 1.

Two readings of which sections a student asks for, because our model has no number of seats per
person (a person asks for as many seats as their choices fill with one per round and distinct topics):

- **preferred**: the upstream `top_preferred` set (its `pref_thresh` 5): the sections rated at least the
  level at which the student's best-rated sections cover 5 courses (ties included); upstream lets the
  student take up to their question-3 number of them (capped 6 for undergraduates, 4 for graduate
  students). We cannot cap, so a student may get more courses than they want; how many do is reported
  (`over_wanted`).
- **top-k**: the sections of the student's k best-rated courses (k = that capped question-3 number, ties
  broken by the survey's column order): a student asks for at most k seats, but cannot get a course
  outside those k when one is full.

**Left out, and why**: overlaps between different meeting patterns (`Mon Wed 12:20-1:35` and `Mon Wed
Fri 1:25-2:15` share Monday 1:25-1:35): our rounds are a partition of time, not an interval graph; the
pairs of sections that overlap but sit in different rounds are counted, and so are the students our
allocation gives two overlapping sections (`time_clashes`). The cardinal ratings are used only for their
order (our objective is a rank cost; upstream's Yankee Swap maximises the number of wanted courses with
a fairness rule, not a weighted sum). Question 5 (hours to avoid), credits and budgets, status-based
eligibility, the add/drop period (question 2) and complementarities between courses have no counterpart.
There is no published optimum to compare with: objective, bound, gap and time are ours.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import slalom

from netwerkdag.scheduling import allocation

__all__ = [
    "DATA",
    "READINGS",
    "Section",
    "Student",
    "clashes",
    "main",
    "problem",
    "read_sections",
    "read_students",
]

ROOT = slalom.ROOT
DATA = ROOT / "benchmarks" / "data" / "umass-course-allocation"
READINGS = ("preferred", "top-k")
#: Upstream's `pref_thresh`: the preferred set covers this many courses (ties included).
PREFERRED_COURSES = 5
#: Upstream's `status_max_course_map`: the most courses a student of each status takes.
MAX_COURSES = {1: 6, 2: 6, 3: 6, 4: 6, 5: 4, 6: 4}
#: Rating 8 ("needed for a requirement") is rank 1, 7 rank 2, ..., 2 rank 7.
RANK_OF_RATING = {r: 9 - r for r in range(2, 9)}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


@dataclass(frozen=True, slots=True)
class Section:
    """A course section of the course list: id `<course>-<section>`, its seats and its meeting."""

    id: str
    course: str
    capacity: int
    days: tuple[str, ...]
    start: time
    end: time

    @property
    def pattern(self) -> str:
        """The round of the section: its days and times as the course list writes them."""
        return f"{' '.join(self.days)} {self.start:%H:%M}-{self.end:%H:%M}"

    def overlaps(self, other: Section) -> bool:
        return bool(set(self.days) & set(other.days)) and self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Student:
    """A kept survey row: its status, the number of courses wanted (capped), the ratings of sections."""

    id: str
    status: int
    wanted: int
    ratings: Mapping[str, int]


def _time(text: str) -> time:
    return datetime.strptime(text.strip(), "%I:%M %p").time()


def read_sections() -> dict[str, Section]:
    """The course list's sections with seats and a meeting time, by id."""
    from openpyxl import load_workbook

    sheet = load_workbook(DATA / "anonymized_courses.xlsx", read_only=True).active
    assert sheet is not None
    found = {}
    rows = sheet.iter_rows(values_only=True)
    header = [str(c) for c in next(rows)]
    col = {
        name: header.index(name) for name in ("Catalog", "Enrl Capacity", "Section", "zc.days", "Mtg Time")
    }
    for row in rows:
        start, _, end = str(row[col["Mtg Time"]]).partition(" - ")
        section = Section(
            id=f"{row[col['Catalog']]}-{row[col['Section']]}",
            course=str(row[col["Catalog"]]),
            capacity=int(row[col["Enrl Capacity"]]),
            days=tuple(str(row[col["zc.days"]]).split()),
            start=_time(start),
            end=_time(end),
        )
        found[section.id] = section
    return found


def _survey_columns() -> dict[str, str]:
    """Rating column (as pandas names it: a repeated header gets `.1`) -> section id `<course>-<nn>`;
    a column whose course has no section number (`DEPT 106`) is section 01, one listing two
    sections (`301-01,02`) is its first, as upstream's parser reads them."""
    found = {}
    with (DATA / "survey_column_mapping.csv").open(encoding="utf-8-sig") as f:
        for line in f.read().splitlines()[1:]:
            question, _, description = line.partition("|")
            match = re.search(r"Course:(?:\s|&nbsp;|</strong>)*DEPT\s+([0-9]+)(?:-([0-9]+))?", description)
            if question.startswith("7") and match:
                found[question] = f"{match.group(1)}-{match.group(2) or '01'}"
    return found


def _header_names(header: Sequence[str]) -> list[str]:
    seen: Counter[str] = Counter()
    names = []
    for name in header:
        names.append(f"{name}.{seen[name]}" if seen[name] else name)
        seen[name] += 1
    return names


def read_students(sections: Mapping[str, Section]) -> tuple[list[Student], dict[str, int]]:
    """The kept students and counts of what was read and dropped."""
    columns = _survey_columns()
    with (DATA / "survey_data.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    names = _header_names(rows[0])
    rated = [(i, columns[n]) for i, n in enumerate(names) if n in columns]
    kept_columns = [(i, s) for i, s in rated if s in sections]
    students = []
    dropped = Counter[str]()
    for number, row in enumerate(rows[1:]):
        status, keep = row[names.index("1")], row[names.index("3")]
        if not keep.isdigit() or not status.isdigit():
            dropped["no number of courses or status"] += 1
            continue
        ratings = {s: int(row[i]) for i, s in kept_columns if row[i].isdigit() and int(row[i]) >= 2}
        if not ratings:
            dropped["no section rated 2 or more"] += 1
            continue
        wanted = min(int(keep), MAX_COURSES[int(status)])
        students.append(Student(f"s{number}", int(status), wanted, ratings))
    counts = {
        "survey_rows": len(rows) - 1,
        "rating_columns": len(rated),
        "rating_columns_with_a_section": len(kept_columns),
        "students": len(students),
        **{f"dropped: {k}": v for k, v in sorted(dropped.items())},
    }
    return students, counts


def choices(student: Student, sections: Mapping[str, Section], reading: str) -> dict[str, int]:
    """Section id -> rank the student asks for under the reading (see the module's docstring)."""
    ranked = sorted(student.ratings.items(), key=lambda kv: -kv[1])  # stable: column order breaks ties
    if reading == "preferred":
        courses: set[str] = set()
        level = ranked[-1][1]
        for _, rating in ranked:
            courses |= {sections[s].course for s, r in ranked if r == rating}
            if len(courses) >= PREFERRED_COURSES:
                level = rating
                break
        picked = {s for s, r in ranked if r >= level}
    elif reading == "top-k":
        best: list[str] = []
        for s, _ in ranked:
            if sections[s].course not in best:
                best.append(sections[s].course)
        keep = set(best[: student.wanted])
        picked = {s for s, _ in ranked if sections[s].course in keep}
    else:
        raise ValueError(f"no reading {reading!r}; one of {', '.join(READINGS)}")
    return {s: RANK_OF_RATING[student.ratings[s]] for s in picked}


def problem(students: Sequence[Student], sections: Mapping[str, Section], reading: str) -> allocation.Problem:
    """The allocation problem of the reading: sections as offers (round = meeting pattern, topic =
    course), the students' choices as ranks."""
    offers = tuple(
        allocation.Offer(s.id, s.pattern, s.course, s.capacity)
        for s in sorted(sections.values(), key=lambda s: s.id)
    )
    return allocation.Problem(offers, {st.id: choices(st, sections, reading) for st in students})


def clashes(sections: Mapping[str, Section], given: Mapping[str, frozenset[str]]) -> dict[str, int]:
    """Pairs of sections that overlap in time but sit in different rounds (the catalogue's, and the
    students our allocation gives such a pair)."""
    pairs = {
        frozenset((a.id, b.id))
        for a, b in combinations(sections.values(), 2)
        if a.pattern != b.pattern and a.overlaps(b)
    }
    students = sum(
        1 for ss in given.values() if any(frozenset(p) in pairs for p in combinations(sorted(ss), 2))
    )
    return {"overlapping_pairs_in_other_rounds": len(pairs), "students_given_an_overlap": students}


def run(reading: str, *, time_limit_s: float) -> dict[str, Any]:
    sections = read_sections()
    students, counts = read_students(sections)
    built = problem(students, sections, reading)
    result = allocation.solve(built, (), time_limit=time_limit_s, workers=2)
    wanted = {st.id: st.wanted for st in students}
    given = result.allocation
    got: Counter[int] = Counter(built.ranks[p][s] for p, ss in given.items() for s in ss)
    per_person_asks = [built.asks(p) for p in built.people]
    return {
        "reading": reading,
        "read": counts,
        "sections": len(sections),
        "courses": len({s.course for s in sections.values()}),
        "rounds": len({s.pattern for s in sections.values()}),
        "seats": sum(s.capacity for s in sections.values()),
        "people": len(built.people),
        "choices": sum(len(r) for r in built.ranks.values()),
        "wanted_courses": sum(wanted.values()),
        "asked": result.asked,
        "asks_per_person": dict(sorted(Counter(per_person_asks).items())),
        "ours": {
            "status": result.status.value,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "wall_s": round(result.wall_s, 3),
            "assigned": result.assigned,
            "unassigned": result.unassigned,
        },
        "broken": len(allocation.check(built, given)),
        "rank_distribution": {str(r): got[r] for r in sorted(got)},
        "over_wanted": {
            "students": sum(1 for p, ss in given.items() if len(ss) > wanted[p]),
            "seats": sum(max(0, len(ss) - wanted[p]) for p, ss in given.items()),
        },
        "students_without_a_seat": sum(1 for p in built.people if not given.get(p)),
        "full_sections": sum(
            1
            for o in built.offers
            if o.capacity is not None and sum(1 for ss in given.values() if o.session in ss) >= o.capacity
        ),
        "time_clashes": clashes(sections, given),
    }


def _print_table(rows: Sequence[Mapping[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    first = rows[0]
    table = Table(
        title=f"UMass course survey: {first['people']} students, {first['sections']} sections of "
        f"{first['courses']} courses in {first['rounds']} meeting patterns, {first['seats']} seats"
    )
    for column in (
        "reading",
        "asked",
        "status",
        "seats given",
        "rank cost",
        "bound",
        "gap",
        "wall_s",
        "over wanted",
        "clashes",
    ):
        table.add_column(column)
    for row in rows:
        ours = row["ours"]
        table.add_row(
            row["reading"],
            str(row["asked"]),
            ours["status"],
            str(ours["assigned"]),
            str(ours["objective"]),
            str(ours["bound"]),
            "-" if ours["gap"] is None else f"{ours['gap']:.4f}",
            str(ours["wall_s"]),
            f"{row['over_wanted']['students']} ({row['over_wanted']['seats']} seats)",
            str(row["time_clashes"]["students_given_an_overlap"]),
        )
    Console(width=170).print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--reading", choices=READINGS, action="append")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    date = dt.date.today().isoformat()
    machine = slalom.machine()
    rows = [run(r, time_limit_s=args.time_limit) for r in args.reading or READINGS]
    report = {
        "benchmark": "allocation-umass",
        "date": date,
        "commit": slalom.git("rev-parse", "HEAD"),
        "dirty": bool(slalom.git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine,
        "time_limit_s": args.time_limit,
        "runs": rows,
    }
    _print_table(rows)
    out = args.out or ROOT / "benchmarks" / "results" / f"allocation-umass-{date}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
