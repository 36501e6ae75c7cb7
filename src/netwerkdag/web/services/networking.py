"""The networking room's people side (issue 20): who may be found, whom to meet, and who asked whom.

- **Consent** (`opt_in`, `opt_out`, `set_accepts`): a person appears in the day's directory only while
  a `NetworkingConsent` row exists, which only they make, from their personal link, and only while they
  come (`Invitee.attending` yes, not withdrawn or anonymised). Withdrawing deletes the row, calls off
  their requests that nobody accepted yet and declines the requests to them still waiting; meetings
  already agreed (a request with an accepted answer) stay until someone cancels or declines them.
  `accepts_requests` False: findable, but nobody can ask them. Saying "I won't come" (`not_coming`,
  from services/registration.py) does the same in the registration's transaction; the meetings agreed
  then no longer take place while the person does not come.
- **The directory** (`directory`): the day's people in it (`listed`) except oneself, shown only to a
  person who is in it: name, organisation (the network's name when the person is in the network, else
  the invitee list's text), role, portfolios, theme groups and pillars (from the event's network).
  Filters on portfolio, theme group, organisation and pillar, and words of the name or organisation;
  `PAGE` people a page, with the count of the rest.
- **Suggestions** (`suggestions`): people of the directory who take requests from the person and whom
  the person has not blocked: those with a portfolio of the person's in another member city (ranked
  higher when their organisations did not meet at the network's last `LAST_DAYS` days, by the reach
  module's meeting graph: `core.reach.meetings` over `services.reach.network_days`), and those in one
  of the person's theme groups who sit in another session at the same time as one of the person's.
  Each says why.
- **Requests** (`ask`): one person asks up to `MAX_ASKED_PER_REQUEST` others of the directory for 15
  or 30 minutes on a subject. Refused whole (`NetworkingRefusal`): someone not in the directory, not
  taking requests, who blocked the requester or whom the requester blocked (said as "does not take
  requests": a block is not told), oneself, more than `MAX_OPEN_REQUESTS` requests waiting for
  answers, a request to someone who has one of the requester's waiting already, or to someone who
  declined one of the requester's requests at this day. Each asked person is mailed (MEETING_REQUEST)
  in the same transaction. The requester's and the asked people's rows are locked first, in id order.
- **Answers** (`answer`, `cancel`, `block`, `unblock`): the asked accept or decline (and may change
  their answer while the request stands); the requester is mailed (MEETING_ANSWER; one mail per
  request and person while it waits to be sent: a changed answer changes that mail). The requester may
  call a request off; those who had accepted are mailed (MEETING_ANSWER with ``cancelled``). A block
  declines the blocked person's waiting requests to the blocker.
- **The placement follows**: a change to the meetings that take place (an accepted answer; a meeting
  with a table called off, declined or left) queues a new placement (`meetings.queue_placement`, which
  does nothing before the organisers placed once).
- **Personal data** (`personal_networking`, `forget_person`, `forget_event`): the download holds the
  consent, blocks, requests and answers; withdrawal deletes them all, as does anonymisation.

A request "waits for answers" (is *open*) while it is not called off and one of its answers is pending.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.network import Network, OrganisationKind
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.core.reach import meetings as reach_meetings
from netwerkdag.publish.i18n import format_time
from netwerkdag.web import models
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.services import feedback, mail, programme
from netwerkdag.web.services import reach as reach_service

MAX_OPEN_REQUESTS = models.MAX_OPEN_REQUESTS
MAX_ASKED_PER_REQUEST = models.MAX_ASKED_PER_REQUEST
MEETING_MINUTES = models.MEETING_MINUTES
#: People of the directory on one page.
PAGE = 30
#: Suggestions shown at most.
SUGGESTIONS = 8
#: The network's last days whose meeting graph tells which organisations met recently.
LAST_DAYS = 3
#: The longest filter value or search text read from a request.
MAX_FILTER = 100
#: The longest subject of a request (the model's field).
MAX_SUBJECT = 200

Answer = models.MeetingAnswer.Answer


class NetworkingRefusal(Refusal):
    """What the person asked cannot be done; nothing was changed."""


class NotAvailable(Exception):
    """The event has no networking space, or its day is over: the pages say so, nothing changes."""


# --- the day and who is in it -------------------------------------------------------------------------------


def networking_event(event: models.Event) -> CoreEvent | None:
    """The published programme when it has a networking space; None otherwise."""
    core = programme.published_event(event)
    if core is None or not core.networking:
        return None
    return core


def is_open(event: models.Event, *, now: datetime | None = None) -> bool:
    """Whether people may still opt in, ask and answer: until the day is over, not anonymised."""
    return event.anonymised_at is None and not feedback.has_ended(event, now=now)


def may_join(invitee: models.Invitee) -> bool:
    """Whether the person may be in the directory: they come, and have not withdrawn or been anonymised."""
    return (
        invitee.attending == models.Attendance.YES
        and invitee.withdrawn_at is None
        and invitee.anonymised_at is None
    )


def listed(event_id: int) -> QuerySet[models.Invitee]:
    """The people in the day's directory: they agreed, come, and neither withdrew nor were anonymised."""
    return models.Invitee.objects.filter(
        event_id=event_id,
        networking__isnull=False,
        attending=models.Attendance.YES,
        withdrawn_at__isnull=True,
        anonymised_at__isnull=True,
    )


