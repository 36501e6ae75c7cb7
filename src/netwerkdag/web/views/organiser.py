"""The organisers' pages about an event as a whole: their events, a new event from a file, the event's
page, publishing, the event file, the deadline, mail, co-organisers. People (invitees, check-in) are in
people.py, the programme's shape (editing, the scheduler) in planning.py. Each page checks that the user
organises this event; another event's pages answer 404, as if they did not exist."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.web import charts, i18n, models
from netwerkdag.web.services import (
    accounts,
    attendance,
    dashboard,
    feedback,
    mail,
    programme,
)
from netwerkdag.web.views.common import (
    audit,
    download,
    for_organiser,
    organises,
    page,
    private,
    problem_lines,
    to_event,
)

Kind = models.OutgoingMail.Kind


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
        return _event_file_page(request, "organiser/new_event.html", {}, problem_lines(error))
    models.Organiser.objects.get_or_create(event=event, user=request.user)
    audit(request, event, "import-event", file=name)
    messages.success(request, i18n.gettext("The event file is imported as a draft."))
    return to_event(event)


@require_safe
@for_organiser
def event(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The event at a glance: what needs attention, the figures (answers, answers over time, fill per
    session; after the day its evaluation), then the programme's actions, mail, organisers and invitees."""
    board = dashboard.build(event, i18n.current())
    lang = i18n.current()
    return page(
        request,
        "organiser/event.html",
        {
            "event": event,
            "board": board,
            "answers_chart": charts.timeline_chart(
                board.timeline, i18n.current(), deadline=event.registration_deadline
            ),
            "fill_chart": charts.fill_chart(board.rounds),
            "step_text": dashboard.step_text,
            "counts": attendance.session_counts(event, board.core),
            "catering": attendance.catering(event),
            "waiting": attendance.waiting_lists(event),
            "invitees": models.Invitee.objects.filter(event=event).count(),
            "deadline": _local_input(event.registration_deadline, board.zone),
            "mail": mail.summary(event),
            "organisers": models.Organiser.objects.filter(event=event).select_related("user"),
            "evaluation": feedback.summary(event, board.core) if feedback.has_ended(event) else None,
            "one_decimal": lambda value: format_decimal(value, format="0.0", locale=lang),
        },
    )


def _local_input(moment: datetime | None, zone: ZoneInfo) -> str:
    """A datetime as the value of a datetime-local input, in the event's time zone."""
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


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
            return to_event(event)
        # In the event's time zone, as the event page shows it.
        event.registration_deadline = timezone.make_aware(
            parsed, dashboard.event_zone(programme.published_event(event))
        )
    event.save(update_fields=["registration_deadline", "updated_at"])
    audit(request, event, "deadline", deadline=value)
    messages.success(request, i18n.gettext("The deadline is saved."))
    return to_event(event)


@require_POST
@for_organiser
def publish(request: HttpRequest, event: models.Event) -> HttpResponse:
    try:
        version = programme.publish(event, request.user)
    except NetwerkdagError as error:
        for line in problem_lines(error):
            messages.error(request, line)
        return to_event(event)
    audit(request, event, "publish", version=version.number, changes=len(version.changes), told=version.told)
    messages.success(
        request,
        i18n.gettext(
            "Version %(n)s is published; %(told)s people will be told of changes.",
            n=version.number,
            told=version.told,
        ),
    )
    return to_event(event)


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
        return _event_file_page(request, "organiser/import_file.html", {"event": event}, problem_lines(error))
    audit(request, event, "import-event", file=name)
    messages.success(request, i18n.gettext("The draft is replaced; publish it to make it public."))
    return to_event(event)


@require_safe
@for_organiser
def download_draft(request: HttpRequest, event: models.Event) -> HttpResponse:
    return download(event.document.encode("utf-8"), "application/yaml; charset=utf-8", f"{event.slug}.yaml")


@require_POST
@for_organiser
def resend_mail(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Queue the event's failed mails again (each once: a sent mail is never sent again)."""
    count = mail.resend_failed(event)
    audit(request, event, "resend-mail", count=count)
    messages.success(request, i18n.gettext("%(n)s mails are being sent again.", n=count))
    return to_event(event)


@require_POST
@for_organiser
def add_organiser(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Invite a co-organiser by e-mail: an account (new, or the one with that address) organises this
    event too; a new account gets a link to set its password."""
    try:
        user, created = accounts.add_organiser(request.POST.get("email", ""), event)
    except accounts.AccountProblem as problem:
        messages.error(request, i18n.gettext(problem.message, **problem.values))
        return to_event(event)
    audit(request, event, "add-organiser", user=user.pk, new=created)
    if created:
        messages.success(
            request,
            i18n.gettext("%(email)s is invited; a link to set a password is on its way.", email=user.email),
        )
    else:
        messages.success(request, i18n.gettext("%(email)s now organises this event too.", email=user.email))
    return to_event(event)
