"""The organiser's charts, drawn on the server as SVG: the answers over time (lines) and the fill of each
session against its capacity (horizontal bars with a mark at the capacity).

No script and no style attribute (the Content-Security-Policy forbids both): the parts carry classes that
static/web/dashboard.css colours. Each chart is one image for assistive technology (`role="img"`, an
`aria-label`, a <title> and a <desc> with the numbers); the page puts the same numbers in a table beside
it.

The charts have no viewBox: their text is set in CSS pixels and stays readable on a phone, and their
widths are percentages of the page. Only the lines of the time chart sit in a nested, stretched viewBox
(their strokes do not scale with it).
"""

from __future__ import annotations

import math
import textwrap
from datetime import datetime

from babel.dates import format_date
from markupsafe import Markup, escape

from netwerkdag.publish import svg
from netwerkdag.publish.i18n import format_time
from netwerkdag.web import i18n
from netwerkdag.web.services.dashboard import Fill, Round, Timeline

# The answers over time: the plot's top and height, the whole chart's height (px), the plot's own
# width in its stretched viewBox.
PLOT_TOP = 30
PLOT_HEIGHT = 170
TIME_HEIGHT = PLOT_TOP + PLOT_HEIGHT + 42
#: No time label starts further right than this share of the width (%).
LAST_LABEL = 85.0
PLOT_WIDTH = 1000
# The fill per session: the track of the capacity as a share of the width (the figures beside it), and
# the rows' measures (px).
TRACK = 70.0
LINE = 18
BAR = 14
#: Characters per line of a session's title (wrapped, so that a phone shows it whole).
TITLE_WIDTH = 38


def _pct(value: float) -> str:
    return f"{max(0.0, min(value, 100.0)):.2f}%"


def _figure(svg_id: str, height: int, label: str, description: str, parts: list[str], kind: str) -> Markup:
    return Markup(  # noqa: S704 - every text and attribute above is escaped
        svg.element(
            "svg",
            svg.element("title", str(escape(label)), id=f"{svg_id}-title")
            + svg.element("desc", str(escape(description)), id=f"{svg_id}-desc")
            + "".join(parts),
            xmlns="http://www.w3.org/2000/svg",
            id=svg_id,
            class_=f"chart {kind}",
            width="100%",
            height=height,
            role="img",
            aria_label=label,
            aria_describedby=f"{svg_id}-desc",
        )
    )


# --- the answers over time ----------------------------------------------------------------------------------


