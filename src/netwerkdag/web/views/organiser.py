"""The organisers' pages: their events, attendance, catering and waiting lists, exports, importing the
event file and invitees, publishing, invitations, check-in and badges. Each page checks that the user
organises this event; another event's pages answer 404, as if they did not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.tables import csv_text, simple_workbook
from netwerkdag.web import i18n, models
from netwerkdag.web.services import attendance, badges, invitations, invitees, mail, programme
from netwerkdag.web.views.common import download, page, private

View = Callable[..., HttpResponse]
MAX_UPLOAD = 5 * 1024 * 1024


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


def organises(user: Any, event: models.Event) -> bool:
    return bool(user.is_superuser or models.Organiser.objects.filter(event=event, user=user).exists())


def for_organiser(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        event = models.Event.objects.filter(slug=slug).first()
        if event is None or not organises(request.user, event):
            raise Http404("no such event")
        return private(view(request, event, **kwargs))

    return wrapped


def audit(request: HttpRequest, event: models.Event | None, action: str, **detail: Any) -> None:
    models.AuditEntry.objects.create(user=request.user, event=event, action=action, detail=detail)


def _problems(request: HttpRequest, error: NetwerkdagError) -> list[str]:
    return [str(p) for p in error.problems]


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    events = models.Event.objects.all()
    if not request.user.is_superuser:
        events = events.filter(organisers__user=request.user)
    return private(page(request, "organiser/home.html", {"events": events}))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_event(request: HttpRequest) -> HttpResponse:
    """Import an event file as a new event (the importer becomes its organiser)."""
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_UPLOAD:
            problems = [i18n.gettext("Choose an event file (YAML, at most 5 MB).")]
        else:
            try:
                text = upload.read().decode("utf-8")
                core = programme.event_from_document(text, upload.name or "event.yaml")
                existing = models.Event.objects.filter(slug=core.slug).first()
                if existing is not None and not organises(request.user, existing):
                    problems = [i18n.gettext("An event with this slug exists and you do not organise it.")]
                else:
                    event = programme.import_event(text, upload.name or "event.yaml")
                    models.Organiser.objects.get_or_create(event=event, user=request.user)
                    audit(request, event, "import-event", file=upload.name)
                    messages.success(request, i18n.gettext("The event file is imported as a draft."))
                    return HttpResponseRedirect(reverse("web:organiser-event", args=[event.slug]), status=303)
            except UnicodeDecodeError:
                problems = [i18n.gettext("The file is not UTF-8 text.")]
            except NetwerkdagError as error:
                problems = _problems(request, error)
    return private(
        page(request, "organiser/new_event.html", {"problems": problems}, status=400 if problems else 200)
    )


@require_safe
@for_organiser
def event(request: HttpRequest, event: models.Event) -> HttpResponse:
    core = programme.published_event(event)
    draft_problems: list[str] = []
    try:
        programme.draft_event(event)
    except NetwerkdagError as error:
        draft_problems = _problems(request, error)
    version = event.published
    return page(
        request,
        "organiser/event.html",
        {
            "event": event,
            "version": version,
            "unpublished": version is None or version.document != event.document,
            "draft_problems": draft_problems,
            "counts": attendance.session_counts(event, core),
            "catering": attendance.catering(event),
            "waiting": attendance.waiting_lists(event),
            "invitees": models.Invitee.objects.filter(event=event).count(),
            "versions": event.versions.all()[:10],
        },
    )


@require_POST
@for_organiser
def publish(request: HttpRequest, event: models.Event) -> HttpResponse:
    try:
        version = programme.publish(event, request.user)
    except NetwerkdagError as error:
        for line in _problems(request, error):
            messages.error(request, line)
        return HttpResponseRedirect(reverse("web:organiser-event", args=[event.slug]), status=303)
    told = 0
    moved = {c["session"] for c in version.changes if c["what"] in ("moved", "removed")}
    if moved:
        affected = models.Invitee.objects.filter(
            event=event, registrations__seats__session_id__in=moved
        ).distinct()
        for person in affected:
            mine = [
                c
                for c in version.changes
                if c["session"] in set(person.registrations.values_list("seats__session_id", flat=True))
            ]
            told += mail.send_programme_changed(person, mine)
    audit(request, event, "publish", version=version.number, changes=len(version.changes), told=told)
    messages.success(
        request,
        i18n.gettext(
            "Version %(n)s is published; %(told)s people were told of changes.", n=version.number, told=told
        ),
    )
    return HttpResponseRedirect(reverse("web:organiser-event", args=[event.slug]), status=303)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def import_file(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Replace the draft with a new version of the event file."""
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_UPLOAD:
            problems = [i18n.gettext("Choose an event file (YAML, at most 5 MB).")]
        else:
            try:
                programme.import_event(
                    upload.read().decode("utf-8"), upload.name or "event.yaml", slug=event.slug
                )
                audit(request, event, "import-event", file=upload.name)
                messages.success(
                    request, i18n.gettext("The draft is replaced; publish it to make it public.")
                )
                return HttpResponseRedirect(reverse("web:organiser-event", args=[event.slug]), status=303)
            except UnicodeDecodeError:
                problems = [i18n.gettext("The file is not UTF-8 text.")]
            except NetwerkdagError as error:
                problems = _problems(request, error)
    return page(
        request,
        "organiser/import_file.html",
        {"event": event, "problems": problems},
        status=400 if problems else 200,
    )


