"""Reach as the organisers read it: the measures of `core.reach` over a series of network days, gathered
once into a `Report`, and shown as tables (the web pages, the board report and the XLSX export show the
same tables), as the JSON of `netwerkdag reach --json`, as an XLSX workbook and as the board's PDF.

A `Report` is built from the days alone, so the command line (event files and an attendance file) and the
web app (its database) give the same numbers for the same days. docs/reach.md defines each measure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from markupsafe import Markup

from netwerkdag.core import reach
from netwerkdag.core.feedback import MIN_ANSWERS, Score
from netwerkdag.core.network import Network
from netwerkdag.core.reach import Attendance
from netwerkdag.publish import reach_charts as charts
from netwerkdag.publish.html import environment
from netwerkdag.publish.i18n import format_day, translations
from netwerkdag.publish.pdf import accessible_pdf
from netwerkdag.publish.tables import simple_workbook

#: The number of latest days that "days present" and "not reached" look at, unless asked otherwise.
DEFAULT_WINDOW = 5
#: The organisations that met the fewest others, listed.
FEWEST = 5


@dataclass(frozen=True, slots=True)
class DayLine:
    """One day at a glance."""

    slug: str
    title: str
    date: date
    host: str
    #: Everyone present (outside guests included).
    people: int
    #: Organisations with anyone present (members or not), and member organisations among them.
    organisations: int
    members: int
    newcomers: int
    returners: int
    registered: int
    no_shows: int
    day_score: Score


@dataclass(frozen=True, slots=True)
class Report:
    """Every measure of a series of days, computed once. `network` is the last day's (who is who)."""

    days: tuple[Attendance, ...]
    window: int
    lines: tuple[DayLine, ...]
    organisations: Mapping[str, reach.OrganisationReach]
    groups: Mapping[str, reach.Reach]
    pillars: Mapping[str, reach.Reach]
    meetings: reach.Meetings
    not_reached: reach.NotReached
    feedback: tuple[reach.FeedbackDay, ...]

    @property
    def network(self) -> Network | None:
        return self.days[-1].network if self.days else None

    def member_ids(self) -> tuple[str, ...]:
        net = self.network
        return tuple(o.id for o in net.organisations if o.member) if net else ()

    def org_name(self, org_id: str) -> str:
        net = self.network
        if net is not None and net.has_organisation(org_id):
            return net.organisation(org_id).display_name
        return org_id

    def group_name(self, group_id: str) -> str:
        net = self.network
        return net.group(group_id).name if net is not None and net.has_group(group_id) else group_id

    def pillar_name(self, pillar_id: str) -> str:
        net = self.network
        return net.pillar(pillar_id).name if net is not None and net.has_pillar(pillar_id) else pillar_id

    def person_name(self, person_id: str) -> str:
        net = self.network
        return net.person(person_id).name if net is not None and net.has_person(person_id) else person_id


def build(days: Sequence[Attendance], *, last: int = DEFAULT_WINDOW) -> Report:
    """The report of `days` (in date order); "days present" and "not reached" look at the `last` days."""
    series = tuple(days)
    organisations = reach.organisations(series, last=last)
    newcomers = reach.newcomers(series)
    feedback = reach.feedback(series)
    lines = []
    for day, new, notes in zip(series, newcomers, feedback, strict=True):
        event = day.event
        host = ""
        if event.host and event.network.has_organisation(event.host):
            host = event.network.organisation(event.host).display_name
        here = {p.organisation for p in day.people(day.everyone)}
        here.discard(None)
        members = {o.id for o in event.network.organisations if o.member}
        registered = frozenset().union(*day.registered.values())
        lines.append(
            DayLine(
                slug=event.slug,
                title=event.title,
                date=day.date,
                host=host,
                people=len(day.everyone),
                organisations=len(here),
                members=len(here & members),
                newcomers=len(new.newcomers),
                returners=len(new.returners),
                registered=len(registered),
                no_shows=len(registered - day.everyone),
                day_score=notes.day,
            )
        )
    return Report(
        days=series,
        window=min(last, len(series)),
        lines=tuple(lines),
        organisations=organisations,
        groups=reach.groups(series),
        pillars=reach.pillars(series),
        meetings=reach.meetings(series),
        not_reached=reach.not_reached(series, last=last),
        feedback=feedback,
    )


