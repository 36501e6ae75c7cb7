"""The allocation mode's pages (services/allocation.py): the person's ranking, reached by their personal
link, and the organiser's page: the settings, the demand, the button that queues the allocation, its
progress and then its report, with the allocation as CSV. Opening a page changes nothing; every change
is a POST from a button, protected against CSRF."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.numbers import format_decimal
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.publish import labels
from netwerkdag.publish.tables import csv_text
from netwerkdag.web import i18n, models
from netwerkdag.web.i18n import N_
from netwerkdag.web.services import allocation, dashboard
from netwerkdag.web.services.programme import event_of_digest, published_digest, published_event
from netwerkdag.web.services.workers import live_workers
from netwerkdag.web.views.common import audit, download, for_organiser, page
from netwerkdag.web.views.invitee import with_invitation
from netwerkdag.web.views.public import programme_of

#: The form's field name of a choice's rank: `rank-<choice id>`.
RANK = "rank-"


@dataclass(frozen=True, slots=True)
class Offered:
    """A choice as the ranking form shows it: its id, title, when and where (one line per run), and the
    rank the form holds ("" for not wanted)."""

    id: str
    title: str
    places: tuple[str, ...]
    value: str


@dataclass(frozen=True, slots=True)
class Group:
    """The choices of one round (or, `heading` "more than once", the topics held in several rounds)."""

    id: str
    heading: str
    choices: tuple[Offered, ...]


def _place(core: CoreEvent, session_id: str, lang: str) -> str:
    session = core.session(session_id)
    room = core.room_of(session)
    return f"{labels.session_times(core, session, lang)} · {room.name if room else core.venue.name}"


def _groups(core: CoreEvent, values: dict[str, str], lang: str) -> list[Group]:
    by_round: dict[str, list[Offered]] = defaultdict(list)
    repeated: list[Offered] = []
    for c in allocation.choices_of(core):
        first = core.session(c.sessions[0])
        offered = Offered(
            c.id, first.title, tuple(_place(core, s, lang) for s in c.sessions), values.get(c.id, "")
        )
        if c.topic:
            repeated.append(offered)
        else:
            by_round[first.block or ""].append(offered)
    groups = [
        Group(block, labels.round_heading(core, core.block(block), lang), tuple(found))
        for block, found in by_round.items()
    ]
    if repeated:
        groups.append(
            Group("repeated", i18n.gettext("Sessions held in more than one round"), tuple(repeated))
        )
    return groups


def _render_ranking(
    request: HttpRequest,
    invitation: models.Invitation,
    token: str,
    status: int = 200,
    posted: dict[str, str] | None = None,
) -> HttpResponse:
    invitee = invitation.invitee
    event = invitee.event
    digest = published_digest(event)
    if digest is None:
        raise Http404("the programme is not published yet")
    core = event_of_digest(digest)
    lang = i18n.current()
    values = posted if posted is not None else {c: str(r) for c, r in allocation.ranking_of(invitee).items()}
    groups = _groups(core, values, lang)
    count = sum(len(g.choices) for g in groups)
    reason = allocation.ranking_closed_reason(invitee)
    return page(
        request,
        "invitee_ranking.html",
        {
            "invitee": invitee,
            "event": event,
            "p": programme_of(digest, lang),
            "token": token,
            "groups": groups,
            "top": max(1, min(count, models.MAX_CHOICES)),
            "deadline_text": allocation.deadline_text(event, core, lang),
            "closed": i18n.gettext(reason) if reason else "",
            "allocated": event.allocated_at is not None,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def invitee_ranking(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """The person's ranking of the parallel rounds' sessions; POST saves it whole (`save_ranking`). On a
    day whose seats are not given by ranking, the page says so."""
    if request.method != "POST":
        return _render_ranking(request, invitation, token)
    invitee = invitation.invitee
    core = published_event(invitee.event)
    if core is None:
        raise Http404("the programme is not published yet")
    posted = {k.removeprefix(RANK): v for k, v in request.POST.items() if k.startswith(RANK)}
    try:
        ranks = allocation.read_ranks(request.POST, allocation.choices_of(core))
        allocation.save_ranking(invitee, ranks)
    except allocation.Refused as refused:
        messages.error(request, i18n.gettext(refused.message, **refused.values))
        return _render_ranking(request, invitation, token, status=400, posted=posted)
    messages.success(request, i18n.gettext("Your ranking is saved. You can change it until the deadline."))
    return HttpResponseRedirect(reverse("web:invitee-ranking", kwargs={"token": token}), status=303)


# --- the organiser's page --------------------------------------------------------------------------------


def _here(event: models.Event) -> HttpResponse:
    return HttpResponseRedirect(reverse("web:organiser-allocation", args=[event.slug]), status=303)


def _read_moment(text: str, core: CoreEvent | None) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.strptime(text[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise allocation.Refused(N_("Give the date and time as 2023-02-03 17:00.")) from None
    if not 2000 <= parsed.year <= 2999:  # the year 1 in a time zone east of UTC is no moment a database keeps
        raise allocation.Refused(N_("Give the date and time as 2023-02-03 17:00."))
    return timezone.make_aware(parsed, dashboard.event_zone(core))


def _save_settings(request: HttpRequest, event: models.Event) -> HttpResponse:
    post = request.POST
    core = published_event(event)
    try:
        chosen = allocation.Settings(
            post.get("mode", ""),
            _read_moment(post.get("ranking_deadline", ""), core),
            allocation.read_rank_costs(post.get("rank_costs", "")),
            post.get("empty_organisations_first") == "yes",
            allocation.read_seed(post.get("seed", "")),
        )
        allocation.save_settings(event, chosen)
    except allocation.Refused as refused:
        messages.error(request, i18n.gettext(refused.message, **refused.values))
        return _here(event)
    audit(
        request,
        event,
        "allocation-settings",
        mode=chosen.mode,
        deadline=post.get("ranking_deadline", ""),
        rank_costs=list(chosen.rank_costs),
        empty_organisations_first=chosen.empty_organisations_first,
        seed=chosen.seed,
    )
    messages.success(request, i18n.gettext("The allocation settings are saved."))
    return _here(event)


def _allocate(request: HttpRequest, event: models.Event) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, i18n.gettext("Tick the box to confirm that the seats are to be allocated."))
        return _here(event)
    try:
        run = allocation.start(event, request.user)
    except allocation.Refused as refused:
        messages.error(request, i18n.gettext(refused.message, **refused.values))
        return _here(event)
    audit(request, event, "allocate", run=run.pk, seed=run.options.get("seed"))
    messages.success(request, i18n.gettext("The allocation is queued; this page shows its progress."))
    return _here(event)


def _number(lang: str) -> Any:
    locale = "nl_NL" if lang == "nl" else "en_GB"
    return lambda value: str(format_decimal(value, locale=locale))


@dataclass(frozen=True, slots=True)
class PersonLine:
    name: str
    organisation: str
    asked: int
    seats: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True, slots=True)
class WaitingList:
    title: str
    people: tuple[str, ...]


def _unnamed(key: str, core: CoreEvent | None) -> str:
    """A person of the report who is no invitee now: someone of the network with a part (their name in
    the network), or someone anonymised since."""
    if core is not None and core.network.has_person(key):
        return core.network.person(key).name
    return i18n.gettext("(anonymised)")


def _report_view(event: models.Event, core: CoreEvent | None, report: dict[str, Any]) -> dict[str, Any]:
    """The run's report with names and titles for the page (names from the invitees as they are now)."""
    people = report.get("people", [])
    names = allocation.names_of(event, (p["person"] for p in people))
    titles = {s.id: s.title for s in core.sessions} if core is not None else {}
    org_names = dict(report.get("organisation_names", {}))

    def org_name(key: str | None) -> str:
        if not key:
            return ""
        if key in org_names:
            return str(org_names[key])
        if core is not None and core.network.has_organisation(key):
            return core.network.organisation(key).display_name
        return key

    lines = [
        PersonLine(
            names.get(p["person"]) or _unnamed(p["person"], core),
            org_name(p.get("organisation")),
            int(p.get("asked", 0)),
            tuple((titles.get(s["session"], s["session"]), s.get("rank")) for s in p.get("seats", [])),
        )
        for p in people
    ]
    lines.sort(key=lambda line: line.name.casefold())
    organisations = sorted(
        ({**o, "name": org_name(o.get("organisation"))} for o in report.get("organisations", [])),
        key=lambda o: str(o["name"]).casefold(),
    )
    distribution = sorted(
        ((int(rank), int(n)) for rank, n in report.get("rank_distribution", {}).items()),
        key=lambda pair: pair[0],
    )
    kept = [(titles.get(s, s), n) for s, n in report.get("kept_for_parts", {}).items()]
    return {
        "people": lines,
        "organisations": organisations,
        "distribution": distribution,
        "most": max((n for _, n in distribution), default=0),
        "without": [org_name(o) for o in report.get("organisations_without_wanted_seat", [])],
        "kept": kept,
    }


