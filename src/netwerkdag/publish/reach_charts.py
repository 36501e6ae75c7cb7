"""The reach charts as SVG: a map of the Netherlands with the member cities coloured by a level (days
present), lines over the network days (the share of a pillar's or group's members reached), and the graph
of who met whom. The web page and the board's PDF (WeasyPrint) show the same SVG text.

The rules of the dashboard's charts (web/charts.py) hold here too: every text and attribute is escaped,
each chart is one image for assistive technology (`role="img"`, an `aria-label`, a <title> and a <desc>
that carries the numbers), and there is no script, no style attribute and no <style> element (the
Content-Security-Policy forbids them). Unlike the dashboard's charts, these colour themselves with SVG
presentation attributes (`fill="#.."`), so that the PDF needs no stylesheet; every part carries a class as
well, so that a page may restyle it.

Colours come from fixed, colour-blind-safe palettes, and every mark that carries meaning has a contrast of
at least 3:1 against white (WCAG 1.4.11); meaning never rests on colour alone: the map repeats a city's
level in the shape of its marker, each line has its own marker shape, the graph marks highlighted
organisations with another shape, and every chart has a legend in words (the page shows a table too).

The charts scale with the page (a viewBox, `width="100%"`): their text is sized so that it is still about
12 px at 360 px wide, a phone's width. The map's geometry is `data/nl_map.json` (tools/make_nl_map.py,
licence in data/NL_MAP_LICENSE.md), read once; nothing is fetched.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from netwerkdag.publish import svg
from netwerkdag.publish.i18n import translations

MAP_FILE = Path(__file__).resolve().parent / "data" / "nl_map.json"
#: The year of the shipped boundaries (named in errors: a city formed later is not in the map).
MAP_YEAR = 2023

#: Every chart is this many units wide; text sizes below are in these units (at 360 px, 0.6 px each).
WIDTH = 600
FONT = 20
TICK = 17
SMALL = 15
ROW = 30

TEXT = "#1a1a1a"
#: Axes and outlines that carry meaning: 7:1 against white.
MUTED = "#595959"
GRID = "#dcdcdc"
PROVINCE_FILL = "#eeeeee"
PROVINCE_LINE = "#ffffff"
#: The map's levels above the lowest: ColorBrewer YlGnBu's dark half, each at least 3:1 against white;
#: more levels are interpolated between these anchors. The lowest level is drawn white with a dark
#: outline and a hollow marker.
LEVEL_ANCHORS = ("#1d91c0", "#225ea8", "#253494", "#081d58")
LOWEST = "#ffffff"
#: The lines and highlighted nodes: Okabe-Ito and Tol colours that keep 3:1 against white.
SERIES_COLOURS = (
    "#0072b2",
    "#d55e00",
    "#117733",
    "#882255",
    "#332288",
    "#aa4499",
    "#000000",
    "#8a6d00",
)
#: Dash patterns for the second and later rounds through the colours (15 lines stay apart).
DASHES = ("", "7 4", "2 3")
NODE = "#0072b2"
HIGHLIGHT = "#d55e00"
EDGE = "#767676"


# --- SVG text -------------------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(svg_id: str, kind: str, height: float, label: str, description: str, parts: Sequence[str]) -> Markup:
    return Markup(  # noqa: S704 - every text and attribute is escaped by _el and _text
        svg.element(
            "svg",
            svg.element("title", str(escape(label)), id=f"{svg_id}-title")
            + svg.element("desc", str(escape(description)), id=f"{svg_id}-desc")
            + "".join(parts),
            xmlns="http://www.w3.org/2000/svg",
            id=svg_id,
            class_=f"reach-chart {kind}",
            viewBox=f"0 0 {WIDTH} {_num(height)}",
            width="100%",
            role="img",
            aria_label=label,
            aria_describedby=f"{svg_id}-desc",
            font_family="sans-serif",
            font_size=FONT,
            fill=TEXT,
        )
    )


# --- markers ----------------------------------------------------------------------------------------------


def _polygon(x: float, y: float, r: float, corners: int, turn: float) -> str:
    return " ".join(
        f"{_num(x + r * math.cos(turn + 2 * math.pi * i / corners))},"
        f"{_num(y + r * math.sin(turn + 2 * math.pi * i / corners))}"
        for i in range(corners)
    )


MARKERS = ("circle", "square", "diamond", "triangle", "triangle-down", "pentagon", "hexagon")


def marker(shape: str, x: float, y: float, r: float, **attrs: object) -> str:
    """A marker of `shape` (one of `MARKERS`) of about radius `r` centred on (x, y)."""
    if shape == "circle":
        return svg.element("circle", cx=_num(x), cy=_num(y), r=_num(r), **attrs)
    if shape == "square":
        side = r * 1.7
        return svg.element(
            "rect", x=_num(x - side / 2), y=_num(y - side / 2), width=_num(side), height=_num(side), **attrs
        )
    corners, turn, size = {
        "diamond": (4, -math.pi / 2, 1.25),
        "triangle": (3, -math.pi / 2, 1.3),
        "triangle-down": (3, math.pi / 2, 1.3),
        "pentagon": (5, -math.pi / 2, 1.15),
        "hexagon": (6, 0.0, 1.1),
    }[shape]
    return svg.element("polygon", points=_polygon(x, y, r * size, corners, turn), **attrs)


# --- colours ----------------------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def contrast(colour: str, background: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two colours written #rrggbb."""

    def luminance(c: str) -> float:
        def channel(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in _rgb(c))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def level_colours(count: int) -> tuple[str, ...]:
    """The fills of `count` levels, lowest first: white, then evenly along the dark anchors."""
    if count <= 0:
        return ()
    rest = count - 1
    anchors = [_rgb(c) for c in LEVEL_ANCHORS]
    colours = [LOWEST]
    for i in range(rest):
        at = (len(anchors) - 1) * (i / (rest - 1) if rest > 1 else 0.0)
        low = min(int(at), len(anchors) - 2)
        share = at - low
        mixed = (round(a + (b - a) * share) for a, b in zip(anchors[low], anchors[low + 1], strict=True))
        colours.append("#" + "".join(f"{v:02x}" for v in mixed))
    return tuple(colours)