# --- the JSON of `netwerkdag reach --json` ------------------------------------------------------------------


def as_json(report: Report) -> dict[str, Any]:
    """The report as one JSON object: `events` (per day: its slug as `id`, date, people present, organisations
    present), `organisations` (per organisation: distinct `people` present over all days, `events` with
    anyone present), `groups` and `pillars` (per group: its `members`, and how many of them it `reached`
    on any day), plus `newcomers`, `meetings` and `not_reached`."""

    def reached(r: reach.Reach) -> dict[str, Any]:
        return {
            "members": len(r.members),
            "reached": len(r.reached & r.members),
            "holders": len(r.holders),
            "per_day": [len(d.reached) if d.met else None for d in r.days],
        }

    m = report.meetings
    return {
        "window": report.window,
        "events": [
            {
                "id": line.slug,
                "title": line.title,
                "date": line.date.isoformat(),
                "people": line.people,
                "organisations": line.organisations,
                "member_organisations": line.members,
                "newcomers": line.newcomers,
                "returners": line.returners,
                "registered": line.registered,
                "no_shows": line.no_shows,
                "day_score": _score_json(line.day_score),
            }
            for line in report.lines
        ],
        "organisations": {
            org_id: {
                "people": len(o.people),
                "events": sum(1 for d in o.days if d.people),
                "days_present_of_last": [o.days_present, o.window],
            }
            for org_id, o in report.organisations.items()
        },
        "groups": {g: reached(r) for g, r in report.groups.items()},
        "pillars": {p: reached(r) for p, r in report.pillars.items()},
        "meetings": {
            "density": round(m.density, 4),
            "pairs": len(m.pairs),
            "fewest": list(m.fewest(FEWEST)),
            "never_met": [list(pair) for pair in m.never_met],
        },
        "not_reached": {
            "window": report.not_reached.window,
            "organisations": list(report.not_reached.organisations),
            "portfolio_holders": list(report.not_reached.holders),
        },
    }


def _score_json(value: Score) -> dict[str, Any]:
    return {"answers": value.count, "mean": None if value.mean is None else round(value.mean, 2)}


# --- tables -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    """A table as every output shows it: `id` (an HTML id and the sheet's key), `title`, a `caption` that
    says what the numbers are, the `header`, the `rows` (texts), and which columns hold numbers."""

    id: str
    title: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()


def short_date(day: date, lang: str) -> str:
    """A date in a table's header: "10 feb 2023" / "10 Feb 2023"."""
    return format_date(day, "d MMM y", locale=lang)


def score_text(value: Score, lang: str) -> str:
    """A mean "4,2" / "4.2", "te weinig antwoorden" below the minimum, empty without answers."""
    _ = translations(lang).gettext
    if value.count == 0:
        return ""
    if value.mean is None:
        return _("too few answers")
    text = f"{value.mean:.1f}"
    return text.replace(".", ",") if lang == "nl" else text


def share_text(part: int, whole: int) -> str:
    if whole == 0:
        return "–"
    return f"{round(100 * part / whole)}%"


def tables(report: Report, lang: str) -> tuple[Table, ...]:
    """Every table of the series, in the order the page and the report show them."""
    return (
        days_table(report, lang),
        organisations_table(report, lang),
        reach_table(report, lang, groups=True),
        reach_table(report, lang, groups=False),
        meetings_table(report, lang),
        never_met_table(report, lang),
        not_reached_table(report, lang),
        feedback_table(report, lang),
    )


