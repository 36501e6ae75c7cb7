"""The session list and the programme grid as CSV and XLSX: the seed's layout, and no formula injection."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from netwerkdag.core.event import Event
from netwerkdag.publish.tables import grid_csv, sessions_csv, workbook

WHOLE_VENUE = "Hele locatie"

# The printed programme's grid, row by row (times as the Dutch output writes them). Venue-wide parts
# and transfers have their text in the first room column.
SEED_GRID = [
    ["Tijd", "Plenair/Zaal 1", "Zaal 2", "Zaal 3", "Zaal 4", "Zaal 5"],
    ["9.30", "Inloop", "", "", "", ""],
    ["10.00-10.25", "Plenaire start: Burgemeester Wienen en voorzitter Depla", "", "", "", ""],
    ["10.25-10.30", "Verplaatsingstijd", "", "", "", ""],
    [
        "10.30-11.30",
        "",
        "Pijlerbijeenkomst Sociaal",
        "Pijlerbijeenkomst Fysiek",
        "Pijlerbijeenkomst Economie en Werk",
        "Ruimte om te netwerken: hele dag beschikbaar",
    ],
    ["11.30-11.35", "Verplaatsingstijd", "", "", "", ""],
    [
        "11.40-12.40",
        "MKB en economische vernieuwing",
        "Woningmarkt",
        "Wonen, welzijn en zorg",
        "Leefomgeving en stedelijke transformatie",
        "Veiligheid",
    ],
    ["12.45-12.50", "Verplaatsing naar en start van lunch", "", "", "", ""],
    [
        "12.50-13.50",
        "Lunch\nVergadering AB: Bespreking ‘Advies positie Stedennetwerk G40’; de AB-bijeenkomst staat open "
        "voor alle deelnemers",
        "",
        "",
        "",
        "",
    ],
    ["13.50-13.55", "Verplaatsingstijd", "", "", "", ""],
    [
        "13.55-14.55",
        "",
        "Interbestuurlijke samenwerking",
        "Sterke keten van participatie, leren, werken en ondernemen",
        "Slimme duurzame verstedelijking en mobiliteitsvernieuwing",
        "Zorg, Jeugd en Onderwijs",
    ],
    ["14.55-15.00", "Verplaatsingstijd", "", "", "", ""],
    [
        "15.00-16.00",
        "Gesprek met staatssecretaris Eric van der Burg (tot 15.45 uur)",
        "Europa",
        "Vitale binnensteden en werklocaties",
        "Financiën",
        "Duurzaamheid",
    ],
    ["16.00", "Borrel", "", "", "", ""],
]

SESSION_HEADER_NL = [
    "Id",
    "Titel",
    "Soort",
    "Pijler",
    "Themagroep",
    "Dag",
    "Begin",
    "Einde",
    "Zaal",
    "Voorzitters",
    "Gasten en sprekers",
    "Doelgroep",
]

SESSION_ORDER = [
    "inloop-ochtend",
    "opening-plenair",
    "pijler-sociaal",
    "pijler-fysiek",
    "pijler-economie-werk",
    "ruimte-netwerken",
    "thema-mkb-vernieuwing",
    "thema-woningmarkt",
    "thema-wonen-welzijn-zorg",
    "thema-leefomgeving",
    "thema-veiligheid",
    "lunch-gezamenlijk",
    "algemeen-bestuur",
    "thema-interbestuurlijk",
    "thema-sterke-keten",
    "thema-slimme-verstedelijking",
    "thema-zorg-jeugd-onderwijs",
    "gesprek-staatssecretaris",
    "thema-europa",
    "thema-vitale-binnensteden",
    "thema-financien",
    "thema-duurzaamheid",
    "borrel-afsluiting",
]

# Titles a spreadsheet would run as formulas, or that hide one behind a tab.
HOSTILE_TITLES = {
    "opening-plenair": '=HYPERLINK("https://example.org/x","klik")',
    "pijler-sociaal": "+1",
    "pijler-fysiek": "@SUM(A1:A2)",
    "thema-europa": "-2+3",
    "thema-financien": "\t=1+1",
}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _values(sheet: Worksheet) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _open(data: bytes) -> list[Worksheet]:
    return list(load_workbook(io.BytesIO(data)).worksheets)


@pytest.fixture(scope="module")
def hostile(haarlem: Event) -> Event:
    sessions = tuple(
        dataclasses.replace(s, title=HOSTILE_TITLES[s.id]) if s.id in HOSTILE_TITLES else s
        for s in haarlem.sessions
    )
    return dataclasses.replace(haarlem, sessions=sessions)


# --- the session list -----------------------------------------------------------------------------------


def test_sessions_csv_has_the_translated_columns_and_a_row_per_session(haarlem: Event) -> None:
    rows = _rows(sessions_csv(haarlem))

    assert rows[0] == SESSION_HEADER_NL
    assert [row[0] for row in rows[1:]] == SESSION_ORDER
    assert {len(row) for row in rows} == {12}


def test_sessions_csv_in_english(haarlem: Event) -> None:
    rows = _rows(sessions_csv(haarlem, lang="en"))

    assert rows[0] == [
        "Id",
        "Title",
        "Kind",
        "Pillar",
        "Theme group",
        "Day",
        "Start",
        "End",
        "Room",
        "Chairs",
        "Guests and speakers",
        "Audience",
    ]
    assert rows[1][2] == "Get-together"
    assert rows[1][11] == "Everyone"


def test_sessions_csv_rows(haarlem: Event) -> None:
    rows = {row[0]: row for row in _rows(sessions_csv(haarlem))[1:]}

    assert rows["gesprek-staatssecretaris"] == [
        "gesprek-staatssecretaris",
        "Gesprek met staatssecretaris Eric van der Burg",
        "Gesprek",
        "Sociaal",
        "",
        "2023-02-10",
        "15:00",
        "15:45",
        "Plenair/Zaal 1 (Gravenzaal)",
        "",
        "Eric van der Burg",
        "Iedereen",
    ]
    assert rows["thema-woningmarkt"] == [
        "thema-woningmarkt",
        "Woningmarkt",
        "Themagroep",
        "Fysiek",
        "Woningmarkt",
        "2023-02-10",
        "11:40",
        "12:40",
        "Zaal 2",
        "Karin Schrederhof",
        "",
        "Themagroep: Woningmarkt",
    ]
    assert rows["algemeen-bestuur"][8:] == [WHOLE_VENUE, "Arjen Gerritsen", "Bernt Schneiders", "Iedereen"]
    assert rows["lunch-gezamenlijk"][2:9] == ["Maaltijd", "", "", "2023-02-10", "12:50", "13:50", WHOLE_VENUE]
    assert rows["pijler-fysiek"][9] == "Maaike Veeningen, Hanneke Steen, Bas van der Pol"


def test_sessions_csv_audience_summary(haarlem: Event) -> None:
    rows = {row[0]: row for row in _rows(sessions_csv(haarlem))[1:]}

    assert rows["thema-interbestuurlijk"][11] == (
        "Themagroep: Interbestuurlijke samenwerking; "
        "Rol: wethouder, Portefeuille: verstedelijking / woningbouw; "
        "Organisatie: BZK / VNG / IPO"
    )
    assert rows["pijler-sociaal"][11] == "Pijler: Sociaal"
    assert rows["thema-veiligheid"][11] == "Themagroep: Veiligheid; Rol: burgemeester"


def test_sessions_csv_leaves_contact_persons_out(haarlem: Event) -> None:
    # The contacts are participants of this session, so they could leak.
    assert len(haarlem.session("thema-leefomgeving").participants) == 3

    rows = {row[0]: row for row in _rows(sessions_csv(haarlem))[1:]}

    assert rows["thema-leefomgeving"][9:11] == ["", "Gido ten Dolle"]
    assert "Noor van Dijk" not in sessions_csv(haarlem)


def test_sessions_csv_is_rfc4180(haarlem: Event) -> None:
    text = sessions_csv(haarlem)

    assert text.startswith("Id,Titel,")
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 24


# --- the grid -------------------------------------------------------------------------------------------


def test_grid_csv_matches_the_seed_programme_row_by_row(haarlem: Event) -> None:
    assert _rows(grid_csv(haarlem)) == SEED_GRID


def test_grid_csv_in_english(haarlem: Event) -> None:
    rows = _rows(grid_csv(haarlem, lang="en"))

    assert rows[0][0] == "Time"
    assert rows[3] == ["10:25-10:30", "Transfer time", "", "", "", ""]
    assert rows[12][1] == "Gesprek met staatssecretaris Eric van der Burg (until 15:45)"


def test_grid_csv_has_a_day_heading_per_day_and_the_all_day_sessions(haarlem: Event) -> None:
    second_day = dataclasses.replace(
        haarlem.blocks[1],
        id="dag-2",
        start=haarlem.blocks[1].start.replace(day=11),
        end=haarlem.blocks[1].end.replace(day=11),
    )
    open_all_day = dataclasses.replace(
        haarlem.session("ruimte-netwerken"), block=None, all_day=True, end=haarlem.last_end
    )
    sessions = tuple(open_all_day if s.id == "ruimte-netwerken" else s for s in haarlem.sessions)
    event = dataclasses.replace(haarlem, blocks=(*haarlem.blocks, second_day), sessions=sessions)

    rows = _rows(grid_csv(event))

    assert rows[1] == ["vrijdag 10 februari 2023", "", "", "", "", ""]
    assert rows[5][5] == ""
    assert rows[15] == ["Hele dag", "", "", "", "", "Ruimte om te netwerken: hele dag beschikbaar"]
    assert rows[16:] == [
        ["zaterdag 11 februari 2023", "", "", "", "", ""],
        ["10.00-10.25", "Plenair", "", "", "", ""],
    ]


# --- the workbook ---------------------------------------------------------------------------------------


def test_workbook_has_the_programme_and_the_sessions(haarlem: Event) -> None:
    programme, sessions = _open(workbook(haarlem))

    assert (programme.title, sessions.title) == ("Programma", "Sessies")
    assert _values(programme) == SEED_GRID
    assert _values(sessions) == _rows(sessions_csv(haarlem))


def test_workbook_sheet_titles_in_english(haarlem: Event) -> None:
    assert [sheet.title for sheet in _open(workbook(haarlem, lang="en"))] == ["Programme", "Sessions"]


def test_workbook_programme_layout(haarlem: Event) -> None:
    programme = _open(workbook(haarlem))[0]

    # Walk-in, transfers, lunch and drinks span the room columns.
    assert sorted(str(r) for r in programme.merged_cells.ranges) == sorted(
        f"B{row}:F{row}" for row in (2, 4, 6, 8, 9, 10, 12, 14)
    )
    assert all(programme.cell(row=1, column=c).font.bold for c in range(1, 7))
    assert programme.freeze_panes == "B2"
    assert programme.column_dimensions["A"].width == 14
    assert [programme.column_dimensions[c].width for c in "BCDEF"] == [30] * 5
    assert programme.cell(row=9, column=2).alignment.wrap_text


def test_workbook_sessions_sheet_is_a_filtered_table(haarlem: Event) -> None:
    sessions = _open(workbook(haarlem))[1]

    table = sessions.tables["SessionList"]

    assert table.ref == "A1:L24"
    assert table.autoFilter.ref == "A1:L24"
    assert sessions.freeze_panes == "A2"
    assert [c.value for c in sessions[1]] == SESSION_HEADER_NL


# --- formula injection ----------------------------------------------------------------------------------


def test_csv_makes_formula_like_titles_inert(hostile: Event) -> None:
    rows = {row[0]: row for row in _rows(sessions_csv(hostile))[1:]}

    assert rows["opening-plenair"][1] == "'" + HOSTILE_TITLES["opening-plenair"]
    assert rows["pijler-sociaal"][1] == "'+1"
    assert rows["pijler-fysiek"][1] == "'@SUM(A1:A2)"
    assert rows["thema-europa"][1] == "'-2+3"
    assert rows["thema-financien"][1] == "'\t=1+1"
    assert rows["thema-woningmarkt"][1] == "Woningmarkt"


def test_grid_csv_makes_formula_like_cells_inert(hostile: Event) -> None:
    rows = _rows(grid_csv(hostile))

    assert rows[2][1] == "'" + HOSTILE_TITLES["opening-plenair"] + ": Burgemeester Wienen en voorzitter Depla"
    assert rows[4][2:4] == ["'+1", "'@SUM(A1:A2)"]


def test_workbook_stores_formula_like_titles_as_text(hostile: Event) -> None:
    data = workbook(hostile)
    programme, sessions = _open(data)
    by_id = {row[0].value: row for row in sessions.iter_rows(min_row=2)}

    for session_id, title in HOSTILE_TITLES.items():
        cell = by_id[session_id][1]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (title, "s", True)
    grid_cell = programme.cell(row=2 + 1, column=2)
    assert grid_cell.value.startswith("=HYPERLINK(")
    assert grid_cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets
    assert all(b"<f>" not in sheet and b"<f " not in sheet for sheet in sheets)


def test_workbook_plain_titles_are_plain_strings(haarlem: Event) -> None:
    sessions = _open(workbook(haarlem))[1]

    cell = sessions.cell(row=2, column=2)

    assert (cell.value, cell.data_type, cell.quotePrefix) == ("Inloop", "s", False)
