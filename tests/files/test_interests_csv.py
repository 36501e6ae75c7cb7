"""Interests files (`files.interests_csv`): a table with the header person,session[,weight], as CSV (with
`,` or `;`) or .xlsx, read by the same reader as every upload. A good file is read whole; a bad one yields
every problem at once, each at file:row:column, and nothing is read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.files.bombs import workbook

from netwerkdag.core.event import Event
from netwerkdag.core.interests import WANTS, Interest, Reason
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.interests_csv import parse_interests, read_interests

if TYPE_CHECKING:
    from tests.conftest import RunCli

NAME = "belangstelling.csv"


def problems_of(text: str, event: Event) -> list[Problem]:
    with pytest.raises(NetwerkdagError) as caught:
        parse_interests(text, NAME, event)
    return caught.value.problems


def where(problems: list[Problem]) -> list[tuple[str, int, int, str]]:
    """Each problem as (file, row, column, code)."""
    found = []
    for p in problems:
        assert p.location is not None, p
        found.append((p.location.file, p.location.line, p.location.column, p.code))
    return found


# --- good files -------------------------------------------------------------------------------------------


def test_reads_rows_with_weights(haarlem: Event) -> None:
    text = "person,session,weight\npaul-depla,thema-woningmarkt,10\nkarin-schrederhof,thema-veiligheid,1\n"

    interests = parse_interests(text, NAME, haarlem)

    assert interests == [
        Interest("paul-depla", "thema-woningmarkt", 10, Reason.FILE),
        Interest("karin-schrederhof", "thema-veiligheid", 1, Reason.FILE),
    ]


def test_reads_rows_without_the_weight_column(haarlem: Event) -> None:
    interests = parse_interests("person,session\npaul-depla,thema-woningmarkt\n", NAME, haarlem)

    assert interests == [Interest("paul-depla", "thema-woningmarkt", WANTS, Reason.FILE)]


def test_an_empty_weight_is_the_default(haarlem: Event) -> None:
    interests = parse_interests("person,session,weight\npaul-depla,thema-woningmarkt,\n", NAME, haarlem)

    assert [i.weight for i in interests] == [WANTS]


def test_weight_bounds_are_accepted(haarlem: Event) -> None:
    text = "person,session,weight\nanna,thema-woningmarkt,1\nbert,thema-woningmarkt,100\n"

    assert [i.weight for i in parse_interests(text, NAME, haarlem)] == [1, 100]


def test_header_case_spaces_blank_lines_and_crlf_are_accepted(haarlem: Event) -> None:
    text = "Person, Session , WEIGHT\r\n\r\npaul-depla , thema-woningmarkt , 10 \r\n\r\n\r\n"

    interests = parse_interests(text, NAME, haarlem)

    assert interests == [Interest("paul-depla", "thema-woningmarkt", 10, Reason.FILE)]


def test_a_person_outside_the_network_is_accepted(haarlem: Event) -> None:
    assert not haarlem.network.has_person("gast-van-buiten")

    interests = parse_interests("person,session\ngast-van-buiten,thema-woningmarkt\n", NAME, haarlem)

    assert [i.person for i in interests] == ["gast-van-buiten"]


def test_a_header_alone_yields_nothing(haarlem: Event) -> None:
    assert parse_interests("person,session,weight\n", NAME, haarlem) == []


def test_read_interests_skips_a_bom(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.csv"
    path.write_bytes("person,session,weight\npaul-depla,thema-woningmarkt,10\n".encode("utf-8-sig"))

    assert read_interests(path, haarlem) == [Interest("paul-depla", "thema-woningmarkt", 10, Reason.FILE)]


def test_read_interests_of_a_plain_file(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.csv"
    path.write_text("person,session\n\nwim-willems,thema-veiligheid\n", encoding="utf-8")

    assert read_interests(path, haarlem) == [Interest("wim-willems", "thema-veiligheid", WANTS, Reason.FILE)]


def test_semicolons_as_excel_writes_them_in_dutch(haarlem: Event) -> None:
    text = "person;session;weight\r\npaul-depla;thema-woningmarkt;10\r\nanna;thema-veiligheid;\r\n"

    interests = parse_interests(text, NAME, haarlem)

    assert interests == [
        Interest("paul-depla", "thema-woningmarkt", 10, Reason.FILE),
        Interest("anna", "thema-veiligheid", WANTS, Reason.FILE),
    ]


def test_read_interests_of_a_semicolon_file_with_a_bom(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.csv"
    path.write_bytes("person;session\nwim-willems;thema-veiligheid\n".encode("utf-8-sig"))

    assert read_interests(path, haarlem) == [Interest("wim-willems", "thema-veiligheid", WANTS, Reason.FILE)]


def test_read_interests_of_a_workbook(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.xlsx"
    path.write_bytes(
        workbook(
            ["person", "session", "weight"],
            ["paul-depla", "thema-woningmarkt", 10],
            [],
            ["anna", "thema-veiligheid"],
        )
    )

    assert read_interests(path, haarlem) == [
        Interest("paul-depla", "thema-woningmarkt", 10, Reason.FILE),
        Interest("anna", "thema-veiligheid", WANTS, Reason.FILE),
    ]


def test_read_interests_of_a_workbook_saved_under_a_csv_name(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.csv"
    path.write_bytes(workbook(["person", "session"], ["anna", "thema-veiligheid"]))

    assert read_interests(path, haarlem) == [Interest("anna", "thema-veiligheid", WANTS, Reason.FILE)]


# --- bad files: every problem, located, and nothing read ---------------------------------------------------


def test_unknown_session_is_at_column_2(haarlem: Event) -> None:
    problems = problems_of(
        "person,session\npaul-depla,thema-woningmarkt\npaul-depla,thema-bestaat-niet\n", haarlem
    )

    assert where(problems) == [(NAME, 3, 2, "unknown-session")]
    assert "thema-bestaat-niet" in problems[0].message


@pytest.mark.parametrize("weight", ["0", "101", "x", "-1", "3.5", "1e2"])
def test_bad_weight_is_at_column_3(haarlem: Event, weight: str) -> None:
    problems = problems_of(f"person,session,weight\npaul-depla,thema-woningmarkt,{weight}\n", haarlem)

    assert where(problems) == [(NAME, 2, 3, "bad-weight")]
    assert f"'{weight}'" in problems[0].message


def test_superscript_digit_weight_is_a_bad_weight(haarlem: Event) -> None:
    problems = problems_of("person,session,weight\npaul-depla,thema-woningmarkt,²\n", haarlem)

    assert where(problems) == [(NAME, 2, 3, "bad-weight")]


@pytest.mark.parametrize(
    "header",
    [
        "persoon,sessie,gewicht",
        "session,person",
        "person",
        "person,session,weight,note",
        "person;session;weight",
    ],
)
def test_wrong_header_is_at_row_1(haarlem: Event, header: str) -> None:
    problems = problems_of(f"{header}\npaul-depla,thema-woningmarkt\n", haarlem)

    assert where(problems) == [(NAME, 1, 1, "bad-header")]


@pytest.mark.parametrize(
    ("header", "row", "count"),
    [
        ("person,session,weight", "paul-depla", 1),
        ("person,session,weight", "paul-depla,thema-woningmarkt,3,extra", 4),
        ("person,session", "paul-depla,thema-woningmarkt,3", 3),
    ],
)
def test_wrong_field_count_is_reported_at_its_row(haarlem: Event, header: str, row: str, count: int) -> None:
    problems = problems_of(f"{header}\npaul-depla,thema-woningmarkt\n{row}\n", haarlem)

    assert where(problems) == [(NAME, 3, 1, "bad-row")]
    assert f"{count} fields" in problems[0].message


def test_empty_person_is_at_column_1(haarlem: Event) -> None:
    problems = problems_of("person,session\n  ,thema-woningmarkt\n", haarlem)

    assert where(problems) == [(NAME, 2, 1, "bad-person")]


@pytest.mark.parametrize("text", ["", "\n", ",,\n"])
def test_empty_file(haarlem: Event, text: str) -> None:
    problems = problems_of(text, haarlem)

    assert where(problems) == [(NAME, 1, 1, "empty-file")]


def test_every_problem_at_once_in_row_order_and_nothing_read(haarlem: Event) -> None:
    text = (
        "person,session,weight\n"
        "paul-depla,thema-woningmarkt,10\n"  # 2: good
        "paul-depla,thema-onbekend,10\n"  # 3: unknown session
        "\n"  # 4: blank, skipped but counted
        "anna,thema-veiligheid,0\n"  # 5: weight too small
        "anna,thema-veiligheid,101\n"  # 6: weight too large
        "anna,thema-veiligheid,x\n"  # 7: not a number
        "anna\n"  # 8: one field
        "bert,thema-veiligheid,3\n"  # 9: good
    )

    problems = problems_of(text, haarlem)

    assert where(problems) == [
        (NAME, 3, 2, "unknown-session"),
        (NAME, 5, 3, "bad-weight"),
        (NAME, 6, 3, "bad-weight"),
        (NAME, 7, 3, "bad-weight"),
        (NAME, 8, 1, "bad-row"),
    ]
    assert all(p.hint for p in problems)


def test_more_than_100_problems_are_capped(haarlem: Event) -> None:
    text = "person,session\n" + "".join(f"p-{i},thema-onbekend\n" for i in range(150))

    problems = problems_of(text, haarlem)

    assert len(problems) == 101
    assert problems[-1].code == "too-many-problems"
    assert "50 more" in problems[-1].message


def test_read_interests_reports_non_utf8_at_its_row(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.csv"
    path.write_bytes(b"person,session\npaul-depla,thema-woningmarkt\nJos\xe9,thema-veiligheid\n")

    with pytest.raises(NetwerkdagError) as caught:
        read_interests(path, haarlem)

    (problem,) = caught.value.problems
    assert problem.code == "not-utf8"
    assert problem.location == Location(str(path), 3, 1)
    assert "0xe9" in problem.message


def test_problems_of_a_workbook_are_at_its_rows_and_columns(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.xlsx"
    path.write_bytes(
        workbook(
            ["person", "session", "weight"],
            ["paul-depla", "thema-onbekend", 10],
            [],
            ["anna", "thema-veiligheid", 3.5],
        )
    )

    with pytest.raises(NetwerkdagError) as caught:
        read_interests(path, haarlem)

    assert where(caught.value.problems) == [
        (str(path), 2, 2, "unknown-session"),
        (str(path), 4, 3, "bad-weight"),
    ]
    assert "'3.5'" in caught.value.problems[1].message


def test_semicolon_rows_are_located_like_comma_rows(haarlem: Event) -> None:
    problems = problems_of("person;session;weight\npaul-depla;thema-onbekend;10\n", haarlem)

    assert where(problems) == [(NAME, 2, 2, "unknown-session")]


def test_read_interests_reports_row_problems_with_the_path(tmp_path: Path, haarlem: Event) -> None:
    path = tmp_path / "interests.csv"
    path.write_text("person,session,weight\npaul-depla,thema-woningmarkt,0\n", encoding="utf-8")

    with pytest.raises(NetwerkdagError) as caught:
        read_interests(path, haarlem)

    assert [p.location for p in caught.value.problems] == [Location(str(path), 2, 3)]


def test_read_interests_of_a_missing_file(tmp_path: Path, haarlem: Event) -> None:
    with pytest.raises(NetwerkdagError) as caught:
        read_interests(tmp_path / "bestaat-niet.csv", haarlem)

    assert [p.code for p in caught.value.problems] == ["file-unreadable"]


# --- on the command line ----------------------------------------------------------------------------------


def test_check_with_a_bad_interests_file(run_cli: RunCli, tmp_path: Path, haarlem_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(
        "person,session,weight\npaul-depla,thema-woningmarkt,10\npaul-depla,thema-onbekend\n"
        "anna,thema-veiligheid,101\n",
        encoding="utf-8",
    )

    result = run_cli("check", str(haarlem_path), "--interests", "bad.csv", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error ")]
    assert errors[0].startswith("error bad.csv:3:2: ")
    assert "[unknown-session]" in errors[0]
    assert errors[1].startswith("error bad.csv:4:3: ")
    assert "[bad-weight]" in errors[1]
    assert len(errors) == 2
    assert result.stdout == ""