def days_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    rows = tuple(
        (
            short_date(line.date, lang),
            line.title,
            line.host,
            str(line.people),
            f"{line.members} / {len(report.member_ids())}",
            str(line.newcomers),
            str(line.returners),
            str(line.no_shows) if line.registered else "–",
            score_text(line.day_score, lang),
        )
        for line in report.lines
    )
    return Table(
        "days",
        _("The days"),
        _(
            "Per day: people present, member organisations present, newcomers and returners, "
            "registered people who did not come, and the day's mean score."
        ),
        (
            _("Date"),
            _("Day"),
            _("Host"),
            _("Present"),
            _("Member organisations"),
            _("Newcomers"),
            _("Returners"),
            _("No-shows"),
            _("Score"),
        ),
        rows,
        frozenset({3, 4, 5, 6, 7, 8}),
    )


def organisations_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    members = set(report.member_ids())
    ids = [o for o in report.organisations if o in members]
    ids += [o for o in report.organisations if o not in members and report.organisations[o].people]
    rows = tuple(
        (
            report.org_name(o),
            *(str(d.people) if d.people else "–" for d in report.organisations[o].days),
            f"{report.organisations[o].days_present} / {report.window}",
            str(len(report.organisations[o].people)),
        )
        for o in ids
    )
    return Table(
        "organisations",
        _("Organisations per day"),
        _(
            "People present per organisation and day (– is nobody), the days with anyone present of the "
            "last {window}, and the distinct people present over all days. Member organisations first."
        ).format(window=report.window),
        (
            _("Organisation"),
            *(short_date(line.date, lang) for line in report.lines),
            _("Days present (last {window})").format(window=report.window),
            _("People"),
        ),
        rows,
        frozenset(range(1, len(report.lines) + 3)),
    )


def reach_table(report: Report, lang: str, *, groups: bool) -> Table:
    """Per theme group (or pillar): members reached per day (of its members that day), over all days, and
    the portfolio holders who are not members and came."""
    _ = translations(lang).gettext
    found = report.groups if groups else report.pillars
    name: Callable[[str], str] = report.group_name if groups else report.pillar_name
    rows = []
    for key, r in found.items():
        hit = len(r.reached & r.members)
        per_day = tuple((f"{len(d.reached)} / {d.members}" if d.met else "–") for d in r.days)
        rows.append(
            (
                name(key),
                str(len(r.members)),
                *per_day,
                f"{hit} ({share_text(hit, len(r.members))})",
                str(len(r.holders)),
            )
        )
    return Table(
        "groups" if groups else "pillars",
        _("Theme groups") if groups else _("Pillars"),
        _(
            "Members who attended a session of it, per day (of its members that day; – is a day without "
            "its session), members reached over all days, and portfolio holders who are not members and "
            "came."
        ),
        (
            _("Theme group") if groups else _("Pillar"),
            _("Members"),
            *(short_date(line.date, lang) for line in report.lines),
            _("Reached"),
            _("Portfolio holders"),
        ),
        tuple(rows),
        frozenset(range(1, len(report.lines) + 4)),
    )


def meetings_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    m = report.meetings
    rows = tuple(
        (report.org_name(o), str(m.degree[o]))
        for o in sorted(m.degree, key=lambda o: (-m.degree[o], report.org_name(o)))
    )
    return Table(
        "meetings",
        _("Who met whom"),
        _(
            "Per organisation present, the number of other organisations it sat with in a meeting (pillar "
            "and theme-group meetings, guest conversations). Density: {density} of the pairs possible met."
        ).format(density=share_text(len(m.pairs), _possible(m))),
        (_("Organisation"), _("Organisations met")),
        rows,
        frozenset({1}),
    )


def _possible(m: reach.Meetings) -> int:
    n = len(m.degree)
    return n * (n - 1) // 2


def never_met_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    rows = tuple((report.org_name(a), report.org_name(b)) for a, b in report.meetings.never_met)
    return Table(
        "never-met",
        _("Member pairs that never met"),
        _("{count} pairs of member organisations never sat in the same meeting.").format(count=len(rows)),
        (_("Organisation"), _("Organisation")),
        rows,
    )