def is_listed(invitee: models.Invitee) -> bool:
    return listed(invitee.event_id).filter(pk=invitee.pk).exists()


def consent_of(invitee: models.Invitee) -> models.NetworkingConsent | None:
    return models.NetworkingConsent.objects.filter(invitee=invitee).first()


def _check_open(event: models.Event) -> None:
    if not is_open(event):
        raise NetworkingRefusal(N_("The day is over: nothing can be changed here any more."))


def opt_in(invitee: models.Invitee, *, accepts_requests: bool = True) -> models.NetworkingConsent:
    """Put the person in the directory (or change whether they take requests). Refused for someone who
    does not come."""
    _check_open(invitee.event)
    with transaction.atomic():
        person = models.Invitee.objects.select_for_update().get(pk=invitee.pk)
        if not may_join(person):
            raise NetworkingRefusal(
                N_("Only people who have said they will come can be in the directory. Register first.")
            )
        found, _ = models.NetworkingConsent.objects.update_or_create(
            invitee=person, defaults={"accepts_requests": accepts_requests}
        )
    return found


def set_accepts(invitee: models.Invitee, accepts_requests: bool) -> None:
    """Whether the person takes meeting requests; only for someone in the directory."""
    _check_open(invitee.event)
    with transaction.atomic():
        _lock_people([invitee.pk])
        changed = models.NetworkingConsent.objects.filter(invitee=invitee).update(
            accepts_requests=accepts_requests
        )
        if not changed:
            raise NetworkingRefusal(N_("You are not in the directory."))


def _lock_people(invitee_ids: Iterable[int]) -> None:
    """Lock these invitees' rows, in ascending id order (two changes that touch the same people take
    turns instead of deadlocking)."""
    wanted = sorted(set(invitee_ids))
    list(models.Invitee.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk"))


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """What withdrawing from the directory changed."""

    called_off: int
    declined: int


def opt_out(invitee: models.Invitee) -> Withdrawn:
    """Take the person out of the directory: the consent deleted, their requests that nobody accepted
    called off, the requests to them still waiting declined (their requesters are told). Meetings
    already agreed stay. Allowed after the day too (it only removes)."""
    with transaction.atomic():
        _lock_people([invitee.pk])
        return _leave(invitee)


def not_coming(invitee: models.Invitee) -> Withdrawn:
    """The person no longer comes (their attendance changed away from "yes"): what `opt_out` does, and
    a new placement when a meeting of theirs had a table (it no longer takes place without them). Call
    inside the transaction that changes the attendance, with the person's row locked."""
    placed = _placed_with(invitee)
    gone = _leave(invitee)
    if placed:
        _follow(invitee.event)
    return gone


def _leave(invitee: models.Invitee) -> Withdrawn:
    now = timezone.now()
    models.NetworkingConsent.objects.filter(invitee=invitee).delete()
    called_off = _unaccepted_requests(invitee).update(cancelled_at=now)
    declined = _decline_pending(
        models.MeetingAnswer.objects.filter(invitee=invitee, request__cancelled_at__isnull=True), now
    )
    return Withdrawn(called_off, declined)


def _placed_with(invitee: models.Invitee) -> bool:
    """Whether a meeting the person is in (as requester, or having accepted) has a table and a time."""
    mine = Q(request__requester=invitee)
    accepted = Q(request__answers__invitee=invitee, request__answers__answer=Answer.ACCEPTED)
    found = models.MeetingPlacement.objects.filter(mine | accepted, request__cancelled_at__isnull=True)
    return found.exists()


def sessions_changed(invitee: models.Invitee) -> None:
    """The person took or gave up a seat in a session: when a meeting of theirs has a table and a time,
    queue a new placement (the session may now lie over the meeting, or free a better time)."""
    if _placed_with(invitee):
        _follow(invitee.event)


def _follow(event: models.Event) -> None:
    """Queue a new placement of the event's meetings (it does nothing before the organisers placed once)."""
    from netwerkdag.web.services import meetings  # here, against an import cycle with services/meetings.py

    meetings.queue_placement(event)


def _decline_pending(answers: QuerySet[models.MeetingAnswer], now: datetime) -> int:
    """Decline those of these answers that are still pending, and tell each requester; returns how
    many changed (an answer given meanwhile stays as it is, and nobody is mailed for it)."""
    found = list(answers.filter(answer=Answer.PENDING).select_related("request", "request__requester"))
    declined = 0
    for one in found:
        changed = models.MeetingAnswer.objects.filter(pk=one.pk, answer=Answer.PENDING).update(
            answer=Answer.DECLINED, answered_at=now
        )
        if changed:
            declined += 1
            _queue_answer_mail(one.request, one.invitee_id, Answer.DECLINED)
    return declined


def _open_requests(invitee: models.Invitee) -> QuerySet[models.MeetingRequest]:
    pending = models.MeetingAnswer.objects.filter(request=OuterRef("pk"), answer=Answer.PENDING)
    return models.MeetingRequest.objects.filter(requester=invitee, cancelled_at__isnull=True).filter(
        Exists(pending)
    )


def _unaccepted_requests(invitee: models.Invitee) -> QuerySet[models.MeetingRequest]:
    """The person's requests waiting for answers that nobody accepted (one with an accepted answer is a
    meeting agreed: it stays)."""
    accepted = models.MeetingAnswer.objects.filter(request=OuterRef("pk"), answer=Answer.ACCEPTED)
    return _open_requests(invitee).exclude(Exists(accepted))


def open_count(invitee: models.Invitee) -> int:
    """The person's requests waiting for answers."""
    return _open_requests(invitee).count()


# --- the directory ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Card:
    """A person as the directory shows them. `organisation_id` is the network's id (None outside the
    network); `groups` are (id, name) pairs; `takes_requests` whether the viewer may ask them."""

    invitee_id: int
    name: str
    organisation: str
    organisation_id: str | None
    place: str
    role: str
    portfolios: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]
    pillars: tuple[tuple[str, str], ...]
    takes_requests: bool
    member_city: bool = False

    @property
    def group_ids(self) -> frozenset[str]:
        return frozenset(g for g, _ in self.groups)

    @property
    def pillar_ids(self) -> frozenset[str]:
        return frozenset(p for p, _ in self.pillars)