# --- the map ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    d: str
    centroid: tuple[int, int]


@dataclass(frozen=True)
class NlMap:
    """The shipped geometry: provinces and municipalities as path data in map units (`unit_m` metres)."""

    width: int
    height: int
    provinces: tuple[Area, ...]
    municipalities: Mapping[str, Area]
    attribution: str


@cache
def nl_map() -> NlMap:
    """The map of `data/nl_map.json`, read once."""
    data: dict[str, Any] = json.loads(MAP_FILE.read_text(encoding="utf-8"))

    def area(item: dict[str, Any]) -> Area:
        x, y = item.get("centroid", (0, 0))
        return Area(item["code"], item["name"], item["d"], (int(x), int(y)))

    return NlMap(
        width=int(data["width"]),
        height=int(data["height"]),
        provinces=tuple(area(p) for p in data["provinces"]),
        municipalities={m["name"]: area(m) for m in data["municipalities"]},
        attribution=str(data["source"]["attribution"]),
    )


def _legend_columns(words: Sequence[str], room: float, font: float) -> int:
    """Two columns when every entry fits half the width, else one."""
    longest = max((len(w) for w in words), default=0)
    return 2 if longest * font * 0.56 <= room / 2 - 50 else 1


def city_map(
    levels: Mapping[str, int],
    names: Mapping[str, str],
    *,
    steps: Sequence[str],
    label: str,
    description: str,
    svg_id: str,
    locale: str = "nl",
) -> Markup:
    """The provinces in light grey and each municipality of `names` (organisation id: its name in the
    geometry) filled by its level: `levels[id]` indexes `steps`, the legend's words, lowest first. A
    marker of the level's shape sits on each city's centroid, so that a small city shows and its level
    does not rest on colour alone. The <desc> lists `description` and then, per level, how many and
    which cities. Raises ValueError naming every name the geometry lacks, an id without a level, or a
    level outside `steps`."""
    geometry = nl_map()
    unknown = sorted({n for n in names.values() if n not in geometry.municipalities})
    if unknown:
        raise ValueError(f"municipalities not in the map of {MAP_YEAR}: {', '.join(unknown)}")
    missing = sorted(set(names) - set(levels))
    if missing:
        raise ValueError(f"no level for: {', '.join(missing)}")
    wrong = sorted(o for o in names if not 0 <= levels[o] < len(steps))
    if wrong:
        raise ValueError(f"level outside the {len(steps)} steps for: {', '.join(wrong)}")

    scale = WIDTH / geometry.width
    map_height = geometry.height * scale
    fills = level_colours(len(steps))
    # A marker sits on its city's own fill: outlined in white on the dark levels, dark on the white one.
    rims = [TEXT if fill == LOWEST else "#ffffff" for fill in fills]
    shapes = [MARKERS[i % len(MARKERS)] for i in range(len(steps))]
    _ = translations(locale).gettext

    land = "".join(
        svg.element(
            "path",
            svg.element("title", str(escape(p.name))),
            d=p.d,
            class_="province",
            fill=PROVINCE_FILL,
            stroke=PROVINCE_LINE,
            stroke_width=2,
        )
        for p in geometry.provinces
    )
    cities, marks = [], []
    by_level: dict[int, list[str]] = {i: [] for i in range(len(steps))}
    for org in sorted(names, key=lambda o: (names[o], o)):
        area, level = geometry.municipalities[names[org]], levels[org]
        by_level[level].append(names[org])
        cities.append(
            svg.element(
                "path",
                svg.element("title", str(escape(f"{names[org]}: {steps[level]}"))),
                d=area.d,
                class_=f"city level-{level}",
                fill=fills[level],
                fill_rule="evenodd",
                stroke=TEXT,
                stroke_width=1.5,
                data_org=org,
            )
        )
        marks.append(
            marker(
                shapes[level],
                area.centroid[0] * scale,
                area.centroid[1] * scale,
                7,
                class_=f"city-marker level-{level}",
                fill=fills[level],
                stroke=rims[level],
                stroke_width=1.5,
            )
        )
    parts = [
        svg.element(
            "g",
            land + "".join(cities),
            class_="map",
            transform=f"scale({scale:.6f})",
        ),
        svg.element("g", "".join(marks), class_="markers"),
    ]

    # The legend below the map: a swatch with the level's marker, its words, and how many.
    words = [f"{step} ({len(by_level[i])})" for i, step in enumerate(steps)]
    columns = _legend_columns(words, WIDTH, FONT)
    per_column = math.ceil(len(words) / columns) if words else 0
    top = map_height + 16
    legend = []
    for i, words_i in enumerate(words):
        column, row = divmod(i, per_column) if per_column else (0, 0)
        x, y = column * WIDTH / columns, top + row * ROW
        legend.append(
            svg.element(
                "g",
                svg.element("rect", x=_num(x), y=_num(y), width=28, height=20, fill=fills[i], stroke=TEXT)
                + marker(shapes[i], x + 14, y + 10, 5, fill=fills[i], stroke=rims[i], stroke_width=1.5)
                + svg.text(words_i, x=_num(x + 38), y=_num(y + 16)),
                class_=f"legend-item level-{i}",
            )
        )
    bottom = top + per_column * ROW + 8
    legend.append(
        svg.text(
            _("Map: CBS and Kadaster, 2023 (CC BY 4.0)"),
            x=0,
            y=_num(bottom + SMALL),
            font_size=SMALL,
            fill=MUTED,
            class_="attribution",
        )
    )
    parts.append(svg.element("g", "".join(legend), class_="legend"))

    details = " ".join(
        f"{steps[i]} ({len(by_level[i])}): {', '.join(by_level[i]) if by_level[i] else '-'}."
        for i in range(len(steps))
    )
    return _svg(svg_id, "reach-map", bottom + SMALL + 8, label, f"{description} {details}".strip(), parts)


