"""The reach charts: the map colours exactly the cities it is given and knows every G40 member, unknown
names are refused, hostile words are escaped, no chart holds a script or a style, the <desc> carries the
numbers, lines break at a missing value, the meeting graph is the same for the same input, the colours
keep 3:1 against white, the shipped map stays small, and WeasyPrint draws all three."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import lxml.etree
import pypdf
import pytest
import yaml
from markupsafe import Markup

from netwerkdag.publish import reach_charts as charts
from netwerkdag.publish.pdf import accessible_pdf

SVG = "{http://www.w3.org/2000/svg}"
NETWORK = Path(__file__).resolve().parents[2] / "examples" / "g40-haarlem-2023" / "network.yaml"
STEPS = ["niet aanwezig", "1 van 2 dagen", "2 van 2 dagen"]
HOSTILE = '<script>alert("x")</script> & "quotes"'


def parse(svg: Markup) -> lxml.etree._Element:
    return lxml.etree.fromstring(str(svg).encode())


def by_class(root: lxml.etree._Element, tag: str, name: str) -> list[lxml.etree._Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if name in (e.get("class") or "").split()]


def g40_members() -> dict[str, str]:
    network = yaml.safe_load(NETWORK.read_text(encoding="utf-8"))
    return {o["id"]: o["short_name"] for o in network["organisations"] if o.get("member")}


def small_map(**overrides: object) -> Markup:
    arguments: dict[str, object] = {
        "levels": {"haarlem": 2, "leiden": 0, "venlo": 1},
        "names": {"haarlem": "Haarlem", "leiden": "Leiden", "venlo": "Venlo"},
        "steps": STEPS,
        "label": "Leden naar dagen aanwezig",
        "description": "1 van 3 leden was er niet.",
        "svg_id": "reach-map",
    }
    arguments.update(overrides)
    return charts.city_map(**arguments)  # type: ignore[arg-type]


def small_trend(**overrides: object) -> Markup:
    arguments: dict[str, object] = {
        "dates": [date(2023, 2, 10), date(2023, 5, 12), date(2023, 9, 22)],
        "series": [("Pijler A", [50.0, None, 75.0]), ("Pijler B", [10.0, 20.0, 30.0])],
        "label": "Bereik per pijler",
        "description": "Aandeel leden bereikt.",
        "svg_id": "trend",
        "y_max": 100.0,
        "percent": True,
    }
    arguments.update(overrides)
    return charts.trend_lines(**arguments)  # type: ignore[arg-type]


def small_graph(**overrides: object) -> Markup:
    arguments: dict[str, object] = {
        "nodes": [("haarlem", "Haarlem"), ("leiden", "Leiden"), ("venlo", "Venlo"), ("ipo", "IPO")],
        "edges": {("haarlem", "leiden"): 3, ("haarlem", "venlo"): 1},
        "label": "Wie ontmoette wie",
        "description": "IPO ontmoette niemand.",
        "svg_id": "graph",
        "highlight": {"ipo"},
    }
    arguments.update(overrides)
    return charts.meeting_graph(**arguments)  # type: ignore[arg-type]


# --- the map -----------------------------------------------------------------------------------------------


def test_city_map_fills_exactly_the_given_cities_with_their_levels_colour() -> None:
    root = parse(small_map())

    cities = {e.get("data-org"): e.get("fill") for e in by_class(root, "path", "city")}

    colours = charts.level_colours(3)
    assert cities == {"haarlem": colours[2], "leiden": colours[0], "venlo": colours[1]}
    assert len(by_class(root, "path", "province")) == 12
    assert len(by_class(root, "g", "legend-item")) == 3


def test_city_map_draws_every_g40_member_by_its_name() -> None:
    members = g40_members()
    levels = {org: i % 3 for i, org in enumerate(sorted(members))}

    root = parse(small_map(levels=levels, names=members))

    assert len(members) == 41
    assert {e.get("data-org") for e in by_class(root, "path", "city")} == set(members)
    assert len(by_class(root, "g", "markers")[0]) == 41


def test_city_map_refuses_a_name_the_geometry_lacks() -> None:
    with pytest.raises(ValueError, match="Atlantis, Utopia") as caught:
        small_map(
            levels={"a": 0, "b": 1, "haarlem": 1},
            names={"a": "Utopia", "b": "Atlantis", "haarlem": "Haarlem"},
        )

    assert "Haarlem" not in str(caught.value)


def test_city_map_refuses_a_level_outside_the_steps() -> None:
    with pytest.raises(ValueError, match="venlo"):
        small_map(levels={"haarlem": 2, "leiden": 0, "venlo": 3})


def test_city_map_desc_lists_each_level_with_count_and_cities() -> None:
    desc = parse(small_map()).find(f"{SVG}desc")

    assert desc is not None
    assert desc.text == (
        "1 van 3 leden was er niet. niet aanwezig (1): Leiden. 1 van 2 dagen (1): Venlo. "
        "2 van 2 dagen (1): Haarlem."
    )


def test_city_map_attribution_follows_the_language() -> None:
    dutch = parse(small_map())
    english = parse(small_map(locale="en"))

    assert by_class(dutch, "text", "attribution")[0].text == "Kaart: CBS en Kadaster, 2023 (CC BY 4.0)"
    assert by_class(english, "text", "attribution")[0].text == "Map: CBS and Kadaster, 2023 (CC BY 4.0)"


# --- lines over the days ------------------------------------------------------------------------------------


def test_trend_lines_break_at_a_missing_value_and_mark_only_the_values() -> None:
    root = parse(small_trend())

    first, second = by_class(root, "g", "series")
    (path_a,) = first.iter(f"{SVG}path")
    (path_b,) = second.iter(f"{SVG}path")

    assert re.findall("[ML]", path_a.get("d") or "") == ["M", "M"]
    assert re.findall("[ML]", path_b.get("d") or "") == ["M", "L", "L"]
    assert len(first) - 1 == 2  # the path and a marker per value
    assert len(second) - 1 == 3


def test_trend_lines_name_the_days_in_dutch_and_the_values_in_percent() -> None:
    root = parse(small_trend())

    ticks = [e.text for e in by_class(root, "text", "tick")]

    assert ticks == ["0%", "20%", "40%", "60%", "80%", "100%", "10 feb", "12 mei", "22 sep"]


def test_trend_lines_desc_holds_every_value() -> None:
    desc = parse(small_trend(locale="en")).find(f"{SVG}desc")

    assert desc is not None
    assert desc.text == (
        "Aandeel leden bereikt. Pijler A: 10 Feb 50%, 12 May -, 22 Sept 75%. "
        "Pijler B: 10 Feb 10%, 12 May 20%, 22 Sept 30%."
    )


def test_trend_lines_keep_fifteen_series_apart_by_colour_shape_or_dash() -> None:
    series = [(f"Groep {i}", [float(i), float(i + 1)]) for i in range(15)]

    root = parse(small_trend(dates=[date(2023, 2, 10), date(2024, 2, 9)], series=series, y_max=None))

    looks = set()
    for group in by_class(root, "g", "series"):
        path = next(group.iter(f"{SVG}path"))
        mark = group[1]
        looks.add((path.get("stroke"), path.get("stroke-dasharray"), mark.tag, mark.get("points") is None))
    assert len(looks) == 15
    assert len(by_class(root, "g", "legend-item")) == 15


def test_trend_lines_refuse_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="Pijler A"):
        small_trend(series=[("Pijler A", [1.0, 2.0])])


def test_charts_without_data_are_empty() -> None:
    assert small_trend(dates=[], series=[]) == Markup("")
    assert small_graph(nodes=[], edges={}) == Markup("")


# --- who met whom -------------------------------------------------------------------------------------------


def test_meeting_graph_is_the_same_for_the_same_input() -> None:
    assert str(small_graph()) == str(small_graph())


def test_meeting_graph_draws_every_node_a_line_per_pair_and_marks_the_highlighted() -> None:
    root = parse(small_graph())

    nodes = {e.get("data-org"): e for e in by_class(root, "g", "node")}
    pairs = by_class(root, "line", "pair")

    assert set(nodes) == {"haarlem", "leiden", "venlo", "ipo"}
    assert "highlight" in (nodes["ipo"].get("class") or "").split()
    assert nodes["ipo"][1].tag == f"{SVG}polygon"  # a diamond, not a circle
    assert nodes["haarlem"][1].tag == f"{SVG}circle"
    assert sorted((p.get("data-count"), p.get("stroke-width")) for p in pairs) == [("1", "1"), ("3", "5")]


def test_meeting_graph_desc_holds_how_many_others_each_met() -> None:
    desc = parse(small_graph(locale="en")).find(f"{SVG}desc")

    assert desc is not None
    assert desc.text == "IPO ontmoette niemand. Others met: Haarlem 2, IPO 0, Leiden 1, Venlo 1."


def test_meeting_graph_refuses_a_pair_with_an_unknown_organisation() -> None:
    with pytest.raises(ValueError, match="nowhere"):
        small_graph(edges={("haarlem", "nowhere"): 1})


# --- safety and accessibility of every chart ---------------------------------------------------------------


def hostile_charts() -> list[Markup]:
    return [
        small_map(label=HOSTILE, description=HOSTILE, steps=[HOSTILE, "b", "c"]),
        small_trend(label=HOSTILE, description=HOSTILE, series=[(HOSTILE, [1.0, 2.0, 3.0])]),
        small_graph(
            label=HOSTILE,
            description=HOSTILE,
            nodes=[("haarlem", HOSTILE), ("leiden", "L")],
            edges={("haarlem", "leiden"): 1},
        ),
    ]


def test_hostile_words_are_escaped_and_read_back_unchanged() -> None:
    for svg in hostile_charts():
        root = parse(svg)  # well-formed XML: nothing broke out of its text or attribute

        assert "<script" not in str(svg)
        assert root.get("aria-label") == HOSTILE
        assert root.find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]
        assert any((e.text or "").startswith(HOSTILE) for e in root.iter(f"{SVG}text"))


def test_no_chart_has_a_script_a_style_or_an_event_handler() -> None:
    members = g40_members()
    svgs = [
        *hostile_charts(),
        small_map(levels=dict.fromkeys(members, 1), names=members),
        small_trend(),
        small_graph(),
    ]
    for svg in svgs:
        root = parse(svg)
        text = str(svg)

        assert "style=" not in text
        assert "<style" not in text
        assert "<script" not in text
        assert all(not name.startswith("on") for e in root.iter() for name in e.attrib)
        assert root.get("role") == "img"
        assert root.get("aria-describedby") == f"{root.get('id')}-desc"


def test_marks_that_carry_meaning_keep_three_to_one_against_white() -> None:
    marks = [*charts.SERIES_COLOURS, charts.NODE, charts.HIGHLIGHT, charts.EDGE, charts.MUTED]
    for count in range(2, 11):
        marks += charts.level_colours(count)[1:]

    assert min(charts.contrast(c) for c in marks) >= 3.0
    assert charts.contrast(charts.TEXT) >= 4.5
    assert len(set(charts.level_colours(6))) == 6


# --- the shipped map ----------------------------------------------------------------------------------------


def test_shipped_map_is_small_and_complete() -> None:
    data = json.loads(charts.MAP_FILE.read_text(encoding="utf-8"))

    assert charts.MAP_FILE.stat().st_size < 300_000
    assert data["source"]["year"] == charts.MAP_YEAR
    assert len(data["provinces"]) == 12
    assert len(data["municipalities"]) == 342
    assert len({m["name"] for m in data["municipalities"]}) == 342
    assert all(
        0 <= m["centroid"][0] <= data["width"] and 0 <= m["centroid"][1] <= data["height"]
        for m in data["municipalities"]
    )
    assert (charts.MAP_FILE.parent / "NL_MAP_LICENSE.md").is_file()


# --- the PDF ------------------------------------------------------------------------------------------------


def test_weasyprint_draws_all_three_charts() -> None:
    body = "".join(
        f"<h2>{name}</h2>{svg}"
        for name, svg in (
            ("Kaart", small_map(locale="en")),
            ("Lijnen", small_trend(locale="en")),
            ("Graaf", small_graph(locale="en")),
        )
    )
    head = '<meta charset="utf-8"><title>Bereik</title>'
    html = f'<!doctype html><html lang="nl"><head>{head}</head><body>{body}</body></html>'

    pdf = pypdf.PdfReader(io.BytesIO(accessible_pdf(html)))

    text = " ".join(page.extract_text() for page in pdf.pages)
    for words in ("Map: CBS and Kadaster", "Pijler A", "22 Sept", "Met few others", "Venlo"):
        assert words in text