def _card(invitee: models.Invitee, network: Network, takes_requests: bool) -> Card:
    organisation, place, role = invitee.organisation, invitee.organisation, invitee.role
    organisation_id: str | None = None
    portfolios: tuple[str, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()
    pillars: tuple[tuple[str, str], ...] = ()
    member = False
    if invitee.person_id and network.has_person(invitee.person_id):
        person = network.person(invitee.person_id)
        role = role or person.role
        portfolios = person.portfolios
        groups = tuple((g, network.group(g).name) for g in person.groups if network.has_group(g))
        pillars = tuple(
            (p, network.pillar(p).name) for p in sorted(network.pillars_of(person)) if network.has_pillar(p)
        )
        if person.organisation is not None and network.has_organisation(person.organisation):
            org = network.organisation(person.organisation)
            organisation, organisation_id, place = org.name, org.id, org.display_name
            member = org.member and org.kind is OrganisationKind.MUNICIPALITY
    return Card(
        invitee.pk,
        invitee.name,
        organisation,
        organisation_id,
        place,
        role,
        portfolios,
        groups,
        pillars,
        takes_requests,
        member,
    )


def _blocked_either_way(invitee: models.Invitee) -> tuple[set[int], set[int]]:
    """(whom the person blocked, who blocked the person)."""
    mine = set(models.MeetingBlock.objects.filter(blocker=invitee).values_list("blocked_id", flat=True))
    theirs = set(models.MeetingBlock.objects.filter(blocked=invitee).values_list("blocker_id", flat=True))
    return mine, theirs


def cards(invitee: models.Invitee, core: CoreEvent) -> list[Card]:
    """Everyone in the directory but the person, by name; `takes_requests` False for someone who takes
    none, blocked the person or was blocked by them (the card does not say which)."""
    mine, theirs = _blocked_either_way(invitee)
    people = (
        listed(invitee.event_id).exclude(pk=invitee.pk).select_related("networking").order_by("name", "pk")
    )
    return [
        _card(p, core.network, p.networking.accepts_requests and p.pk not in mine | theirs) for p in people
    ]


@dataclass(frozen=True, slots=True)
class Filters:
    """The directory's filters, each "" when not used."""

    portfolio: str = ""
    group: str = ""
    organisation: str = ""
    pillar: str = ""
    words: str = ""
    page: int = 1

    @property
    def any(self) -> bool:
        return bool(self.portfolio or self.group or self.organisation or self.pillar or self.words)


FILTER_NAMES = ("portfolio", "group", "organisation", "pillar", "q")


def read_filters(query: Mapping[str, str]) -> tuple[Filters, list[str]]:
    """The filters of a query string, each at most MAX_FILTER characters; with the messages (English, in
    the catalogue) of what was left out."""
    problems: list[str] = []
    values: dict[str, str] = {}
    for name in FILTER_NAMES:
        text = " ".join(str(query.get(name, "")).split())
        if len(text) > MAX_FILTER:
            problems.append(N_("A filter or search text was too long and is left out."))
            text = ""
        values[name] = text
    page_text = str(query.get("page", "1")).strip()
    page = int(page_text) if page_text.isascii() and page_text.isdigit() and len(page_text) <= 5 else 1
    filters = Filters(
        values["portfolio"],
        values["group"],
        values["organisation"],
        values["pillar"],
        values["q"],
        max(1, page),
    )
    return filters, problems


@dataclass(frozen=True, slots=True)
class Options:
    """What the filters may choose: the values the directory's people have."""

    portfolios: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]
    organisations: tuple[str, ...]
    pillars: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Directory:
    """One page of the directory: `shown` of `matching` people (of `total` in it besides the viewer)."""

    shown: tuple[Card, ...]
    matching: int
    total: int
    page: int
    pages: int
    filters: Filters
    options: Options
    problems: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.first + len(self.shown) - 1 if self.shown else 0

    @property
    def more(self) -> int:
        """The matching people after this page."""
        return max(0, self.matching - self.last)