# --- lines over the days ----------------------------------------------------------------------------------


def _nice(top: float, most: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten that divides 0..top into at most `most` parts."""
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top / most))
    for m in (1, 2, 5, 10):
        if math.ceil(top / (m * magnitude) - 1e-9) <= most:
            return float(m * magnitude)
    return float(10 * magnitude)


def _short_date(day: date, locale: str, *, years: bool) -> str:
    babel_locale = "nl_NL" if locale == "nl" else "en_GB"
    return str(format_date(day, format="d MMM yy" if years else "d MMM", locale=babel_locale))


def _value(value: float, locale: str, percent: bool) -> str:
    text = str(format_decimal(value, format="#,##0.#", locale="nl_NL" if locale == "nl" else "en_GB"))
    return f"{text}%" if percent else text


def _wrap(words: str, width: int) -> list[str]:
    return textwrap.wrap(words, width) or [words]


def trend_lines(
    dates: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    label: str,
    description: str,
    svg_id: str,
    y_max: float | None = None,
    percent: bool = False,
    locale: str = "nl",
) -> Markup:
    """A line per series over the days, the days evenly apart (one step per network day, whatever the
    weeks between them) and named below the axis in the short form of `locale` ("10 feb."; with the year
    when the days span more than one). A value of None is no point: the line breaks there. `percent`
    means the values are percentages (0-100), shown with "%"; the axis runs from 0 to `y_max` (default: a
    round number above the largest value). Each series has its colour, its marker shape and, past the
    eighth, a dash pattern; the legend below lists them in words with the same marker. The <desc> holds
    `description` and every value."""
    if not dates or not series:
        return Markup("")
    for name, values in series:
        if len(values) != len(dates):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(dates)} days")
    found = [v for _, values in series for v in values if v is not None]
    top = y_max if y_max is not None else max(found, default=0.0)
    step = _nice(top)
    ceiling = y_max if y_max is not None else max(step, math.ceil(top / step - 1e-9) * step)

    years = len({d.year for d in dates}) > 1
    labels = [_short_date(d, locale, years=years) for d in dates]
    label_width = max(len(t) for t in labels) * TICK * 0.56
    # The last day's label is centred on the plot's right end: room for its half.
    left, right, plot_top, plot_height = 64.0, max(18.0, label_width / 2 + 4), 20.0, 250.0
    plot_width = WIDTH - left - right
    base = plot_top + plot_height
    span = max(len(dates) - 1, 1)

    def x(i: int) -> float:
        return left + plot_width / 2 if len(dates) == 1 else left + plot_width * i / span

    def y(v: float) -> float:
        return base - plot_height * min(max(v, 0.0), ceiling) / ceiling if ceiling else base

    parts = []
    for k in range(math.floor(ceiling / step + 1e-9) + 1):
        tick = k * step
        at = y(tick)
        parts.append(
            svg.element(
                "line",
                x1=_num(left),
                x2=_num(WIDTH - right),
                y1=_num(at),
                y2=_num(at),
                stroke=GRID,
                class_="grid",
            )
        )
        parts.append(
            svg.text(
                _value(tick, locale, percent),
                x=_num(left - 8),
                y=_num(at + 6),
                text_anchor="end",
                font_size=TICK,
                class_="tick",
            )
        )
    parts.append(
        svg.element(
            "line",
            x1=_num(left),
            x2=_num(WIDTH - right),
            y1=_num(base),
            y2=_num(base),
            stroke=MUTED,
            class_="axis",
        )
    )
    every = max(1, math.ceil((label_width + 12) / (plot_width / span))) if len(dates) > 1 else 1
    for i, words in enumerate(labels):
        parts.append(
            svg.element(
                "line",
                x1=_num(x(i)),
                x2=_num(x(i)),
                y1=_num(base),
                y2=_num(base + 5),
                stroke=MUTED,
                class_="axis",
            )
        )
        if i % every == 0:
            parts.append(
                svg.text(
                    words,
                    x=_num(x(i)),
                    y=_num(base + 24),
                    text_anchor="middle",
                    font_size=TICK,
                    class_="tick",
                )
            )

    for number, (_name, values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        dash = DASHES[(number // len(SERIES_COLOURS)) % len(DASHES)]
        shape = MARKERS[number % len(MARKERS)]
        path, pen_down, points = [], False, []
        for i, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{_num(x(i))},{_num(y(value))}")
            pen_down = True
            points.append(marker(shape, x(i), y(value), 5.5, fill=colour, stroke="#ffffff", stroke_width=1))
        parts.append(
            svg.element(
                "g",
                (
                    svg.element(
                        "path",
                        d="".join(path),
                        fill="none",
                        stroke=colour,
                        stroke_width=2.5,
                        stroke_dasharray=dash,
                        stroke_linejoin="round",
                    )
                    if path
                    else ""
                )
                + "".join(points),
                class_=f"series series-{number}",
            )
        )

    # The legend: a line sample with the marker, and the name (wrapped, never cut).
    columns = _legend_columns([n for n, _ in series], WIDTH, FONT)
    width_chars = int((WIDTH / columns - 58) / (FONT * 0.56))
    rows: list[list[tuple[int, list[str]]]] = [[] for _ in range(columns)]
    per_column = math.ceil(len(series) / columns)
    for number, (name, _values) in enumerate(series):
        rows[number // per_column].append((number, _wrap(name, width_chars)))
    legend, bottom = [], base + 44.0
    for column, entries in enumerate(rows):
        at = base + 44.0
        for number, lines in entries:
            colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
            x0 = column * WIDTH / columns
            sample = svg.element(
                "line",
                x1=_num(x0),
                x2=_num(x0 + 40),
                y1=_num(at + 10),
                y2=_num(at + 10),
                stroke=colour,
                stroke_width=2.5,
                stroke_dasharray=DASHES[(number // len(SERIES_COLOURS)) % len(DASHES)],
            ) + marker(
                MARKERS[number % len(MARKERS)],
                x0 + 20,
                at + 10,
                5.5,
                fill=colour,
                stroke="#ffffff",
                stroke_width=1,
            )
            text = "".join(
                svg.text(line, x=_num(x0 + 50), y=_num(at + 16 + k * (FONT + 4)))
                for k, line in enumerate(lines)
            )
            legend.append(svg.element("g", sample + text, class_=f"legend-item series-{number}"))
            at += ROW + (len(lines) - 1) * (FONT + 4)
        bottom = max(bottom, at)
    parts.append(svg.element("g", "".join(legend), class_="legend"))

    details = " ".join(
        f"{name}: "
        + ", ".join(
            f"{labels[i]} {_value(v, locale, percent) if v is not None else '-'}"
            for i, v in enumerate(values)
        )
        + "."
        for name, values in series
    )
    return _svg(svg_id, "reach-trend", bottom + 4, label, f"{description} {details}".strip(), parts)


# --- who met whom -----------------------------------------------------------------------------------------

#: The layout's seed: the same organisations and pairs give the same drawing.
LAYOUT_SEED = 18
GRAPH_HEIGHT = 560


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: _Box) -> float:
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        return w * h if w > 0 and h > 0 else 0.0


#: Organisations that met nobody stand in rows under the graph, this many to a row.
LONERS_PER_ROW = 3


def _layout(
    nodes: Sequence[str], edges: Mapping[tuple[str, str], int]
) -> tuple[dict[str, tuple[float, float]], float]:
    """Positions (units) and the height they take. The organisations that met someone are laid out by
    networkx's spring layout with a fixed seed (pairs that met more often pull harder), stretched over
    the plot; those that met nobody would be flung to its edge and squeeze the rest, so they stand in
    rows below it instead, in the given order."""
    graph = nx.Graph()
    for (a, b), count in sorted(edges.items()):
        graph.add_edge(a, b, weight=count)
    met = [n for n in nodes if n in graph]
    loners = [n for n in nodes if n not in graph]
    positions: dict[str, tuple[float, float]] = {}
    plot = max(GRAPH_HEIGHT, 16.0 * len(met))
    height = plot if met else 0.0
    if met:
        graph = graph.subgraph(met).copy()
        raw = nx.spring_layout(
            graph, seed=LAYOUT_SEED, weight="weight", k=2.4 / math.sqrt(len(met)), iterations=120
        )
        xs = {n: float(raw[n][0]) for n in met}
        ys = {n: float(raw[n][1]) for n in met}
        margin_x, margin_y = 80.0, 24.0

        def fit(v: float, low: float, high: float, size: float, margin: float) -> float:
            return size / 2 if high == low else margin + (size - 2 * margin) * (v - low) / (high - low)

        low_x, high_x, low_y, high_y = min(xs.values()), max(xs.values()), min(ys.values()), max(ys.values())
        for n in met:
            positions[n] = (
                fit(xs[n], low_x, high_x, WIDTH, margin_x),
                fit(ys[n], low_y, high_y, plot, margin_y),
            )
    for i, n in enumerate(loners):
        row, column = divmod(i, LONERS_PER_ROW)
        positions[n] = (12 + column * WIDTH / LONERS_PER_ROW, height + 50 + row * ROW)
    if loners:  # a caption, then the rows
        height += 36 + math.ceil(len(loners) / LONERS_PER_ROW) * ROW
    return positions, height


#: How far from its node a label may stand (units), nearest first; beyond the first a thin line leads to it.
LABEL_DISTANCES = (11.0, 26.0, 44.0, 66.0, 92.0)


def _place_labels(
    order: Sequence[str],
    positions: Mapping[str, tuple[float, float]],
    labels: Mapping[str, str],
    font: float,
    height: float,
) -> dict[str, tuple[float, float, str, bool]]:
    """Where each node's label goes (x, y of the baseline, anchor, whether a line leads to it): right,
    left, above, below or on a diagonal of its node, nearest first, at the first place that overlaps no
    label placed before, no node and stays inside the plot; a dense graph pushes a label further out (with
    a leader line) before it lets two overlap, and only then takes the least overlapping place."""
    nodes = [_Box(x - 9, y - 9, x + 9, y + 9) for x, y in positions.values()]
    placed: list[_Box] = []
    result = {}
    for node in order:
        x, y = positions[node]
        width = len(labels[node]) * font * 0.62
        up, down = font * 0.8, font * 0.3
        options = []
        for distance in LABEL_DISTANCES:
            d = distance * 0.7
            options += [
                (
                    x + distance,
                    y + font * 0.35,
                    "start",
                    _Box(x + distance, y - up, x + distance + width, y + down),
                ),
                (
                    x - distance,
                    y + font * 0.35,
                    "end",
                    _Box(x - distance - width, y - up, x - distance, y + down),
                ),
                (
                    x,
                    y - distance,
                    "middle",
                    _Box(x - width / 2, y - distance - up, x + width / 2, y - distance + down),
                ),
                (
                    x,
                    y + distance + up,
                    "middle",
                    _Box(x - width / 2, y + distance, x + width / 2, y + distance + up + down),
                ),
                (x + d, y - d, "start", _Box(x + d, y - d - up, x + d + width, y - d + down)),
                (x - d, y - d, "end", _Box(x - d - width, y - d - up, x - d, y - d + down)),
                (x + d, y + d + up, "start", _Box(x + d, y + d, x + d + width, y + d + up + down)),
                (x - d, y + d + up, "end", _Box(x - d - width, y + d, x - d, y + d + up + down)),
            ]

        def cost(box: _Box) -> float:
            outside = max(0.0, -box.left) + max(0.0, box.right - WIDTH) + max(0.0, -box.top)
            outside += max(0.0, box.bottom - height)
            return sum(box.overlap(o) for o in placed) + sum(box.overlap(o) for o in nodes) + 50 * outside

        def free(box: _Box) -> bool:
            inside = box.left >= 0 and box.right <= WIDTH and box.top >= 0 and box.bottom <= height
            return (
                inside and not any(box.overlap(o) for o in placed) and not any(box.overlap(o) for o in nodes)
            )

        found = next((o for o in options if free(o[3])), None)
        if found is None:
            found = min(options, key=lambda option: cost(option[3]))
        lx, ly, anchor, box = found
        placed.append(box)
        result[node] = (
            lx,
            ly,
            anchor,
            abs(lx - x) > LABEL_DISTANCES[0] + 1 or abs(ly - y) > LABEL_DISTANCES[0] + font,
        )
    return result


def meeting_graph(
    nodes: Sequence[tuple[str, str]],
    edges: Mapping[tuple[str, str], int],
    *,
    label: str,
    description: str,
    svg_id: str,
    highlight: Collection[str] = (),
    locale: str = "nl",
) -> Markup:
    """The organisations (id, label) as nodes and a line per pair that met (`edges[(a, b)]` sessions
    together, each pair once; the line thicker the more), laid out by networkx's spring layout with a
    fixed seed, so the same input gives the same drawing. Organisations in `highlight` (those that met
    few others) are diamonds in another colour, the rest circles; the legend says so in words. The
    <desc> holds `description` and how many others each organisation met. Raises ValueError for a
    pair naming an organisation that is not a node."""
    if not nodes:
        return Markup("")
    ids = [n for n, _ in nodes]
    names = dict(nodes)
    strangers = sorted({o for pair in edges for o in pair} - set(names))
    if strangers:
        raise ValueError(f"pairs name organisations that are not nodes: {', '.join(strangers)}")
    _ = translations(locale).gettext
    positions, plot_height = _layout(ids, edges)
    most = max(edges.values(), default=1)
    degree = dict.fromkeys(ids, 0)
    lines = []
    for (a, b), count in sorted(edges.items()):
        degree[a] += 1
        degree[b] += 1
        (x1, y1), (x2, y2) = positions[a], positions[b]
        width = 1.0 + 4.0 * (count - 1) / (most - 1) if most > 1 else 1.5
        lines.append(
            svg.element(
                "line",
                svg.element("title", str(escape(f"{names[a]} – {names[b]}: {count}"))),
                x1=_num(x1),
                y1=_num(y1),
                x2=_num(x2),
                y2=_num(y2),
                stroke=EDGE,
                stroke_width=_num(width),
                class_="pair",
                data_count=count,
            )
        )
    marks = []
    order = sorted(ids, key=lambda n: (-degree[n], names[n], n))
    connected = [n for n in order if degree[n]]
    label_at = _place_labels(connected, positions, names, TICK, plot_height)
    for n in ids:  # those that met nobody: the label to the right, in its own cell
        if not degree[n]:
            x, y = positions[n]
            label_at[n] = (x + 12, y + (TICK) * 0.35, "start", False)
    for node in ids:
        x, y = positions[node]
        special = node in highlight
        marks.append(
            svg.element(
                "g",
                svg.element("title", str(escape(names[node])))
                + marker(
                    "diamond" if special else "circle",
                    x,
                    y,
                    8 if special else 7,
                    fill=HIGHLIGHT if special else NODE,
                    stroke="#ffffff",
                    stroke_width=1.5,
                )
                + (
                    svg.element(
                        "line",
                        x1=_num(x),
                        y1=_num(y),
                        x2=_num(label_at[node][0]),
                        y2=_num(label_at[node][1] - TICK * 0.35),
                        stroke=EDGE,
                        stroke_width=0.8,
                        class_="leader",
                    )
                    if label_at[node][3]
                    else ""
                )
                + svg.text(
                    names[node],
                    x=_num(label_at[node][0]),
                    y=_num(label_at[node][1]),
                    text_anchor=label_at[node][2],
                    font_size=TICK,
                ),
                class_="node highlight" if special else "node",
                data_org=node,
            )
        )

    loners = [positions[n][1] for n in ids if not degree[n]]
    if loners:
        marks.append(svg.text(_("Met no one in a session:"), x=0, y=_num(min(loners) - 20), class_="loners"))
    top = plot_height + 14
    legend = [
        svg.element(
            "g",
            marker("circle", 10, top + 10, 7, fill=NODE, stroke="#ffffff")
            + svg.text(_("Organisation"), x=26, y=_num(top + 16)),
            class_="legend-item",
        ),
    ]
    rows = 1
    if any(n in highlight for n in ids):
        legend.append(
            svg.element(
                "g",
                marker("diamond", 10, top + ROW + 10, 8, fill=HIGHLIGHT, stroke="#ffffff")
                + svg.text(_("Met few others"), x=26, y=_num(top + ROW + 16)),
                class_="legend-item highlight",
            )
        )
        rows += 1
    if edges:
        at = top + rows * ROW
        words = (
            _("Line: met in a session; thicker: more sessions (1 to %(most)s)") % {"most": most}
            if most > 1
            else _("Line: met in a session")
        )
        legend.append(
            svg.element(
                "g",
                svg.element(
                    "line", x1=0, x2=22, y1=_num(at + 10), y2=_num(at + 10), stroke=EDGE, stroke_width=3
                )
                + "".join(
                    svg.text(t, x=26, y=_num(at + 16 + k * (FONT + 4)))
                    for k, t in enumerate(_wrap(words, int((WIDTH - 30) / (FONT * 0.56))))
                ),
                class_="legend-item pairs",
            )
        )
        rows += len(_wrap(words, int((WIDTH - 30) / (FONT * 0.56))))
    details = ", ".join(f"{names[n]} {degree[n]}" for n in sorted(ids, key=lambda n: (names[n], n)))
    met = _("Others met: %(list)s.") % {"list": details}
    return _svg(
        svg_id,
        "reach-graph",
        top + rows * ROW + 6,
        label,
        f"{description} {met}".strip(),
        [
            svg.element("g", "".join(lines), class_="pairs"),
            svg.element("g", "".join(marks), class_="nodes"),
            svg.element("g", "".join(legend), class_="legend"),
        ],
    )
