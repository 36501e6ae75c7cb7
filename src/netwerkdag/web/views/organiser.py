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
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.tables import csv_text, simple_workbook
from netwerkdag.web import i18n, models
from netwerkdag.web.services import (
    attendance,
    badges,
    editing,
    invitations,
    invitees,
    mail,
    programme,
    ratelimit,
    scheduling,
)
from netwerkdag.web.views.common import download, page, private

View = Callable[..., HttpResponse]
MAX_UPLOAD = 5 * 1024 * 1024


class LoginView(auth_views.LoginView):
    """Django's login, with failed attempts counted per address in the database: past the limit the
    answer is 429 until the window has passed (several app servers count together)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def _key(self) -> str:
        return f"login:{self.request.META.get('REMOTE_ADDR', 'unknown')}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit, window = settings.NETWERKDAG_LOGIN_ATTEMPTS, settings.NETWERKDAG_TOKEN_WINDOW_S
        if ratelimit.over_limit(self._key(), limit, window):
            response = page(request, "too_many.html", {}, status=429)
            response["Retry-After"] = str(window)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        ratelimit.count(self._key(), settings.NETWERKDAG_TOKEN_WINDOW_S)
        return super().form_invalid(form)


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
    if upload is None or upload.size > MAX_UPLOAD:
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
    told = 0
    moved = {c["session"] for c in version.changes if c["what"] in ("moved", "removed")}
    held: dict[int, set[str]] = {}
    rows = models.Registration.objects.filter(seats__event=event, seats__session_id__in=moved)
    for invitee_id, session_id in rows.values_list("invitee_id", "seats__session_id"):
        held.setdefault(invitee_id, set()).add(session_id)
    for person in models.Invitee.objects.filter(pk__in=held):
        told += mail.send_programme_changed(
            person, [c for c in version.changes if c["session"] in held[person.pk]]
        )
    audit(request, event, "publish", version=version.number, changes=len(version.changes), told=told)
    messages.success(
        request,
        i18n.gettext(
            "Version %(n)s is published; %(told)s people were told of changes.", n=version.number, told=told
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


@require_POST
@for_organiser
def link(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Send one invitee a new link (the old one stops working), or revoke their link."""
    person = models.Invitee.objects.filter(event=event, pk=request.POST.get("invitee") or 0).first()
    if person is None or person.anonymised_at is not None:
        raise Http404("no such invitee")
    if request.POST.get("do") == "send" and person.email:
        token = invitations.invite(person)
        if mail.send_invitation(person, invitations.link(token)):
            models.Invitation.objects.filter(token_hash=invitations.token_hash(token)).update(
                sent_at=timezone.now()
            )
        audit(request, event, "new-link", invitee=person.pk)
        messages.success(request, i18n.gettext("A new link is sent to %(name)s.", name=person.name))
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


def _run_of(event: models.Event, run_id: int) -> models.SchedulingRun:
    run = models.SchedulingRun.objects.filter(event=event, pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return scheduling.refresh(run)


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
