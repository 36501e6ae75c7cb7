"""The organisers' pages: their events, attendance, catering and waiting lists, exports, importing the
event file and invitees, publishing, invitations, check-in and badges. Each page checks that the user
organises this event; another event's pages answer 404, as if they did not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.tables import csv_text, simple_workbook
from netwerkdag.web import i18n, models
from netwerkdag.web.services import (
    accounts,
    attendance,
    badges,
    editing,
    invitations,
    invitees,
    mail,
    programme,
    scheduling,
)
from netwerkdag.web.services.workers import live_workers
from netwerkdag.web.views.common import download, page, private

View = Callable[..., HttpResponse]
Kind = models.OutgoingMail.Kind


def _to_event(event: models.Event) -> HttpResponse:
    """After a change: back to the event's page (303, so that reloading it sends nothing again)."""
    return HttpResponseRedirect(reverse("web:organiser-event", args=[event.slug]), status=303)


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


class UploadProblem(Exception):
    """An upload that cannot be read: the message says what to do."""


def _uploaded_text(request: HttpRequest) -> tuple[str, str]:
    """The text and name of the uploaded event file."""
    upload = request.FILES.get("file")
    if upload is None or upload.size > settings.NETWERKDAG_MAX_UPLOAD:
        raise UploadProblem(i18n.gettext("Choose an event file (YAML, at most 5 MB)."))
    try:
        return upload.read().decode("utf-8"), upload.name or "event.yaml"
    except UnicodeDecodeError:
        raise UploadProblem(i18n.gettext("The file is not UTF-8 text.")) from None


def _event_file_page(
    request: HttpRequest, template: str, context: dict[str, Any], problems: list[str]
) -> HttpResponse:
    return private(
        page(request, template, {**context, "problems": problems}, status=400 if problems else 200)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_event(request: HttpRequest) -> HttpResponse:
    """Import an event file as a new event (the importer becomes its organiser). Only for users who may
    add events (the permission web.add_event, given in the admin); others run the events they are given."""
    if not request.user.has_perm("web.add_event"):
        raise PermissionDenied
    if request.method != "POST":
        return _event_file_page(request, "organiser/new_event.html", {}, [])
    try:
        text, name = _uploaded_text(request)
        core = programme.event_from_document(text, name)
        existing = models.Event.objects.filter(slug=core.slug).first()
        if existing is not None and not organises(request.user, existing):
            raise UploadProblem(i18n.gettext("An event with this slug exists and you do not organise it."))
        event = programme.import_event(text, name)
    except UploadProblem as problem:
        return _event_file_page(request, "organiser/new_event.html", {}, [str(problem)])
    except NetwerkdagError as error:
        return _event_file_page(request, "organiser/new_event.html", {}, _problems(request, error))
    models.Organiser.objects.get_or_create(event=event, user=request.user)
    audit(request, event, "import-event", file=name)
    messages.success(request, i18n.gettext("The event file is imported as a draft."))
    return _to_event(event)


def _invitee_of(event: models.Event, value: str | None) -> models.Invitee:
    """The event's invitee with the id a form sent; 404 for anything else (another event's, not a number)."""
    if not value or not (value.isascii() and value.isdigit()):  # "²".isdigit(), but int("²") fails
        raise Http404("no such invitee")
    person = models.Invitee.objects.filter(event=event, pk=int(value)).first()
    if person is None:
        raise Http404("no such invitee")
    return person


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
            "runs": event.scheduling_runs.all()[:5],
            "deadline": _local_input(event.registration_deadline),
            "mail": mail.summary(event),
            "workers": live_workers(),
            "organisers": models.Organiser.objects.filter(event=event).select_related("user"),
        },
    )


def _local_input(moment: Any) -> str:
    """A datetime as the value of a datetime-local input, in the site's time zone."""
    return "" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@require_POST