@require_safe
@for_organiser
def download_draft(request: HttpRequest, event: models.Event) -> HttpResponse:
    return download(event.document.encode("utf-8"), "application/yaml; charset=utf-8", f"{event.slug}.yaml")


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
        if upload is None or upload.size > MAX_UPLOAD:
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
                problems = _problems(request, error)
    people = models.Invitee.objects.filter(event=event).order_by("name")
    return page(
        request,
        "organiser/invitees.html",
        {"event": event, "problems": problems, "people": people},
        status=400 if problems else 200,
    )


@require_POST
@for_organiser
def send_invitations(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Send a new personal link to every invitee with an address who has not had one (or to one person)."""
    people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True).exclude(email="")
    if request.POST.get("invitee"):
        people = people.filter(pk=request.POST["invitee"])
    else:
        people = people.exclude(invitations__sent_at__isnull=False)
    sent = 0
    for person in people:
        token = invitations.invite(person)
        if mail.send_invitation(person, invitations.link(token)):
            models.Invitation.objects.filter(token_hash=invitations.token_hash(token)).update(
                sent_at=timezone.now()
            )
            sent += 1
    audit(request, event, "send-invitations", sent=sent)
    messages.success(request, i18n.gettext("%(n)s invitations sent.", n=sent))
    return HttpResponseRedirect(reverse("web:organiser-invitees", args=[event.slug]), status=303)


def _export(request: HttpRequest, event: models.Event, what: str, fmt: str) -> HttpResponse:
    core = programme.published_event(event)
    if what == "attendance":
        header, rows = attendance.ATTENDANCE_HEADER, attendance.attendance_rows(event, core)
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
    if what not in ("attendance", "invitees") or fmt not in ("csv", "xlsx"):
        raise Http404("no such export")
    return _export(request, event, what, fmt)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def check_in(request: HttpRequest, event: models.Event) -> HttpResponse:
    if request.method == "POST":
        person = models.Invitee.objects.filter(event=event, pk=request.POST.get("invitee") or 0).first()
        if person is None:
            raise Http404("no such invitee")
        present = request.POST.get("present") == "yes"
        person.checked_in_at = timezone.now() if present else None
        person.save(update_fields=["checked_in_at"])
        messages.success(
            request,
            i18n.gettext(
                "%(name)s: %(state)s",
                name=person.name,
                state=i18n.gettext("present") if present else i18n.gettext("not present"),
            ),
        )
        return HttpResponseRedirect(
            reverse("web:organiser-check-in", args=[event.slug]) + "?q=" + request.POST.get("q", ""),
            status=303,
        )
    query = request.GET.get("q", "").strip()
    people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True)
    if query:
        people = people.filter(
            Q(name__icontains=query)
            | Q(organisation__icontains=query)
            | Q(pk=query if query.isdigit() else 0)
        )
    present = models.Invitee.objects.filter(event=event, checked_in_at__isnull=False).count()
    return page(
        request,
        "organiser/check_in.html",
        {"event": event, "people": people.order_by("name")[:50], "q": query, "present": present},
    )


@require_safe
@for_organiser
def badge_sheet(request: HttpRequest, event: models.Event) -> HttpResponse:
    people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True).exclude(attending="no")
    audit(request, event, "badges", count=people.count())
    data = badges.badges_pdf(event, list(people.order_by("organisation", "name")))
    response = download(data, "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-badges.pdf"'
    return response