def _waiting_lists(event: models.Event) -> list[WaitingList]:
    found: dict[int, list[str]] = defaultdict(list)
    titles: dict[int, str] = {}
    for entry in (
        models.WaitingEntry.objects.filter(seats__event=event)
        .exclude(models.OPT_IN_SLOTS)
        .select_related("invitee", "seats")
        .order_by("seats__slot", "seats__session_id", "created_at", "id")
    ):
        found[entry.seats_id].append(entry.invitee.name)
        titles[entry.seats_id] = entry.seats.title
    return [WaitingList(titles[k], tuple(v)) for k, v in found.items()]


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def organiser_allocation(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The allocation's page. POST `action=settings` saves the settings, `action=allocate` queues the
    allocation (with the confirmation ticked)."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            return _save_settings(request, event)
        if action == "allocate":
            return _allocate(request, event)
        return _here(event)
    core = published_event(event)
    lang = i18n.current()
    zone = dashboard.event_zone(core)
    ranked, demand = allocation.demand(event, core) if core is not None else (0, [])
    titles = {s.id: s.title for s in core.sessions} if core is not None else {}
    run = allocation.latest_run(event)
    settings = allocation.settings_of(event)
    report = None
    if run is not None and run.status == models.AllocationRun.Status.DONE:
        report = _report_view(event, core, run.report)
    failure, failure_lang = "", ""
    if run is not None and run.status == models.AllocationRun.Status.FAILED:
        words = allocation.FAILURE_WORDS.get(run.message)
        # A failure without words of its own is a bug's message, in English.
        failure, failure_lang = (i18n.gettext(words), "") if words else (run.message, "en")
    return page(
        request,
        "organiser/allocation.html",
        {
            "event": event,
            "core": core,
            "settings": settings,
            "deadline_value": timezone.localtime(event.ranking_deadline, zone).strftime("%Y-%m-%dT%H:%M")
            if event.ranking_deadline
            else "",
            "deadline_text": allocation.deadline_text(event, core, lang),
            "deadline_passed": allocation.deadline_passed(event),
            "ranked": ranked,
            "demand": [(d, titles.get(d.session, d.session)) for d in demand],
            "run": run,
            "failure": failure,
            "failure_lang": failure_lang,
            "report": report,
            "run_report": run.report if run is not None else {},
            "waiting": _waiting_lists(event) if event.allocated_at else [],
            "allocated_text": dashboard.moment_text(event.allocated_at, zone, lang)
            if event.allocated_at
            else "",
            "workers": live_workers("scheduling"),
            "num": _number(lang),
        },
    )


@require_safe
@for_organiser
def organiser_allocation_csv(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The seats of the parallel rounds as they are now: person, name, session, title."""
    rows = [("person", "name", "session", "title"), *allocation.allocation_rows(event)]
    return download(csv_text(rows), "text/csv; charset=utf-8", f"{event.slug}-toewijzing.csv")
