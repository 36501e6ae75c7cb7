"""The organisers' pages about people: the invitee list (import, invitations, new links), exports,
check-in at the door and badges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.i18n import format_time
from netwerkdag.publish.tables import csv_text, simple_workbook
from netwerkdag.web import i18n, models
from netwerkdag.web.services import (
    attendance,
    badges,
    feedback,
    invitations,
    invitees,
    programme,
)
from netwerkdag.web.services import people as people_search
from netwerkdag.web.views.common import audit, download, for_organiser, page, problem_lines


def _invitee_of(event: models.Event, value: str | None) -> models.Invitee:
    """The event's invitee with the id a form sent; 404 for anything else (another event's, not a number)."""
    if not value or not (value.isascii() and value.isdigit()):  # "²".isdigit(), but int("²") fails
        raise Http404("no such invitee")
    person = models.Invitee.objects.filter(event=event, pk=int(value)).first()
    if person is None:
        raise Http404("no such invitee")
    return person


def _list_page(
    request: HttpRequest,
    event: models.Event,
    template: str,
    fragment: str,
    context: dict[str, object],
    status: int = 200,
) -> HttpResponse:
    """A page with a list of people, searched and filtered by the query string; only the list (the
    fragment) when the query asks for it with `partial=1`, as search-as-you-type (web/search.js) does."""
    filters = people_search.Filters.from_form(request.GET.dict())
    found = people_search.search(event, filters)
    context = {"event": event, "found": found, "clock": _clock(event), **context}
    if request.GET.get("partial") == "1":
        return page(request, fragment, context)
    return page(request, template, context, status=status)


def _clock(event: models.Event) -> Callable[[datetime], str]:
    """The time of a moment as the event's pages write it: "9.42" in its time zone (Dutch), "9:42"."""
    core = programme.published_event(event) or programme.draft_event(event)
    lang = i18n.current()
    return lambda moment: format_time(timezone.localtime(moment, core.tz), lang)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def import_invitees(request: HttpRequest, event: models.Event) -> HttpResponse:
    problems: list[str] = []
    if request.method == "POST":
        core = programme.published_event(event) or programme.draft_event(event)
        if request.POST.get("source") == "network":
            added = invitees.invitees_from_network(event, core)
            audit(request, event, "invitees-from-network", added=added)
            messages.success(request, i18n.gettext("%(n)s invitees added from the network.", n=added))
            return HttpResponseRedirect(reverse("web:organiser-invitees", args=[event.slug]), status=303)
        upload = request.FILES.get("file")
        if upload is None or upload.size > settings.NETWERKDAG_MAX_UPLOAD:
            problems = [i18n.gettext("Choose a CSV or XLSX file of at most 5 MB.")]
        else:
            try:
                added, updated = invitees.import_invitees(
                    event, upload.read(), upload.name or "invitees.csv", core
                )
                audit(request, event, "import-invitees", file=upload.name, added=added, updated=updated)
                messages.success(
                    request,
                    i18n.gettext(
                        "%(added)s invitees added, %(updated)s updated.", added=added, updated=updated
                    ),
                )
                return HttpResponseRedirect(reverse("web:organiser-invitees", args=[event.slug]), status=303)
            except NetwerkdagError as error:
                problems = problem_lines(error)
    return _list_page(
        request,
        event,
        "organiser/invitees.html",
        "organiser/_invitee_list.html",
        {"problems": problems},
        status=400 if problems else 200,
    )


@require_POST
@for_organiser
def send_invitations(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Queue an invitation, with a new personal link, for every invitee with an address who has none
    queued or sent yet (or for one person). Asking twice adds nothing."""
    if "invitee" in request.POST:
        queued = int(invitations.queue_invitation(_invitee_of(event, request.POST.get("invitee"))))
    else:
        queued = invitations.queue_invitations(event)
    audit(request, event, "send-invitations", queued=queued)
    messages.success(request, i18n.gettext("%(n)s invitations are being sent.", n=queued))
    return HttpResponseRedirect(reverse("web:organiser-invitees", args=[event.slug]), status=303)


@require_POST
@for_organiser
def link(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Send one invitee a new link (the old one stops working when it is sent), or revoke their link."""
    person = _invitee_of(event, request.POST.get("invitee"))
    if person.anonymised_at is not None:
        raise Http404("no such invitee")
    if request.POST.get("do") == "send" and person.email:
        invitations.queue_invitation(person)
        audit(request, event, "new-link", invitee=person.pk)
        messages.success(request, i18n.gettext("A new link is being sent to %(name)s.", name=person.name))
    else:
        invitations.revoke(person)
        audit(request, event, "revoke-link", invitee=person.pk)
        messages.success(request, i18n.gettext("The link of %(name)s no longer works.", name=person.name))
    return HttpResponseRedirect(reverse("web:organiser-invitees", args=[event.slug]), status=303)


def _export(request: HttpRequest, event: models.Event, what: str, fmt: str) -> HttpResponse:
    core = programme.published_event(event)
    if what == "attendance":
        header, rows = attendance.ATTENDANCE_HEADER, attendance.attendance_rows(event, core)
    elif what == "feedback":
        header, rows = feedback.FEEDBACK_HEADER, feedback.feedback_rows(feedback.summary(event, core))
    else:
        header, rows = attendance.INVITEE_HEADER, attendance.invitee_rows(event)
    audit(request, event, "export", what=what, format=fmt, rows=len(rows))
    name = f"{event.slug}-{what}"
    if fmt == "xlsx":
        data = simple_workbook([(what, [header, *rows])])
        return download(
            data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{name}.xlsx"
        )
    return download(csv_text([header, *rows]).encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv")


@require_safe
@for_organiser
def export(request: HttpRequest, event: models.Event, what: str, fmt: str) -> HttpResponse:
    if what not in ("attendance", "invitees", "feedback") or fmt not in ("csv", "xlsx"):
        raise Http404("no such export")
    return _export(request, event, what, fmt)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def check_in(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Check-in at the door: find a person, mark them present with one tap (or undo it); the people
    checked in last stay on top with an undo of their own. A POST returns to the same search and page."""
    if request.method == "POST":
        person = _invitee_of(event, request.POST.get("invitee"))
        present = request.POST.get("present") == "yes"
        people_search.set_present(person, present)
        messages.success(
            request,
            i18n.gettext(
                "%(name)s: %(state)s",
                name=person.name,
                state=i18n.gettext("present") if present else i18n.gettext("not present"),
            ),
        )
        back = people_search.Filters.from_form(request.POST.dict()).params()
        address = reverse("web:organiser-check-in", args=[event.slug])
        return HttpResponseRedirect(f"{address}?{urlencode(back)}" if back else address, status=303)
    return _list_page(
        request,
        event,
        "organiser/check_in.html",
        "organiser/_check_in_list.html",
        {"recent": people_search.recent_check_ins(event)},
    )


@require_safe
@for_organiser
def badge_sheet(request: HttpRequest, event: models.Event) -> HttpResponse:
    people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True).exclude(
        attending=models.Attendance.NO
    )
    audit(request, event, "badges", count=people.count())
    data = badges.badges_pdf(event, list(people.order_by("organisation", "name")))
    response = download(data, "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-badges.pdf"'
    return response
