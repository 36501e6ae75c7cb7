"""The people of an event as organisers look for them, on the invitee list and at the door (check-in):
one search (name, organisation, e-mail address, badge number), filters (answer, organisation, checked
in or not), a stable order, pages, and the counts of the whole event beside them.

The filters come in as the plain values of a form (`Filters.from_form`) and go back out as the values
that keep them in a link (`Filters.params`); no request is seen here. People whose data were erased
(withdrawn, or anonymised after the retention period) are on neither page: only their number is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from netwerkdag.web import models

#: People on one page of a list.
PAGE_SIZE = 50
#: People in the list of those checked in last.
RECENT = 3
#: The longest search text (and organisation) taken from a form; the rest is cut off.
MAX_TEXT = 200
#: Words of a search at most; each must match.
MAX_TERMS = 8
#: A badge number is an id; longer digit strings are no id (and would not fit the database's integer).
MAX_ID_DIGITS = 18

ANSWERS = tuple(models.Attendance.values)  # "unknown", "yes", "no"
CHECKED_IN = ("yes", "no")


def _printable(text: str) -> str:
    """`text` without control characters (PostgreSQL refuses a NUL in a query; none is in a name)."""
    return "".join(c if c.isprintable() else " " for c in text)


@dataclass(frozen=True, slots=True)
class Filters:
    """What an organiser looks for. Empty strings mean: no filter."""

    text: str = ""
    #: One of ANSWERS, or "".
    answer: str = ""
    organisation: str = ""
    #: "yes" (checked in), "no" (not yet), or "".
    checked_in: str = ""
    page: int = 1

    @classmethod
    def from_form(cls, values: Mapping[str, str]) -> Filters:
        """The filters of a form's values (`q`, `answer`, `organisation`, `checked_in`, `page`); anything
        that is not a valid value is left out rather than refused: a search takes any text."""
        answer = values.get("answer", "")
        checked_in = values.get("checked_in", "")
        page = values.get("page", "")
        return cls(
            text=" ".join(_printable(values.get("q", "")).split())[:MAX_TEXT],
            answer=answer if answer in ANSWERS else "",
            organisation=_printable(values.get("organisation", "")).strip()[:MAX_TEXT],
            checked_in=checked_in if checked_in in CHECKED_IN else "",
            page=max(1, int(page)) if page.isascii() and page.isdigit() and len(page) <= 6 else 1,
        )

    @property
    def narrowed(self) -> bool:
        """Whether anything narrows the list (a search or a filter)."""
        return bool(self.text or self.answer or self.organisation or self.checked_in)

    def params(self, *, page: int | None = None) -> dict[str, str]:
        """The form values that give these filters again (on `page`, when given), empty ones left out."""
        number = self.page if page is None else page
        values = {
            "q": self.text,
            "answer": self.answer,
            "organisation": self.organisation,
            "checked_in": self.checked_in,
            "page": str(number) if number > 1 else "",
        }
        return {key: value for key, value in values.items() if value}

    def on_page(self, page: int) -> Filters:
        return replace(self, page=page)


@dataclass(frozen=True, slots=True)
class Counts:
    """The whole event's people (not only those found), by answer and at the door."""

    total: int
    coming: int
    not_coming: int
    no_answer: int
    present: int
    #: People who said they come and are not checked in yet.
    expected: int
    #: People whose data were erased, on no list.
    erased: int


@dataclass(frozen=True, slots=True)
class Found:
    """One page of the people who match, with the numbers around it."""

    page: Page[models.Invitee]
    filters: Filters
    counts: Counts
    #: The organisations of the event's people, for the filter.
    organisations: tuple[str, ...]

    @property
    def matched(self) -> int:
        return int(self.page.paginator.count)

    @property
    def first(self) -> int:
        """The number of the first person on this page (0 when nobody matched)."""
        return int(self.page.start_index())

    @property
    def last(self) -> int:
        return int(self.page.end_index())

    def link_params(self, page: int) -> dict[str, str]:
        """The form values of another page of this search."""
        return self.filters.params(page=page)


def listed(event: models.Event) -> QuerySet[models.Invitee]:
    """The event's people on the lists: everyone whose data were not erased."""
    return models.Invitee.objects.filter(event=event, anonymised_at__isnull=True)


def _badge_number(term: str) -> int | None:
    if term.isascii() and term.isdigit() and len(term) <= MAX_ID_DIGITS:
        return int(term)
    return None


def matching(event: models.Event, filters: Filters) -> QuerySet[models.Invitee]:
    """The people who match `filters`, in the lists' order: a badge number searched for first, then by
    name (ignoring case), then by id (two people of the same name keep their places between pages)."""
    people = listed(event)
    terms = filters.text.split()[:MAX_TERMS]
    for term in terms:
        found = Q(name__icontains=term) | Q(organisation__icontains=term) | Q(email__icontains=term)
        number = _badge_number(term)
        if number is not None:
            found |= Q(pk=number)
        people = people.filter(found)
    if filters.answer:
        people = people.filter(attending=filters.answer)
    if filters.organisation:
        people = people.filter(organisation=filters.organisation)
    if filters.checked_in:
        people = people.filter(checked_in_at__isnull=filters.checked_in == "no")
    number = _badge_number(terms[0]) if len(terms) == 1 else None
    if number is not None:
        badge = Case(When(pk=number, then=Value(0)), default=Value(1), output_field=IntegerField())
        return people.order_by(badge, Lower("name"), "pk")
    return people.order_by(Lower("name"), "pk")


def counts(event: models.Event) -> Counts:
    coming = Q(attending=models.Attendance.YES)
    present = Q(checked_in_at__isnull=False)
    listed_people = Q(anonymised_at__isnull=True)
    numbers = models.Invitee.objects.filter(event=event).aggregate(
        total=Count("pk", filter=listed_people),
        coming=Count("pk", filter=listed_people & coming),
        not_coming=Count("pk", filter=listed_people & Q(attending=models.Attendance.NO)),
        no_answer=Count("pk", filter=listed_people & Q(attending=models.Attendance.UNKNOWN)),
        present=Count("pk", filter=listed_people & present),
        expected=Count("pk", filter=listed_people & coming & ~present),
        erased=Count("pk", filter=~listed_people),
    )
    return Counts(**numbers)


def organisations(event: models.Event) -> tuple[str, ...]:
    names = listed(event).exclude(organisation="").values_list("organisation", flat=True).distinct()
    return tuple(sorted(set(names), key=str.casefold))


def search(event: models.Event, filters: Filters, *, page_size: int = PAGE_SIZE) -> Found:
    """The page `filters` ask for (the last one when they ask for a page beyond it)."""
    paginator = Paginator(matching(event, filters), page_size)
    page = paginator.get_page(filters.page)
    return Found(page, filters.on_page(page.number), counts(event), organisations(event))


def recent_check_ins(event: models.Event, limit: int = RECENT) -> list[models.Invitee]:
    """The people checked in last, the last first."""
    people = listed(event).filter(checked_in_at__isnull=False)
    return list(people.order_by("-checked_in_at", "-pk")[:limit])


def set_present(person: models.Invitee, present: bool, *, now: datetime | None = None) -> None:
    """Check `person` in (now), or undo it. Checking in someone who is in already keeps their time."""
    if present and person.checked_in_at is not None:
        return
    person.checked_in_at = (now or timezone.now()) if present else None
    person.save(update_fields=["checked_in_at"])