@for_organiser
def deadline(request: HttpRequest, event: models.Event) -> HttpResponse:
    value = request.POST.get("deadline", "").strip()
    if not value:
        event.registration_deadline = None
    else:
        try:
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            messages.error(request, i18n.gettext("Give the date and time as 2023-02-03 17:00."))
            return _to_event(event)
        event.registration_deadline = timezone.make_aware(parsed)
    event.save(update_fields=["registration_deadline", "updated_at"])
    audit(request, event, "deadline", deadline=value)
    messages.success(request, i18n.gettext("The deadline is saved."))
    return _to_event(event)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def sessions(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Edit rooms (name, capacity) and sessions (title, slot, room) of the draft."""
    problems: list[str] = []
    if request.method == "POST":
        core = programme.draft_event(event)
        post = request.POST
        try:
            room_edits = {
                r.id: editing.RoomEdit(
                    post.get(f"room-{r.id}-name", r.name).strip() or r.name,
                    int(post.get(f"room-{r.id}-capacity", r.capacity)),
                )
                for r in core.rooms
            }
        except ValueError:
            room_edits = {}
            problems = [i18n.gettext("A capacity must be a whole number.")]
        session_edits = {
            s.id: editing.SessionEdit(
                post.get(f"session-{s.id}-title", s.title).strip() or s.title,
                post.get(f"session-{s.id}-block", s.block or "") or s.block,
                (post.get(f"session-{s.id}-room", s.room or "") or None) if not s.venue_wide else s.room,
            )
            for s in core.sessions
        }
        if not problems:
            try:
                changed = editing.apply(event, room_edits, session_edits)
            except NetwerkdagError as error:
                problems = [f"{p.field}: {p.message}" if p.path else p.message for p in error.problems]
            else:
                audit(request, event, "edit-draft", changed=changed)
                messages.success(request, i18n.gettext("%(n)s changes saved in the draft.", n=changed))
                return HttpResponseRedirect(reverse("web:organiser-sessions", args=[event.slug]), status=303)
        event.refresh_from_db()
    core = programme.draft_event(event)
    blocks = [b for b in core.blocks if b.kind.value != "transfer"]
    return page(
        request,
        "organiser/sessions.html",
        {"event": event, "core": core, "blocks": blocks, "problems": problems},
        status=400 if problems else 200,
    )


@require_POST
@for_organiser
def publish(request: HttpRequest, event: models.Event) -> HttpResponse:
    try:
        version = programme.publish(event, request.user)
    except NetwerkdagError as error:
        for line in _problems(request, error):
            messages.error(request, line)
        return _to_event(event)
    audit(request, event, "publish", version=version.number, changes=len(version.changes), told=version.told)
    messages.success(
        request,
        i18n.gettext(
            "Version %(n)s is published; %(told)s people will be told of changes.",
            n=version.number,
            told=version.told,
        ),
    )
    return _to_event(event)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def import_file(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Replace the draft with a new version of the event file."""
    if request.method != "POST":
        return _event_file_page(request, "organiser/import_file.html", {"event": event}, [])
    try:
        text, name = _uploaded_text(request)
        programme.import_event(text, name, slug=event.slug)
    except UploadProblem as problem:
        return _event_file_page(request, "organiser/import_file.html", {"event": event}, [str(problem)])
    except NetwerkdagError as error:
        return _event_file_page(
            request, "organiser/import_file.html", {"event": event}, _problems(request, error)
        )
    audit(request, event, "import-event", file=name)
    messages.success(request, i18n.gettext("The draft is replaced; publish it to make it public."))
    return _to_event(event)


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
    """Queue an invitation, with a new personal link, for every invitee with an address who has none
    queued or sent yet (or for one person). Asking twice adds nothing."""
    people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True).exclude(email="")
    if "invitee" in request.POST:
        people = people.filter(pk=_invitee_of(event, request.POST.get("invitee")).pk)
    else:
        done = (
            models.OutgoingMail.Status.QUEUED,
            models.OutgoingMail.Status.SENDING,
            models.OutgoingMail.Status.SENT,
        )
        invited = models.OutgoingMail.objects.filter(kind=Kind.INVITATION, status__in=done)
        # One subquery (two conditions on `mails__` in exclude() may match two different mails); and
        # whoever has a link marked sent (before the outbox existed) is invited already.
        people = people.exclude(pk__in=invited.values("invitee_id"))
        people = people.exclude(invitations__sent_at__isnull=False)
    with transaction.atomic():
        queued = sum(mail.queue(Kind.INVITATION, invitee=person) is not None for person in people)
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
        mail.queue(Kind.INVITATION, invitee=person)
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
        person = _invitee_of(event, request.POST.get("invitee"))
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
            | Q(pk=query if query.isascii() and query.isdigit() else 0)
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