def _options(found: Sequence[Card]) -> Options:
    return Options(
        tuple(sorted({p for c in found for p in c.portfolios}, key=str.casefold)),
        tuple(sorted({g for c in found for g in c.groups}, key=lambda g: g[1].casefold())),
        tuple(sorted({c.organisation for c in found if c.organisation}, key=str.casefold)),
        tuple(sorted({p for c in found for p in c.pillars}, key=lambda p: p[1].casefold())),
    )


def _matches(card: Card, filters: Filters) -> bool:
    if filters.portfolio and filters.portfolio not in card.portfolios:
        return False
    if filters.group and filters.group not in card.group_ids:
        return False
    if filters.organisation and filters.organisation != card.organisation:
        return False
    if filters.pillar and filters.pillar not in card.pillar_ids:
        return False
    if filters.words:
        text = f"{card.name} {card.organisation}".casefold()
        return all(word in text for word in filters.words.casefold().split())
    return True


def directory(invitee: models.Invitee, core: CoreEvent, filters: Filters) -> Directory:
    """The page of the directory the filters ask for. A filter value nobody in it has is left out, with
    a message; a page past the last shows the last."""
    if not is_listed(invitee):
        raise NetworkingRefusal(N_("Join the directory first: only people in it see it."))
    everyone = cards(invitee, core)
    options = _options(everyone)
    problems: list[str] = []
    checks = {
        "portfolio": set(options.portfolios),
        "group": {g for g, _ in options.groups},
        "organisation": set(options.organisations),
        "pillar": {p for p, _ in options.pillars},
    }
    cleaned = {}
    for name, allowed in checks.items():
        value = getattr(filters, name)
        if value and value not in allowed:
            problems.append(N_("Nobody in the directory matches one of the filters; it is left out."))
            value = ""
        cleaned[name] = value
    filters = Filters(
        cleaned["portfolio"],
        cleaned["group"],
        cleaned["organisation"],
        cleaned["pillar"],
        filters.words,
        filters.page,
    )
    matching = [c for c in everyone if _matches(c, filters)]
    pages = max(1, -(-len(matching) // PAGE))
    page = min(filters.page, pages)
    shown = tuple(matching[(page - 1) * PAGE : page * PAGE])
    return Directory(
        shown,
        len(matching),
        len(everyone),
        page,
        pages,
        Filters(filters.portfolio, filters.group, filters.organisation, filters.pillar, filters.words, page),
        options,
        tuple(dict.fromkeys(problems)),
    )


# --- suggestions --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Why:
    """One reason to meet: an English message in the catalogue and its values."""

    message: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suggestion:
    card: Card
    why: tuple[Why, ...]
    score: int


@dataclass(frozen=True, slots=True)
class Suggestions:
    """The people suggested, best first; `met_known` whether the meeting graph of earlier days was
    available (a network with earlier days that are over)."""

    people: tuple[Suggestion, ...]
    met_known: bool


def _sessions_of(event_id: int, invitee_ids: Iterable[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for person, session in (
        models.Registration.objects.filter(invitee__event_id=event_id, invitee_id__in=list(invitee_ids))
        .order_by()
        .values_list("invitee_id", "seats__session_id")
    ):
        found.setdefault(person, set()).add(session)
    return found


def recent_meetings(event: models.Event, core: CoreEvent) -> set[tuple[str, str]] | None:
    """The pairs of organisations (ids, sorted) that sat in a meeting together at the network's last
    LAST_DAYS days before this one (the reach module's meeting graph), counting the days of events that
    share an organiser with this one; None when there is no such earlier day."""
    organisers = models.Organiser.objects.filter(event=event).values("user_id")
    earlier = (
        models.Event.objects.filter(organisers__user_id__in=organisers, ends_at__lt=event.starts_at)
        .exclude(pk=event.pk)
        .distinct()
    )
    try:
        found = reach_service.network_days(list(earlier), core.network.id)
    except NetwerkdagError:
        return None
    days = found.days[-LAST_DAYS:]
    if not days:
        return None
    return set(reach_meetings(days).pairs)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def suggestions(
    invitee: models.Invitee, core: CoreEvent, lang: str, *, met: set[tuple[str, str]] | None = None
) -> Suggestions:
    """People for the person to meet, best first, at most SUGGESTIONS (module docstring). `met` is the
    recent meeting graph (`recent_meetings`), read here when not given."""
    if not is_listed(invitee):
        return Suggestions((), False)
    network = core.network
    me = _card(invitee, network, True)
    everyone = [c for c in cards(invitee, core) if c.takes_requests]
    if not everyone:
        return Suggestions((), False)
    if met is None and me.portfolios and me.organisation_id:
        met = recent_meetings(invitee.event, core)
    sessions = _sessions_of(invitee.event_id, [invitee.pk, *(c.invitee_id for c in everyone)])
    mine = [core.session(s) for s in sessions.get(invitee.pk, ()) if core.has_session(s)]
    found = []
    for card in everyone:
        why: list[Why] = []
        score = 0
        shared = [p for p in me.portfolios if p in card.portfolios]
        if shared and card.member_city and card.organisation_id != me.organisation_id:
            score += 2
            why.append(
                Why(
                    N_("also %(role)s %(portfolio)s, %(place)s"),
                    {"role": card.role, "portfolio": shared[0], "place": card.place},
                )
            )
            known = met is not None and me.organisation_id and card.organisation_id
            if known and _pair(me.organisation_id or "", card.organisation_id or "") not in (met or set()):
                score += 1
                why.append(
                    Why(
                        N_("%(mine)s and %(theirs)s did not meet at the last days"),
                        {"mine": me.place, "theirs": card.place},
                    )
                )
        groups = [name for g, name in me.groups if g in card.group_ids]
        if groups and mine:
            theirs = [core.session(s) for s in sessions.get(card.invitee_id, ()) if core.has_session(s)]
            parallel = sorted(
                (t for t in theirs for m in mine if t.id != m.id and t.start < m.end and m.start < t.end),
                key=lambda s: s.start,
            )
            if parallel:
                score += 1
                when = parallel[0].start.astimezone(core.tz)
                why.append(
                    Why(
                        N_("same theme group (%(group)s), is in another session at %(time)s"),
                        {"group": groups[0], "time": format_time(when, lang)},
                    )
                )
        if why:
            found.append(Suggestion(card, tuple(why), score))
    found.sort(key=lambda s: (-s.score, s.card.name.casefold(), s.card.invitee_id))
    return Suggestions(tuple(found[:SUGGESTIONS]), met is not None)


# --- requests -----------------------------------------------------------------------------------------------


def askable(invitee: models.Invitee, core: CoreEvent) -> list[Card]:
    """The people the person may ask: in the directory, taking requests, no block either way."""
    return [c for c in cards(invitee, core) if c.takes_requests]


def read_subject(text: str) -> str:
    """The subject as one line, white space (line breaks, tabs) collapsed to single spaces; refused when
    empty, too long (after collapsing) or holding another control character (a NUL, which PostgreSQL
    refuses)."""
    subject = " ".join(text.split())
    if not subject:
        raise NetworkingRefusal(N_("Give a subject for the meeting."))
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in subject):
        raise NetworkingRefusal(
            N_("The subject holds a control character that cannot be used; please type it again.")
        )
    if len(subject) > MAX_SUBJECT:
        raise NetworkingRefusal(N_("The subject may be at most %(n)s characters."), n=MAX_SUBJECT)
    return subject


def read_minutes(text: str) -> int:
    if text not in {str(m) for m in MEETING_MINUTES}:
        raise NetworkingRefusal(N_("Choose 15 or 30 minutes."))
    return int(text)


_ID = re.compile(r"[0-9]{1,12}")


def read_people(values: Sequence[str]) -> list[int]:
    """The ids of the people asked (each once, in order); refused for anything but ids, none, or more
    than MAX_ASKED_PER_REQUEST."""
    if len(values) > 3 * MAX_ASKED_PER_REQUEST:
        raise NetworkingRefusal(N_("Ask at most %(n)s people at once."), n=MAX_ASKED_PER_REQUEST)
    found: list[int] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if not _ID.fullmatch(value):
            raise NetworkingRefusal(N_("That person cannot be asked; please choose again."))
        if int(value) not in found:
            found.append(int(value))
    if not found:
        raise NetworkingRefusal(N_("Choose at least one person to ask."))
    if len(found) > MAX_ASKED_PER_REQUEST:
        raise NetworkingRefusal(N_("Ask at most %(n)s people at once."), n=MAX_ASKED_PER_REQUEST)
    return found


def ask(
    requester: models.Invitee, people: Sequence[int], minutes: int, subject: str
) -> models.MeetingRequest:
    """Ask `people` (invitee ids) for a meeting; each is mailed. Refused whole (module docstring)."""
    event = requester.event
    _check_open(event)
    if minutes not in MEETING_MINUTES:
        raise NetworkingRefusal(N_("Choose 15 or 30 minutes."))
    subject = read_subject(subject)
    people = list(dict.fromkeys(people))  # each once, in order
    if not people:
        raise NetworkingRefusal(N_("Choose at least one person to ask."))
    if len(people) > MAX_ASKED_PER_REQUEST:
        raise NetworkingRefusal(N_("Ask at most %(n)s people at once."), n=MAX_ASKED_PER_REQUEST)
    if requester.pk in people:
        raise NetworkingRefusal(N_("You cannot ask yourself for a meeting."))
    with transaction.atomic():
        # The requester's and the asked people's rows locked first, in id order: parallel requests of
        # the requester take turns (the limits hold), as do a request and an asked person's block,
        # withdrawal or "I won't come".
        _lock_people([requester.pk, *people])
        person = models.Invitee.objects.get(pk=requester.pk)
        if not listed(event.pk).filter(pk=person.pk).exists():
            raise NetworkingRefusal(N_("Join the directory first: only people in it can ask others."))
        asked = {p.pk: p for p in listed(event.pk).filter(pk__in=people).select_related("networking")}
        mine, theirs = _blocked_either_way(person)
        for pk in people:
            found = asked.get(pk)
            if found is None:
                raise NetworkingRefusal(N_("That person is not in the directory; please choose again."))
            if not found.networking.accepts_requests or pk in mine or pk in theirs:
                raise NetworkingRefusal(N_("%(name)s does not take meeting requests."), name=found.name)
        if _open_requests(person).count() >= MAX_OPEN_REQUESTS:
            raise NetworkingRefusal(
                N_(
                    "You have %(n)s requests waiting for answers, the most at once. Wait for answers or "
                    "call one off."
                ),
                n=MAX_OPEN_REQUESTS,
            )
        earlier = list(
            models.MeetingAnswer.objects.filter(
                request__requester=person, request__event=event, invitee_id__in=people
            )
            .filter(Q(answer=Answer.DECLINED) | Q(answer=Answer.PENDING, request__cancelled_at__isnull=True))
            .select_related("invitee")
            .order_by("pk")
        )
        for one in earlier:
            if one.answer == Answer.PENDING:
                raise NetworkingRefusal(
                    N_("You have asked %(name)s already; wait for the answer."), name=one.invitee.name
                )
        declined = next((one for one in earlier if one.answer == Answer.DECLINED), None)
        if declined is not None:
            raise NetworkingRefusal(
                N_("%(name)s declined one of your requests for this day; you cannot ask them again."),
                name=declined.invitee.name,
            )
        request = models.MeetingRequest.objects.create(
            event=event, requester=person, subject=subject, minutes=minutes
        )
        for pk in people:
            models.MeetingAnswer.objects.create(request=request, invitee=asked[pk])
            mail.queue(
                models.OutgoingMail.Kind.MEETING_REQUEST,
                invitee=asked[pk],
                context={"request": request.pk},
            )
    return request


def _queue_answer_mail(request: models.MeetingRequest, answerer_id: int, answer: str) -> None:
    """Tell the requester of an answer: the mail about this person's answer to this request that still
    waits to be sent is changed to the new answer; only when there is none, a new one is queued."""
    Kind = models.OutgoingMail.Kind
    waiting = models.OutgoingMail.objects.filter(
        kind=Kind.MEETING_ANSWER,
        invitee=request.requester,
        status=models.OutgoingMail.Status.QUEUED,
        context__request=request.pk,
        context__answerer=answerer_id,
    ).exclude(context__has_key="cancelled")
    context = {"request": request.pk, "answerer": answerer_id, "answer": str(answer)}
    for one in waiting.order_by("pk"):
        # Only while no worker has taken it (a worker claims a mail by changing its status).
        if models.OutgoingMail.objects.filter(pk=one.pk, status=models.OutgoingMail.Status.QUEUED).update(
            context=context
        ):
            return
    mail.queue(Kind.MEETING_ANSWER, invitee=request.requester, context=context)


def answer(invitee: models.Invitee, request_id: int, accept: bool) -> models.MeetingAnswer:
    """The person accepts or declines a request to them (again, to change their answer, while the
    request stands); the requester is mailed when the answer changes. The event's row is locked first:
    an answer and the placement's apply step (services/meetings.py) take turns, so that a placement
    running meanwhile either sees the answer or is followed by another."""
    _check_open(invitee.event)
    now = timezone.now()
    with transaction.atomic():
        models.Event.objects.select_for_update().get(pk=invitee.event_id)
        found = (
            models.MeetingAnswer.objects.select_for_update()
            .select_related("request", "request__requester")
            .filter(request_id=request_id, invitee=invitee, request__event_id=invitee.event_id)
            .first()
        )
        if found is None:
            raise NetworkingRefusal(N_("That request is not one to you."))
        if found.request.cancelled_at is not None:
            raise NetworkingRefusal(N_("That request was called off."))
        wanted = Answer.ACCEPTED if accept else Answer.DECLINED
        if accept and not may_join(invitee):
            raise NetworkingRefusal(N_("Only people who come can accept a meeting."))
        if found.answer != wanted:
            before = found.answer
            found.answer, found.answered_at = wanted, now
            found.save(update_fields=["answer", "answered_at"])
            _queue_answer_mail(found.request, invitee.pk, wanted)
            placed = models.MeetingPlacement.objects.filter(request_id=found.request_id).exists()
            if wanted == Answer.ACCEPTED or (before == Answer.ACCEPTED and placed):
                _follow(invitee.event)
    return found


def cancel(invitee: models.Invitee, request_id: int) -> None:
    """The requester calls their request off before the day is over; those who had accepted it are
    mailed (the others see it on their page), and a meeting with a table frees it (a new placement,
    which tells its people when they had been told of the table). The event's row is locked first, as
    in `answer`."""
    _check_open(invitee.event)
    with transaction.atomic():
        models.Event.objects.select_for_update().get(pk=invitee.event_id)
        request = (
            models.MeetingRequest.objects.select_for_update()
            .filter(pk=request_id, requester=invitee, event_id=invitee.event_id, cancelled_at__isnull=True)
            .first()
        )
        if request is None:
            raise NetworkingRefusal(N_("That request is not yours, or was called off already."))
        request.cancelled_at = timezone.now()
        request.save(update_fields=["cancelled_at"])
        placement = models.MeetingPlacement.objects.filter(request=request).first()
        if placement is None or placement.announced_at is None:
            # (Those told of a table and a time hear of it from the placement that frees the table,
            # services/meetings.py, with the table and time it was: one mail, not two.)
            accepted = models.MeetingAnswer.objects.filter(request=request, answer=Answer.ACCEPTED)
            for one in accepted.select_related("invitee", "invitee__event").order_by("pk"):
                mail.queue(
                    models.OutgoingMail.Kind.MEETING_ANSWER,
                    invitee=one.invitee,
                    context={"request": request.pk, "answerer": invitee.pk, "cancelled": True},
                )
        if placement is not None:
            _follow(invitee.event)


def block(blocker: models.Invitee, blocked_id: int) -> int:
    """No more requests from `blocked_id`, who must have asked the blocker for a meeting; their waiting
    requests to the blocker are declined. Returns how many were declined."""
    now = timezone.now()
    with transaction.atomic():
        _lock_people([blocker.pk])
        asked_me = models.MeetingAnswer.objects.filter(
            invitee=blocker, request__requester_id=blocked_id, request__event_id=blocker.event_id
        )
        if blocked_id == blocker.pk or not asked_me.exists():
            raise NetworkingRefusal(N_("Only someone who asked you for a meeting can be blocked here."))
        models.MeetingBlock.objects.get_or_create(blocker=blocker, blocked_id=blocked_id)
        return _decline_pending(asked_me.filter(request__cancelled_at__isnull=True), now)


def unblock(blocker: models.Invitee, blocked_id: int) -> bool:
    return models.MeetingBlock.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()[0] > 0


# --- my meetings --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    """Where and when a meeting takes place."""

    space: str
    table: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Other:
    """Someone in a request, with their answer; `comes` whether they still come (`may_join`)."""

    invitee_id: int
    name: str
    organisation: str
    answer: str
    comes: bool = True


@dataclass(frozen=True, slots=True)
class Meeting:
    """A request as the person's meetings page shows it. `mine` when the person asked; otherwise
    `my_answer` is theirs and `blocked` whether they block the requester."""

    id: int
    subject: str
    minutes: int
    requester: Other
    asked: tuple[Other, ...]
    mine: bool
    cancelled: bool
    my_answer: str
    placed: Placed | None
    blocked: bool = False

    @property
    def takes_place(self) -> bool:
        """Not called off, the requester comes, and someone who accepted comes too (as
        services/meetings.py places it)."""
        return (
            not self.cancelled
            and self.requester.comes
            and any(o.answer == Answer.ACCEPTED and o.comes for o in self.asked)
        )


@dataclass(frozen=True, slots=True)
class MyMeetings:
    made: tuple[Meeting, ...]
    to_me: tuple[Meeting, ...]
    blocked: tuple[Other, ...]


def _placed(request: models.MeetingRequest, core: CoreEvent | None) -> Placed | None:
    placement = getattr(request, "placement", None)
    if placement is None:
        return None
    space_name, table_name = placement.space, placement.table
    if core is not None:
        for space in core.networking:
            if space.id == placement.space:
                space_name = space.name
                table_name = next((t.name for t in space.tables if t.id == placement.table), table_name)
    tz = core.tz if core is not None else None
    return Placed(space_name, table_name, placement.start.astimezone(tz), placement.end.astimezone(tz))


def _organisation_name(invitee: models.Invitee, network: Network | None) -> str:
    """The network's name of the person's organisation, else the invitee list's text."""
    if network is not None and invitee.person_id and network.has_person(invitee.person_id):
        found = network.person(invitee.person_id).organisation
        if found is not None and network.has_organisation(found):
            return network.organisation(found).name
    return invitee.organisation


def my_meetings(invitee: models.Invitee, core: CoreEvent | None) -> MyMeetings:
    """The requests the person made and those made to them (newest first), and whom they block."""
    requests = (
        models.MeetingRequest.objects.filter(event_id=invitee.event_id)
        .filter(Q(requester=invitee) | Q(answers__invitee=invitee))
        .distinct()
        .select_related("requester", "placement")
        .prefetch_related("answers__invitee")
        .order_by("-created_at", "-pk")
    )
    blocked_ids = set(
        models.MeetingBlock.objects.filter(blocker=invitee).values_list("blocked_id", flat=True)
    )
    network = core.network if core is not None else None

    def organisation(person: models.Invitee) -> str:
        return _organisation_name(person, network)

    made: list[Meeting] = []
    to_me: list[Meeting] = []
    for request in requests:
        requester = request.requester
        asked = tuple(
            Other(a.invitee_id, a.invitee.name, organisation(a.invitee), a.answer, may_join(a.invitee))
            for a in request.answers.all()
        )
        mine = request.requester_id == invitee.pk
        my_answer = next((o.answer for o in asked if o.invitee_id == invitee.pk), "")
        meeting = Meeting(
            request.pk,
            request.subject,
            request.minutes,
            Other(requester.pk, requester.name, organisation(requester), "", may_join(requester)),
            asked,
            mine,
            request.cancelled_at is not None,
            my_answer,
            _placed(request, core),
            requester.pk in blocked_ids,
        )
        (made if mine else to_me).append(meeting)
    blocks = (
        models.MeetingBlock.objects.filter(blocker=invitee).select_related("blocked").order_by("created_at")
    )
    return MyMeetings(
        tuple(made),
        tuple(to_me),
        tuple(Other(b.blocked_id, b.blocked.name, organisation(b.blocked), "") for b in blocks),
    )


# --- personal data ------------------------------------------------------------------------------------------


def personal_networking(invitee: models.Invitee) -> dict[str, object]:
    """What the networking room keeps about the person, for their data download."""
    consent = consent_of(invitee)
    made = (
        models.MeetingRequest.objects.filter(requester=invitee)
        .prefetch_related("answers__invitee")
        .order_by("created_at", "pk")
    )
    answers = (
        models.MeetingAnswer.objects.filter(invitee=invitee)
        .select_related("request", "request__requester")
        .order_by("request__created_at", "pk")
    )
    return {
        "consent": None
        if consent is None
        else {"since": consent.consented_at.isoformat(), "accepts_requests": consent.accepts_requests},
        "blocks": [
            {"blocked": b.blocked.name, "since": b.created_at.isoformat()}
            for b in models.MeetingBlock.objects.filter(blocker=invitee).select_related("blocked")
        ],
        "requests": [
            {
                "subject": r.subject,
                "minutes": r.minutes,
                "asked": r.created_at.isoformat(),
                "cancelled": r.cancelled_at.isoformat() if r.cancelled_at else None,
                "answers": [{"person": a.invitee.name, "answer": a.answer} for a in r.answers.all()],
            }
            for r in made
        ],
        "answers": [
            {
                "requester": a.request.requester.name,
                "subject": a.request.subject,
                "minutes": a.request.minutes,
                "answer": a.answer,
                "answered": a.answered_at.isoformat() if a.answered_at else None,
            }
            for a in answers
        ],
    }


def forget_person(invitee: models.Invitee) -> None:
    """Delete everything of the networking room about the person (withdrawal): the consent, the blocks
    either way, the requests they made (with their answers and placements) and their answers to others'
    requests. Call inside the withdrawal's transaction; a meeting of theirs that had a table is placed
    again (without them)."""
    placed = _placed_with(invitee)
    models.NetworkingConsent.objects.filter(invitee=invitee).delete()
    models.MeetingBlock.objects.filter(Q(blocker=invitee) | Q(blocked=invitee)).delete()
    models.MeetingRequest.objects.filter(requester=invitee).delete()
    models.MeetingAnswer.objects.filter(invitee=invitee).delete()
    if placed:
        _follow(invitee.event)


def forget_event(event: models.Event) -> None:
    """Delete the networking room's personal data of an event (anonymisation): consents, blocks, requests
    with their answers and placements."""
    models.NetworkingConsent.objects.filter(invitee__event=event).delete()
    models.MeetingBlock.objects.filter(blocker__event=event).delete()
    models.MeetingRequest.objects.filter(event=event).delete()