def not_reached_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    nr = report.not_reached
    net = report.network
    rows: list[tuple[str, ...]] = [
        (report.org_name(o), _("member organisation"), "") for o in nr.organisations
    ]
    for p in nr.holders:
        org = ""
        if net is not None and net.has_person(p):
            person = net.person(p)
            org = report.org_name(person.organisation) if person.organisation else ""
        rows.append((report.person_name(p), _("portfolio holder"), org))
    return Table(
        "not-reached",
        _("Not reached"),
        _(
            "Member organisations with nobody present, and portfolio holders of a theme group who were not "
            "present, on any of the last {window} days."
        ).format(window=nr.window),
        (_("Name"), _("What"), _("Organisation")),
        tuple(rows),
    )


def feedback_table(report: Report, lang: str) -> Table:
    _ = translations(lang).gettext
    rows = []
    for key in report.groups:
        scores = [f.groups.get(key) for f in report.feedback]
        if not any(scores):
            continue
        rows.append((report.group_name(key), *(score_text(s, lang) if s else "–" for s in scores)))
    return Table(
        "feedback",
        _("Scores per theme group"),
        _("The mean score (1-5) of the group's sessions per day, shown from {n} answers on.").format(
            n=MIN_ANSWERS
        ),
        (_("Theme group"), *(short_date(line.date, lang) for line in report.lines)),
        tuple(rows),
        frozenset(range(1, len(report.lines) + 1)),
    )


# --- one day ------------------------------------------------------------------------------------------------


def day_tables(report: Report, index: int, lang: str) -> tuple[Table, ...]:
    """The tables of one day of the series: organisations with their roles, groups, and sessions."""
    _ = translations(lang).gettext
    day = report.days[index]
    members = set(report.member_ids())
    orgs = []
    for org_id, o in report.organisations.items():
        d = o.days[index]
        if d.people or org_id in members:
            orgs.append(
                (
                    report.org_name(org_id),
                    str(d.people) if d.people else "–",
                    str(d.burgemeester),
                    str(d.wethouder),
                    str(d.other),
                )
            )
    groups = []
    for key, r in report.groups.items():
        met = r.days[index]
        if not met.met:
            continue
        groups.append(
            (
                report.group_name(key),
                f"{len(met.reached)} / {met.members}",
                str(len(met.holders)),
                str(len(met.others)),
                score_text(report.feedback[index].groups.get(key, Score(0, None)), lang),
            )
        )
    seats = {s.session: s for s in reach.seat_use(day)}
    absent = {n.session: n for n in reach.no_shows(day)}
    sessions = []
    for s in day.event.sessions:
        use, gone = seats[s.id], absent.get(s.id)
        # A part nobody registers for and that is not for everyone (the walk-in, the networking room):
        # who was there is not known.
        known = s.id in day.attended or s.id in day.registered
        sessions.append(
            (
                s.title,
                str(gone.registered) if gone else "–",
                str(len(gone.absent)) if gone else "–",
                str(use.attended) if known else "–",
                str(use.capacity) if use.capacity is not None else "–",
                share_text(use.attended, use.capacity) if use.capacity and known else "–",
                score_text(report.feedback[index].sessions.get(s.id, Score(0, None)), lang),
            )
        )
    return (
        Table(
            "day-organisations",
            _("Organisations"),
            _(
                "People present per organisation, and how many of them are burgemeester, wethouder or "
                "another role."
            ),
            (_("Organisation"), _("Present"), _("Mayor"), _("Alderman"), _("Other")),
            tuple(orgs),
            frozenset({1, 2, 3, 4}),
        ),
        Table(
            "day-groups",
            _("Theme groups that met"),
            _(
                "Members who came to a session of the group (of its members), portfolio holders who are "
                "not members, everyone else, and the mean score."
            ),
            (_("Theme group"), _("Members reached"), _("Portfolio holders"), _("Others"), _("Score")),
            tuple(groups),
            frozenset({1, 2, 3, 4}),
        ),
        Table(
            "day-sessions",
            _("Sessions"),
            _(
                "Registered, registered but not at the day (no-shows), attended, the room's seats and their "
                "use, and the mean score."
            ),
            (
                _("Session"),
                _("Registered"),
                _("No-shows"),
                _("Attended"),
                _("Seats"),
                _("Seats used"),
                _("Score"),
            ),
            tuple(sessions),
            frozenset({1, 2, 3, 4, 5, 6}),
        ),
    )


