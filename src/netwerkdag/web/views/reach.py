"""The organisers' pages on reach: the network's days together ("Bereik"), one day, their exports (XLSX of
every table, the board report as PDF, the JSON of `netwerkdag reach`), and the not-reached people as the
invitee list of a next day. The measures are those of `publish.reach` over `services.reach`'s days."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish import reach as published
from netwerkdag.publish.i18n import format_day
from netwerkdag.publish.tables import csv_text
from netwerkdag.web import i18n, models
from netwerkdag.web.services import feedback, invitees
from netwerkdag.web.services import reach as stored
from netwerkdag.web.views.common import audit, download, for_organiser, organises, page, private

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The largest window one may ask for (days present, not reached).
MAX_WINDOW = 50


def _window(request: HttpRequest) -> int:
    value = request.GET.get("laatste", "")
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_WINDOW:
        return int(value)
    return published.DEFAULT_WINDOW


def _days(request: HttpRequest) -> tuple[stored.Days, dict[str, str], QuerySet[models.Event]]:
    events = stored.visible_events(request.user)
    known = stored.networks(events)
    if not known:
        raise Http404("no events")
    chosen = request.GET.get("netwerk") or next(iter(known))
    if chosen not in known:
        raise Http404("no such network")
    return stored.network_days(events, chosen), known, events


def _made(lang: str) -> str:
    return format_day(timezone.localdate(), lang)


@require_safe
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The network's days together: figures, map, trends, who met whom, not reached."""
    found, known, events = _days(request)
    lang = i18n.current()
    report = published.build(found.days, last=_window(request))
    upcoming = [
        e
        for e in events.order_by("starts_at")
        if not feedback.has_ended(e) and stored.current_event(e).network.id == found.network
    ]
    context = {
        "found": found,
        "networks": known,
        "network_name": known[found.network],
        "report": report,
        "tables": {t.id: t for t in published.tables(report, lang)},
        "figures": published.figures(report, lang),
        "summary": published.summary(report, lang),
        "upcoming": upcoming,
        "day_links": [
            (event, published.short_date(line.date, lang), line.host)
            for event, line in zip(found.events, report.lines, strict=True)
        ],
        "window": report.window,
        "asked_window": _window(request),
        "query": request.GET.urlencode(),
    }
    return private(page(request, "organiser/reach.html", context))


@require_safe
@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every table as XLSX, the board report as PDF, the figures as JSON, the not-reached people as an
    invitee file (CSV)."""
    found, known, _ = _days(request)
    lang = i18n.current()
    report = published.build(found.days, last=_window(request))
    stamp = date.today().isoformat()
    if fmt == "xlsx":
        data = published.workbook(published.tables(report, lang))
        return private(download(data, XLSX, f"bereik-{found.network}-{stamp}.xlsx"))
    if fmt == "pdf":
        pdf = published.report_pdf(report, lang, title=known[found.network], made=_made(lang))
        return private(download(pdf, "application/pdf", f"bereik-{found.network}-{stamp}.pdf"))
    if fmt == "json":
        return private(JsonResponse(published.as_json(report), json_dumps_params={"ensure_ascii": False}))
    if fmt == "csv":
        text = csv_text(published.not_reached_invitees(report))
        return private(download(text, "text/csv; charset=utf-8", f"niet-bereikt-{found.network}-{stamp}.csv"))
    raise Http404("no such export")


@require_POST
@login_required
def invite_not_reached(request: HttpRequest) -> HttpResponse:
    """Add the not-reached people as invitees of a next day of the network (the import of invitee files,
    so that the same checks hold); the organiser sends the invitations from that day's page."""
    found, _, events = _days(request)
    target = events.filter(slug=request.POST.get("event", "")).first()
    if target is None or not organises(request.user, target):
        raise Http404("no such event")
    core = stored.current_event(target)
    report = published.build(found.days, last=_window(request))
    data = csv_text(published.not_reached_invitees(report)).encode("utf-8")
    back = reverse("web:organiser-reach") + (f"?{request.GET.urlencode()}" if request.GET else "")
    try:
        added, updated = invitees.import_invitees(target, data, "niet-bereikt.csv", core)
    except NetwerkdagError as error:
        messages.error(request, " ".join(str(p) for p in error.problems[:3]))
        return HttpResponseRedirect(back, status=303)
    audit(request, target, "invite-not-reached", added=added, updated=updated)
    messages.success(
        request,
        i18n.gettext(
            "%(added)s invitees added to %(title)s, %(updated)s were there already.",
            added=added,
            updated=updated,
            title=target.title,
        ),
    )
    return HttpResponseRedirect(reverse("web:organiser-invitees", args=[target.slug]), status=303)


def _day(request: HttpRequest, event: models.Event) -> tuple[stored.Days, published.Report | None, int]:
    """The network's days as `request.user` sees them, the report of the days up to `event`'s (None when
    `event` is not a counted day), and its place in them."""
    core = stored.current_event(event)
    found = stored.network_days(stored.visible_events(request.user), core.network.id)
    index = stored.day_index(found, event.slug)
    if index is None:
        return found, None, -1
    return found, published.build(stored.series_upto(found, index)), index


@require_safe
@for_organiser
def day(request: HttpRequest, event: models.Event) -> HttpResponse:
    """One day: organisations with roles, theme groups, sessions (no-shows, seats, scores)."""
    found, report, index = _day(request, event)
    lang = i18n.current()
    context: dict[str, object] = {"event": event, "counted": report is not None, "found": found}
    if report is not None:
        context |= {
            "report": report,
            "line": report.lines[index],
            "tables": published.day_tables(report, index, lang),
            "graph": published.day_graph(report, index, lang),
        }
    return page(request, "organiser/reach_day.html", context)


@require_safe
@for_organiser
def day_export(request: HttpRequest, event: models.Event) -> HttpResponse:
    _, report, index = _day(request, event)
    if report is None:
        raise Http404("not a counted day")
    data = published.workbook(published.day_tables(report, index, i18n.current()))
    return download(data, XLSX, f"bereik-{event.slug}.xlsx")