def _nice_step(top: int, most: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten that divides 0..top into at most `most` parts."""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if math.ceil(top / (m * magnitude)) <= most:
                return m * magnitude
        magnitude *= 10


def _short_day(moment: datetime, lang: str) -> str:
    return str(format_date(moment.date(), format="d MMM", locale="nl_NL" if lang == "nl" else "en_GB"))


def timeline_chart(timeline: Timeline, lang: str, *, deadline: datetime | None = None) -> Markup:
    """Two lines, the running totals of "coming" (solid) and "not coming" (dashed), day by day (or hour by
    hour); the deadline as a dashed upright line when it falls inside."""
    steps = timeline.steps
    if not steps or timeline.until is None:
        return Markup("")
    start, until = steps[0].start, timeline.until
    span = max((until - start).total_seconds(), 3600.0)
    top = max(timeline.coming, timeline.not_coming, 1)
    step = _nice_step(top)
    ceiling = math.ceil(top / step) * step

    def x(moment: datetime) -> float:
        return PLOT_WIDTH * (moment - start).total_seconds() / span

    def y(value: int) -> float:
        return PLOT_HEIGHT - PLOT_HEIGHT * value / ceiling

    parts = []
    for value in range(0, ceiling + 1, step):  # the grid, each line with its number above it
        at = PLOT_TOP + y(value)
        parts.append(svg.element("line", x1=0, x2="100%", y1=f"{at:.1f}", y2=f"{at:.1f}", class_="grid"))
        parts.append(svg.text(str(value), x=0, y=f"{at - 4:.1f}", class_="tick"))

    # Each label starts at its tick, at least a fifth of the width from the next, none in the last
    # part of the width: short enough not to touch on a phone. Hours name their day below them at the
    # first label and where the day changes.
    ticks = [s.start for s in steps]
    every = math.ceil(len(ticks) / (4 if timeline.hourly else 5))
    base = PLOT_TOP + PLOT_HEIGHT
    shown_day = None
    for moment in ticks[::every]:
        share = 100 * x(moment) / PLOT_WIDTH
        if share > LAST_LABEL:
            break
        parts.append(svg.element("line", x1=_pct(share), x2=_pct(share), y1=base, y2=base + 5, class_="axis"))
        if not timeline.hourly:
            parts.append(svg.text(_short_day(moment, lang), x=_pct(share), y=base + 19, class_="tick"))
            continue
        parts.append(svg.text(format_time(moment, lang), x=_pct(share), y=base + 19, class_="tick"))
        if moment.date() != shown_day:
            shown_day = moment.date()
            parts.append(svg.text(_short_day(moment, lang), x=_pct(share), y=base + 34, class_="tick"))
    parts.append(
        svg.element(
            "line", x1=0, x2="100%", y1=PLOT_TOP + PLOT_HEIGHT, y2=PLOT_TOP + PLOT_HEIGHT, class_="axis"
        )
    )

    if deadline is not None and start < deadline <= until:
        share = 100 * x(deadline) / PLOT_WIDTH
        parts.append(
            svg.element(
                "line", x1=_pct(share), x2=_pct(share), y1=14, y2=PLOT_TOP + PLOT_HEIGHT, class_="marker"
            )
        )
        parts.append(
            svg.text(
                i18n.gettext("registration closes"),
                x=_pct(share),
                y=11,
                dx=-4 if share > 50 else 4,
                text_anchor="end" if share > 50 else "start",
                class_="marker-label",
            )
        )

    lines = []
    for series, kind in (("coming_total", "line-coming"), ("not_coming_total", "line-not-coming")):
        points = [(0.0, y(0))] + [(x(min(s.end, until)), y(getattr(s, series))) for s in steps]
        path = "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in points)
        lines.append(svg.element("path", d=path, class_=kind, vector_effect="non-scaling-stroke"))
    parts.append(
        svg.element(
            "svg",
            "".join(lines),
            x=0,
            y=PLOT_TOP,
            width="100%",
            height=PLOT_HEIGHT,
            viewBox=f"0 0 {PLOT_WIDTH} {PLOT_HEIGHT}",
            preserveAspectRatio="none",
            overflow="visible",
        )
    )

    label = i18n.gettext(
        "Answers over time, %(start)s to %(end)s: %(coming)s coming, %(not_coming)s not coming.",
        start=_short_day(start, lang),
        end=_short_day(until, lang),
        coming=timeline.coming,
        not_coming=timeline.not_coming,
    )
    description = i18n.gettext(
        "The running totals of the answers by the moment of each person's latest answer: coming as a "
        "solid line, not coming as a dashed line. The table below holds the same numbers."
    )
    height = TIME_HEIGHT if timeline.hourly else TIME_HEIGHT - 15  # days need no second line
    return _figure("answers-chart", height, label, description, parts, "chart-time")


# --- fill per session ---------------------------------------------------------------------------------------


def fill_words(fill: Fill) -> str:
    """ "38 of 40" or "85 registered (no limit)"."""
    if fill.capacity is None:
        return i18n.gettext("%(taken)s registered (no limit)", taken=fill.taken)
    return i18n.gettext("%(taken)s of %(capacity)s", taken=fill.taken, capacity=fill.capacity)


def status_words(fill: Fill, *, first: bool = True) -> str:
    """ "Full", "3 waiting", "Full · 3 waiting" or nothing (lower case when not `first` in a line)."""
    words = []
    if fill.full:
        words.append(i18n.gettext("full"))
    if fill.waiting:
        words.append(i18n.gettext("%(n)s waiting", n=fill.waiting))
    line = " · ".join(words)
    return line[:1].upper() + line[1:] if first else line


def fill_chart(rounds: list[Round] | tuple[Round, ...]) -> Markup:
    """Per round, each session's title, a bar of the seats taken on a track as long as its capacity (a
    mark at its end), the numbers beside it, and below it whether it is full and how many wait."""
    fills = [f for r in rounds for f in r.fills]
    if not fills:
        return Markup("")
    parts = []
    at = 0
    for number, round_ in enumerate(rounds):
        at += 18 if number == 0 else 30
        parts.append(svg.text(round_.label, x=0, y=at, class_="round"))
        at += 4
        for fill in round_.fills:
            for line in textwrap.wrap(fill.title, TITLE_WIDTH) or [fill.session_id]:
                at += LINE
                parts.append(svg.text(line, x=0, y=at, class_="label"))
            at += 6
            if fill.capacity is not None:
                bar_class = "bar bar-full" if fill.full else "bar"
                parts.append(svg.element("rect", x=0, y=at, width=_pct(TRACK), height=BAR, class_="track"))
                parts.append(
                    svg.element(
                        "rect", x=0, y=at, width=_pct(TRACK * fill.share), height=BAR, class_=bar_class
                    )
                )
                parts.append(
                    svg.element(
                        "line", x1=_pct(TRACK), x2=_pct(TRACK), y1=at - 4, y2=at + BAR + 4, class_="cap"
                    )
                )
                parts.append(svg.text(fill_words(fill), x=_pct(TRACK + 2), y=at + BAR - 2, class_="figure"))
            else:
                parts.append(svg.text(fill_words(fill), x=0, y=at + BAR - 2, class_="figure"))
            at += BAR
            status = status_words(fill)
            if status:
                at += LINE
                parts.append(svg.text(status, x=0, y=at, class_="status"))
            at += 8
    full = sum(1 for f in fills if f.full)
    waiting = sum(f.waiting for f in fills)
    label = i18n.gettext(
        "Fill per session: %(full)s of %(sessions)s full, %(waiting)s waiting.",
        full=full,
        sessions=len(fills),
        waiting=waiting,
    )
    description = " ".join(
        f"{f.title}: {fill_words(f)}{', ' + status_words(f, first=False) if status_words(f) else ''}."
        for f in fills
    )
    return _figure("fill-chart", at + 8, label, description, parts, "chart-fill")