# --- outputs ------------------------------------------------------------------------------------------------


def workbook(found: Sequence[Table]) -> bytes:
    """The tables as one XLSX workbook, a sheet each (named by its title)."""
    return simple_workbook([(t.title, [t.header, *t.rows]) for t in found])


def municipality(report: Report, org_id: str) -> str:
    """The municipality an organisation stands for on the map: its short name, or its name without
    "Gemeente"."""
    net = report.network
    if net is None or not net.has_organisation(org_id):
        return org_id
    org = net.organisation(org_id)
    return org.short_name or org.name.removeprefix("Gemeente ").strip()


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart and the table with its numbers (`table` is the id of one of `tables`)."""

    id: str
    title: str
    svg: Markup
    table: str


def figures(report: Report, lang: str) -> tuple[Figure, ...]:
    """The charts of the series: the map of member organisations by days present, the share of members
    reached per pillar and per theme group over the days, and who met whom."""
    _ = translations(lang).gettext
    if not report.days:
        return ()
    window = report.window
    members = report.member_ids()
    levels = {o: report.organisations[o].days_present for o in members if o in report.organisations}
    steps = [_("not present")] + [
        _("{n} of {window} days").format(n=n, window=window) for n in range(1, window + 1)
    ]
    absent = sum(1 for v in levels.values() if v == 0)
    found = [
        Figure(
            "map",
            _("Member organisations by days present"),
            charts.city_map(
                levels,
                {o: municipality(report, o) for o in levels},
                steps=steps,
                label=_(
                    "Map of the Netherlands: member organisations by days present, last {window} days"
                ).format(window=window),
                description=_(
                    "{absent} of {total} member organisations were not present on any of the last "
                    "{window} days."
                ).format(absent=absent, total=len(levels), window=window),
                svg_id="reach-map",
                locale=lang,
            ),
            "organisations",
        )
    ]
    dates = [line.date for line in report.lines]
    for key, found_reach, name, title, table in (
        ("pillars", report.pillars, report.pillar_name, _("Members reached per pillar"), "pillars"),
        ("groups", report.groups, report.group_name, _("Members reached per theme group"), "groups"),
    ):
        series = [
            (
                name(k),
                [(100 * len(d.reached) / d.members if d.met and d.members else None) for d in r.days],
            )
            for k, r in found_reach.items()
            if r.members
        ]
        if not series:
            continue
        found.append(
            Figure(
                f"trend-{key}",
                title,
                charts.trend_lines(
                    dates,
                    series,
                    label=title,
                    description=_(
                        "The share of members who attended a session, per day; the table below "
                        "has the numbers."
                    ),
                    svg_id=f"trend-{key}",
                    y_max=100.0,
                    percent=True,
                    locale=lang,
                ),
                table,
            )
        )
    found.append(
        Figure("graph", _("Who met whom"), _graph(report, report.meetings, lang, "meeting-graph"), "meetings")
    )
    return tuple(found)


def day_graph(report: Report, index: int, lang: str) -> Markup:
    """Who met whom on one day of the series."""
    return _graph(report, reach.meetings([report.days[index]]), lang, "day-graph")


def _graph(report: Report, m: reach.Meetings, lang: str, svg_id: str) -> Markup:
    _ = translations(lang).gettext
    fewest = m.fewest(FEWEST)
    return charts.meeting_graph(
        [(o, report.org_name(o)) for o in m.degree],
        m.pairs,
        label=_("Who met whom: {orgs} organisations, {pairs} pairs met").format(
            orgs=len(m.degree), pairs=len(m.pairs)
        ),
        description=_("Organisations that met the fewest others: {names}.").format(
            names=", ".join(report.org_name(o) for o in fewest)
        ),
        svg_id=svg_id,
        highlight=fewest,
        locale=lang,
    )


def report_html(report: Report, lang: str, *, title: str, made: str) -> str:
    """The board report: a one-page summary, then every figure with its table. `title` names the network,
    `made` says when (already formatted)."""
    return (
        environment(lang)
        .get_template("reach_report.html")
        .render(
            r=report,
            title=title,
            made=made,
            lang=lang,
            lines=report.lines,
            tables={t.id: t for t in tables(report, lang)},
            figures=figures(report, lang),
            summary=summary(report, lang),
        )
    )


def summary(report: Report, lang: str) -> tuple[str, ...]:
    """The report's first page in sentences."""
    _ = translations(lang).gettext
    if not report.days:
        return (_("No network day with people present yet."),)
    first, last = report.lines[0], report.lines[-1]
    members = report.member_ids()
    reached = {o for o, r in report.organisations.items() if r.people and o in members}
    people = set().union(*(day.everyone for day in report.days))
    lines = [
        _(
            "{days} network days from {first} to {last}: {people} people from {orgs} of the {members} member "
            "organisations."
        ).format(
            days=len(report.days),
            first=format_day(first.date, lang),
            last=format_day(last.date, lang),
            people=len(people),
            orgs=len(reached),
            members=len(members),
        ),
        _(
            "The last day, {title} in {host}: {people} present from {orgs} member organisations, {new} of "
            "them for the first time."
        ).format(
            title=last.title, host=last.host or "–", people=last.people, orgs=last.members, new=last.newcomers
        ),
    ]
    shares = sorted(
        (len(r.reached & r.members) / len(r.members), report.group_name(g))
        for g, r in report.groups.items()
        if r.members
    )
    if shares:
        lines.append(
            _(
                "Theme group reaching most of its members: {best} ({best_share}); least: {worst} "
                "({worst_share})."
            ).format(
                best=shares[-1][1],
                best_share=f"{round(100 * shares[-1][0])}%",
                worst=shares[0][1],
                worst_share=f"{round(100 * shares[0][0])}%",
            )
        )
    nr = report.not_reached
    if nr.organisations:
        lines.append(
            _("Not reached on the last {window} days: {names}.").format(
                window=nr.window, names=", ".join(report.org_name(o) for o in nr.organisations)
            )
        )
    else:
        lines.append(
            _("Every member organisation was present on one of the last {window} days.").format(
                window=nr.window
            )
        )
    lines.append(
        _(
            "{holders} portfolio holders of the theme groups were not present on the last {window} days."
        ).format(holders=len(nr.holders), window=nr.window)
    )
    return tuple(lines)


def report_pdf(report: Report, lang: str, *, title: str, made: str) -> bytes:
    """The board report as a tagged PDF (PDF/UA-1), in the booklet's look."""
    return accessible_pdf(report_html(report, lang, title=title, made=made))


# --- acting on it: the invitee list of the next day ------------------------------------------------------

#: The columns of the invitee import (web/services/invitees.py reads them).
INVITEE_HEADER = ("person", "name", "email", "organisation", "role", "function")


def not_reached_invitees(report: Report) -> list[list[str]]:
    """The people to invite to the next day, as rows of an invitee file (header first): everyone of the
    network's not-reached member organisations, then the not-reached portfolio holders, each once, in
    network order."""
    net = report.network
    rows = [list(INVITEE_HEADER)]
    if net is None:
        return rows
    orgs = set(report.not_reached.organisations)
    holders = set(report.not_reached.holders)
    for person in net.people:
        if person.organisation in orgs or person.id in holders:
            org = ""
            if person.organisation and net.has_organisation(person.organisation):
                org = net.organisation(person.organisation).name
            rows.append([person.id, person.name, person.email or "", org, person.role, person.function or ""])
    return rows