def _run_of(event: models.Event, run_id: int) -> models.SchedulingRun:
    run = models.SchedulingRun.objects.filter(event=event, pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return run


@require_POST
@for_organiser
def schedule_start(request: HttpRequest, event: models.Event) -> HttpResponse:
    try:
        limit = float(request.POST.get("time_limit", "10"))
    except ValueError:
        limit = 10.0
    try:
        run = scheduling.start(event, limit, request.user)
    except NetwerkdagError as error:
        for line in _problems(request, error):
            messages.error(request, line)
        return _to_event(event)
    except scheduling.Busy as busy:
        messages.error(request, i18n.gettext(str(busy)))
        return _to_event(event)
    audit(request, event, "schedule", run=run.pk, time_limit=run.time_limit)
    return HttpResponseRedirect(reverse("web:organiser-schedule-run", args=[event.slug, run.pk]), status=303)


@require_safe
@for_organiser
def schedule_run(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    run = _run_of(event, run_id)
    return page(
        request,
        "organiser/schedule_run.html",
        {
            "event": event,
            "run": run,
            "changes": scheduling.plan_changes(run),
            "stale": run.source_document != event.document,
            "workers": live_workers("scheduling"),
        },
    )


@require_safe
@for_organiser
def schedule_progress(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    return JsonResponse(scheduling.progress_json(_run_of(event, run_id)))


@require_POST
@for_organiser
def schedule_decide(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    run = _run_of(event, run_id)
    if run.status != models.SchedulingRun.Status.DONE:
        raise Http404("nothing to decide")
    if request.POST.get("decision") == "accept":
        try:
            scheduling.accept(run)
        except scheduling.StaleDraft:
            messages.error(
                request, i18n.gettext("The draft changed after this plan was made; run the scheduler again.")
            )
            return HttpResponseRedirect(
                reverse("web:organiser-schedule-run", args=[event.slug, run.pk]), status=303
            )
        audit(request, event, "schedule-accept", run=run.pk)
        messages.success(request, i18n.gettext("The plan is now the draft; publish it to make it public."))
    else:
        scheduling.reject(run)
        audit(request, event, "schedule-reject", run=run.pk)
        messages.success(request, i18n.gettext("The plan is rejected; the draft is unchanged."))
    return _to_event(event)


@require_POST
@for_organiser
def resend_mail(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Queue the event's failed mails again (each once: a sent mail is never sent again)."""
    count = mail.resend_failed(event)
    audit(request, event, "resend-mail", count=count)
    messages.success(request, i18n.gettext("%(n)s mails are being sent again.", n=count))
    return _to_event(event)


@require_POST
@for_organiser
def add_organiser(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Invite a co-organiser by e-mail: an account (new, or the one with that address) organises this
    event too; a new account gets a link to set its password."""
    try:
        user, created = accounts.add_organiser(request.POST.get("email", ""), event)
    except accounts.AccountProblem as problem:
        messages.error(request, i18n.gettext(problem.message, **problem.values))
        return _to_event(event)
    audit(request, event, "add-organiser", user=user.pk, new=created)
    if created:
        messages.success(
            request,
            i18n.gettext("%(email)s is invited; a link to set a password is on its way.", email=user.email),
        )
    else:
        messages.success(request, i18n.gettext("%(email)s now organises this event too.", email=user.email))
    return _to_event(event)
