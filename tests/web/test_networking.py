"""The networking room's people side (issue 20): consent to the directory, the directory and its filters,
suggestions with their reasons, meeting requests and their refusals, answers, calling off, blocking, the
mails, and personal data (download, withdrawal, anonymisation). Nobody who did not opt in appears in any
list, suggestion, form or export."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail as django_mail
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import MakeInvitee, run_tasks, seats_of

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services import networking, privacy, programme
from netwerkdag.web.services.personal import personal_data
from netwerkdag.web.views import networking as networking_views

pytestmark = pytest.mark.django_db

HISTORY = Path(__file__).resolve().parents[2] / "examples" / "g40-haarlem-2023" / "history"

Kind = models.OutgoingMail.Kind
Answer = models.MeetingAnswer.Answer

#: Portfolios and theme groups given to people of the Haarlem network for these tests.
PROFILES = {
    "froukje-de-jonge": (("wonen",), ("woningmarkt",)),  # Almere
    "maaike-veeningen": (("wonen",), ()),  # Almere too
    "karin-schrederhof": (("wonen",), ("woningmarkt",)),  # Delft
    "hanneke-steen": (("wonen", "duurzaamheid"), ("duurzaamheid",)),  # Hengelo
}


@pytest.fixture
def core(day: models.Event, haarlem: CoreEvent) -> CoreEvent:
    """The Haarlem day published again with a few more portfolios and theme groups in its network."""
    people = tuple(
        replace(p, portfolios=PROFILES[p.id][0], groups=PROFILES[p.id][1]) if p.id in PROFILES else p
        for p in haarlem.network.people
    )
    day.document = dump_event(replace(haarlem, network=replace(haarlem.network, people=people)))
    day.save()
    programme.publish(day)
    found = networking.networking_event(day)
    assert found is not None
    return found


@pytest.fixture
def person(make_invitee: MakeInvitee, core: CoreEvent) -> MakeInvitee:
    """A person of the network who comes, by their network id (name and organisation from the network)."""

    def make(
        person_id: str = "", *, join: bool = True, accepts: bool = True, **fields: object
    ) -> tuple[models.Invitee, str]:
        values: dict[str, object] = {"attending": models.Attendance.YES}
        if person_id:
            found = core.network.person(person_id)
            values.update(name=found.name, person_id=person_id, organisation="", role=found.role)
        values.update(fields)
        invitee, token = make_invitee(**values)
        if join:
            networking.opt_in(invitee, accepts_requests=accepts)
        return invitee, token

    return make


def _url(name: str, token: str) -> str:
    return str(reverse(f"web:{name}", kwargs={"token": token}))


def _names(found: networking.Directory) -> list[str]:
    return [c.name for c in found.shown]


def _mails(kind: str) -> list[models.OutgoingMail]:
    return list(models.OutgoingMail.objects.filter(kind=kind).order_by("pk"))


# --- consent ------------------------------------------------------------------------------------------------


def test_only_people_who_come_can_join_and_withdrawing_deletes_the_consent(person: MakeInvitee) -> None:
    undecided, _ = person(join=False, attending=models.Attendance.UNKNOWN)
    with pytest.raises(networking.NetworkingRefusal):
        networking.opt_in(undecided)
    assert not models.NetworkingConsent.objects.filter(invitee=undecided).exists()
    coming, _ = person(join=False)
    networking.opt_in(coming, accepts_requests=False)
    assert models.NetworkingConsent.objects.get(invitee=coming).accepts_requests is False
    networking.set_accepts(coming, True)
    assert models.NetworkingConsent.objects.get(invitee=coming).accepts_requests is True
    networking.opt_out(coming)
    assert not models.NetworkingConsent.objects.filter(invitee=coming).exists()
    with pytest.raises(networking.NetworkingRefusal):
        networking.set_accepts(coming, True)


def test_withdrawing_calls_off_waiting_requests_and_declines_those_to_the_person(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    third, _ = person("jos-wienen")
    waiting = networking.ask(me, [other.pk], 15, "Veiligheid in de binnenstad")
    agreed = networking.ask(me, [third.pk], 30, "Carnaval")
    networking.answer(third, agreed.pk, accept=True)
    to_me = networking.ask(other, [me.pk], 15, "Cameratoezicht")
    gone = networking.opt_out(me)
    assert (gone.called_off, gone.declined) == (1, 1)
    waiting.refresh_from_db()
    agreed.refresh_from_db()
    assert waiting.cancelled_at is not None
    assert agreed.cancelled_at is None  # a meeting already agreed stays
    assert models.MeetingAnswer.objects.get(request=to_me, invitee=me).answer == Answer.DECLINED
    # The requester of the declined request is told.
    told = _mails(Kind.MEETING_ANSWER)[-1]
    assert told.invitee_id == other.pk
    assert told.context["answer"] == "declined"


def test_the_consent_page_explains_and_joins_by_a_post(person: MakeInvitee) -> None:
    me, token = person("paul-depla", join=False)
    client = Client()
    page = client.get(_url("invitee-networking", token))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Toon mij in de lijst van mensen om vandaag te ontmoeten" in text
    # What others see is all said: the pillars too (the filter reveals them), and what suggestions tell.
    assert "naam, organisatie, rol, portefeuilles, themagroepen en pijlers" in text
    assert "op een bepaald tijdstip in een andere sessie zit" in text
    assert not models.NetworkingConsent.objects.filter(invitee=me).exists()  # opening changes nothing
    answer = client.post(_url("invitee-networking-consent", token), {"action": "join", "accepts": "yes"})
    assert answer.status_code == 303
    assert models.NetworkingConsent.objects.get(invitee=me).accepts_requests
    answer = client.post(_url("invitee-networking-consent", token), {"action": "accepts"})
    assert answer.status_code == 303
    assert not models.NetworkingConsent.objects.get(invitee=me).accepts_requests
    answer = client.post(_url("invitee-networking-consent", token), {"action": "leave"}, follow=True)
    assert not models.NetworkingConsent.objects.filter(invitee=me).exists()
    assert "U staat niet meer in de lijst" in answer.content.decode()


def test_someone_who_does_not_come_is_told_to_register_first(person: MakeInvitee) -> None:
    me, token = person(join=False, attending=models.Attendance.NO)
    client = Client()
    text = client.get(_url("invitee-networking", token)).content.decode()
    assert "Meld u eerst aan" in text
    refused = client.post(_url("invitee-networking-consent", token), {"action": "join", "accepts": "yes"})
    assert refused.status_code == 409
    assert not models.NetworkingConsent.objects.filter(invitee=me).exists()


def test_a_day_without_a_networking_space_has_no_networking_pages(
    day: models.Event, haarlem: CoreEvent, make_invitee: MakeInvitee
) -> None:
    day.document = dump_event(replace(haarlem, networking=()))
    day.save()
    programme.publish(day)
    _, token = make_invitee(attending=models.Attendance.YES)
    client = Client()
    for name in ("invitee-networking", "invitee-networking-consent", "invitee-meetings"):
        assert client.get(_url(name, token)).status_code == 404


# --- nobody without consent ---------------------------------------------------------------------------------


def test_nobody_without_consent_is_in_any_list_suggestion_form_or_download(
    person: MakeInvitee, core: CoreEvent
) -> None:
    me, token = person("karin-schrederhof")
    listed, _ = person("froukje-de-jonge")
    silent, silent_token = person("hanneke-steen", join=False)  # same portfolio, another city
    left, _ = person("maaike-veeningen")
    networking.opt_out(left)
    gone, _ = person(name="Komt Niet Meer")
    models.Invitee.objects.filter(pk=gone.pk).update(attending=models.Attendance.NO)  # consent row stays
    # A request to the one not in the directory is refused, and a made-up form cannot add them.
    with pytest.raises(networking.NetworkingRefusal):
        networking.ask(me, [silent.pk], 15, "Wonen")
    with pytest.raises(networking.NetworkingRefusal):
        networking.ask(me, [gone.pk], 15, "Wonen")
    absent = (silent.name, left.name, gone.name)
    found = networking.directory(me, core, networking.Filters())
    assert _names(found) == [listed.name]
    assert [s.card.name for s in networking.suggestions(me, core, "nl", met=set()).people] == [listed.name]
    assert [c.name for c in networking.askable(me, core)] == [listed.name]
    networking.ask(listed, [me.pk], 15, "Wonen in Almere")  # so that the other pages name someone
    client = Client()
    pages = [
        client.get(_url("invitee-networking", token)).content.decode(),
        client.get(_url("invitee-networking-ask", token) + f"?met={silent.pk}").content.decode(),
        client.get(_url("invitee-meetings", token)).content.decode(),
        json.dumps(personal_data(me), ensure_ascii=False),
    ]
    for text in pages:
        assert listed.name in text
        for name in absent:
            assert name not in text
    # Someone outside the directory sees no directory either.
    outside = Client().get(_url("invitee-networking", silent_token)).content.decode()
    assert listed.name not in outside
    assert me.name not in outside


# --- the directory ------------------------------------------------------------------------------------------


def test_the_directory_shows_the_network_profile_and_filters(person: MakeInvitee, core: CoreEvent) -> None:
    me, _ = person("paul-depla")
    person("karin-schrederhof")
    person("hanneke-steen")
    guest, _ = person(name="Gast Buiten", organisation="Stichting Buiten", role="directeur")
    found = networking.directory(me, core, networking.Filters())
    assert _names(found) == ["Gast Buiten", "Hanneke Steen", "Karin Schrederhof"]
    cards = {c.name: c for c in found.shown}
    assert cards["Karin Schrederhof"].organisation == "Gemeente Delft"
    assert cards["Karin Schrederhof"].groups == (("woningmarkt", "Woningmarkt"),)
    assert cards["Karin Schrederhof"].portfolios == ("wonen",)
    assert cards["Gast Buiten"].organisation == "Stichting Buiten"
    assert cards["Gast Buiten"].portfolios == ()
    assert found.options.portfolios == ("duurzaamheid", "wonen")

    def only(**given: str) -> list[str]:
        return _names(networking.directory(me, core, networking.Filters(**given)))  # type: ignore[arg-type]

    assert only(portfolio="duurzaamheid") == ["Hanneke Steen"]
    assert only(group="woningmarkt") == ["Karin Schrederhof"]
    assert only(organisation="Stichting Buiten") == ["Gast Buiten"]
    assert only(pillar="fysiek") == ["Hanneke Steen", "Karin Schrederhof"]
    assert only(words="schred") == ["Karin Schrederhof"]
    assert only(words="buiten gast") == ["Gast Buiten"]
    # A value nobody has is left out with a message, not a traceback.
    unknown = networking.directory(me, core, networking.Filters(portfolio="<script>"))
    assert unknown.problems
    assert len(unknown.shown) == 3
    assert guest.pk in {c.invitee_id for c in unknown.shown}


def test_filters_are_read_with_limits_and_the_page_shows_them(person: MakeInvitee) -> None:
    filters, problems = networking.read_filters({"q": "x" * 101, "portfolio": " wonen ", "page": "abc"})
    assert filters.words == ""
    assert filters.portfolio == "wonen"
    assert filters.page == 1
    assert problems
    _, token = person("paul-depla")
    person("karin-schrederhof")
    person("hanneke-steen")
    client = Client()
    text = client.get(_url("invitee-networking", token), {"portfolio": "duurzaamheid"}).content.decode()
    assert "Hanneke Steen" in text
    assert "Karin Schrederhof" not in text.split("Iedereen in de lijst")[1]
    too_long = client.get(_url("invitee-networking", token), {"q": "x" * 500})
    assert too_long.status_code == 200
    assert "te lang" in too_long.content.decode()


def test_the_directory_pages_and_says_how_many_more(person: MakeInvitee, core: CoreEvent) -> None:
    me, token = person(name="Aaa Eerste")
    for n in range(networking.PAGE + 5):
        person(name=f"Persoon {n:02d}")
    first = networking.directory(me, core, networking.Filters())
    assert len(first.shown) == networking.PAGE
    assert (first.matching, first.more, first.pages) == (networking.PAGE + 5, 5, 2)
    second = networking.directory(me, core, networking.Filters(page=9))
    assert second.page == 2
    assert len(second.shown) == 5
    assert second.more == 0
    text = Client().get(_url("invitee-networking", token)).content.decode()
    assert "Nog 5 mensen op de volgende pagina" in text
    assert "page=2" in text


# --- suggestions --------------------------------------------------------------------------------------------


def _register(invitee: models.Invitee, session_id: str) -> None:
    seats = seats_of(invitee.event, session_id)
    models.Registration.objects.create(invitee=invitee, seats=seats, slot=seats.slot)


def test_suggestions_name_the_same_portfolio_in_other_cities_and_parallel_group_members(
    person: MakeInvitee, core: CoreEvent
) -> None:
    me, _ = person("froukje-de-jonge")  # wonen, woningmarkt, Almere
    same_city, _ = person("maaike-veeningen")  # wonen, Almere: not "another city"
    karin, _ = person("karin-schrederhof")  # wonen, woningmarkt, Delft
    person("hanneke-steen")  # wonen, Hengelo
    person("paul-depla")  # nothing in common
    _register(me, "thema-mkb-vernieuwing")
    _register(karin, "thema-woningmarkt")  # the same round, another session
    found = networking.suggestions(me, core, "nl", met={("almere", "hengelo")})
    assert found.met_known
    by_name = {s.card.name: s for s in found.people}
    assert list(by_name) == ["Karin Schrederhof", "Hanneke Steen"]  # Karin: three reasons, Hanneke two
    karin_why = [w.message % w.values for w in by_name["Karin Schrederhof"].why]
    assert karin_why == [
        "also wethouder wonen, Delft",
        "Almere and Delft did not meet at the last days",
        "same theme group (Woningmarkt), is in another session at 11.40",
    ]
    # Almere and Hengelo met at an earlier day: only the portfolio.
    assert [w.message % w.values for w in by_name["Hanneke Steen"].why] == ["also wethouder wonen, Hengelo"]
    assert same_city.name not in by_name
    # Without the meeting graph of earlier days, that factor is left out.
    assert not networking.suggestions(me, core, "nl").met_known
    assert networking.recent_meetings(me.event, core) is None


def test_which_organisations_met_comes_from_the_network_s_last_days_of_the_same_organisers(
    day: models.Event, core: CoreEvent, organiser: Client
) -> None:
    from django.contrib.auth.models import User

    from netwerkdag.core.reach import meetings
    from netwerkdag.web.services import reach
    from netwerkdag.web.services.history import load_history

    events = load_history(HISTORY)
    stranger = User.objects.create(username="anders")
    for event in events:
        models.Organiser.objects.create(event=event, user=stranger)
    # Days of other organisers are not read.
    assert networking.recent_meetings(day, core) is None
    olga = models.Organiser.objects.get(event=day).user
    for event in events:
        models.Organiser.objects.create(event=event, user=olga)
    met = networking.recent_meetings(day, core)
    days = reach.network_days(events, core.network.id).days
    assert len(days) > networking.LAST_DAYS  # only the last ones count
    assert met == set(meetings(days[-networking.LAST_DAYS :]).pairs)
    assert met


def test_suggestions_leave_out_blocks_either_way_and_people_who_take_no_requests(
    person: MakeInvitee, core: CoreEvent
) -> None:
    me, _ = person("froukje-de-jonge")
    karin, _ = person("karin-schrederhof")
    hanneke, _ = person("hanneke-steen")
    networking.ask(karin, [me.pk], 15, "Woningbouw")
    networking.block(me, karin.pk)  # I blocked Karin
    networking.ask(me, [hanneke.pk], 15, "Wonen")
    networking.block(hanneke, me.pk)  # Hanneke blocked me
    assert networking.suggestions(me, core, "nl", met=set()).people == ()
    networking.unblock(me, karin.pk)
    networking.unblock(hanneke, me.pk)
    assert len(networking.suggestions(me, core, "nl", met=set()).people) == 2
    networking.set_accepts(karin, False)
    assert [s.card.name for s in networking.suggestions(me, core, "nl", met=set()).people] == [
        "Hanneke Steen"
    ]


# --- requests -----------------------------------------------------------------------------------------------


def test_a_request_asks_each_person_and_mails_them(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    request = networking.ask(me, [a.pk, b.pk], 30, "  Veiligheid\nin de  binnenstad ")
    assert request.subject == "Veiligheid in de binnenstad"
    assert request.minutes == 30
    assert sorted(request.answers.values_list("invitee_id", "answer")) == sorted(
        [(a.pk, Answer.PENDING), (b.pk, Answer.PENDING)]
    )
    mails = _mails(Kind.MEETING_REQUEST)
    assert sorted(m.invitee_id for m in mails) == sorted([a.pk, b.pk])
    django_mail.outbox.clear()
    run_tasks()
    sent = {m.to[0]: m for m in django_mail.outbox}
    assert set(sent) == {a.email, b.email}
    message = sent[a.email]
    assert message.subject == "Een verzoek voor een gesprek van Paul Depla"
    assert "Veiligheid in de binnenstad" in message.body
    assert "Ook gevraagd: Jos Wienen" in message.body
    assert "Uw afspraken" in message.body


@pytest.mark.parametrize(
    "case",
    ["outside", "no-requests", "blocked-me", "i-blocked", "myself", "duplicate", "too-many", "not-listed"],
)
def test_requests_are_refused_with_a_reason(person: MakeInvitee, case: str) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    asked = [other.pk]
    if case == "outside":
        outsider, _ = person(join=False)
        asked = [other.pk, outsider.pk]
    elif case == "no-requests":
        networking.set_accepts(other, False)
    elif case == "blocked-me":
        networking.ask(me, [other.pk], 15, "Eerst")
        networking.block(other, me.pk)
    elif case == "i-blocked":
        networking.ask(other, [me.pk], 15, "Eerst")
        networking.block(me, other.pk)
    elif case == "myself":
        asked = [me.pk]
    elif case == "duplicate":
        networking.ask(me, [other.pk], 15, "Eerst")
    elif case == "too-many":
        for n in range(networking.MAX_OPEN_REQUESTS):
            extra, _ = person(name=f"Extra {n}")
            networking.ask(me, [extra.pk], 15, f"Onderwerp {n}")
    elif case == "not-listed":
        networking.opt_out(me)
    before = (models.MeetingRequest.objects.count(), models.OutgoingMail.objects.count())
    with pytest.raises(networking.NetworkingRefusal) as refused:
        networking.ask(me, asked, 15, "Veiligheid")
    assert refused.value.message  # a sentence for the page, in the catalogue
    assert (models.MeetingRequest.objects.count(), models.OutgoingMail.objects.count()) == before
    if case in ("blocked-me", "i-blocked", "no-requests"):
        # A block is never told: the same words as for someone who takes no requests.
        assert str(refused.value) == f"{other.name} does not take meeting requests."


def test_a_declined_or_called_off_request_no_longer_counts_as_waiting(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    third, _ = person("jos-wienen")
    first = networking.ask(me, [other.pk], 15, "Eerst")
    assert networking.open_count(me) == 1
    networking.answer(other, first.pk, accept=False)
    assert networking.open_count(me) == 0
    second = networking.ask(me, [third.pk], 15, "Nog eens")
    networking.cancel(me, second.pk)
    assert networking.open_count(me) == 0
    networking.ask(me, [third.pk], 15, "Toch")  # called off by me: not a duplicate, not declined
    with pytest.raises(networking.NetworkingRefusal):
        networking.cancel(me, second.pk)  # called off already
    with pytest.raises(networking.NetworkingRefusal):
        networking.cancel(other, first.pk)  # not theirs


def test_someone_who_declined_cannot_be_asked_again_by_the_same_requester(person: MakeInvitee) -> None:
    me, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    first = networking.ask(me, [other.pk], 15, "Eerst")
    networking.answer(other, first.pk, accept=False)
    networking.cancel(me, first.pk)  # calling the declined request off does not help either
    before = (models.MeetingRequest.objects.count(), models.OutgoingMail.objects.count())
    with pytest.raises(networking.NetworkingRefusal) as refused:
        networking.ask(me, [other.pk], 30, "Nog eens, maar langer")
    assert str(refused.value) == (
        "Arjen Gerritsen declined one of your requests for this day; you cannot ask them again."
    )
    assert (models.MeetingRequest.objects.count(), models.OutgoingMail.objects.count()) == before
    response = Client().post(
        _url("invitee-networking-ask", token),
        {"person": [str(other.pk)], "minutes": "15", "subject": "Nog eens"},
    )
    assert response.status_code == 400
    assert "heeft een verzoek van u voor deze dag afgewezen" in response.content.decode()
    # The one who declined may still ask the requester.
    networking.ask(other, [me.pk], 15, "Toch even praten")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"minutes": "15", "subject": ""}, "Geef een onderwerp"),
        ({"minutes": "15", "subject": "x" * 201}, "ten hoogste 200 tekens"),
        ({"minutes": "20", "subject": "Wonen"}, "Kies 15 of 30 minuten"),
        ({"minutes": "15", "subject": "Wonen", "person": ["1", "2", "3", "4", "5"]}, "ten hoogste 4 mensen"),
        ({"minutes": "15", "subject": "Wonen", "person": ["x"]}, "kan niet gevraagd worden"),
        ({"minutes": "15", "subject": "Wonen", "person": [""]}, "Kies ten minste één persoon"),
    ],
)
def test_the_request_form_refuses_a_wrong_form_and_keeps_it(
    person: MakeInvitee, form: dict[str, object], message: str
) -> None:
    _, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    data: dict[str, object] = {"person": [str(other.pk)], **form}
    response = Client().post(_url("invitee-networking-ask", token), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert not models.MeetingRequest.objects.exists()


def test_the_request_form_asks_and_leads_to_my_meetings(person: MakeInvitee) -> None:
    _, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    client = Client()
    form = client.get(_url("invitee-networking-ask", token) + f"?met={other.pk}").content.decode()
    assert f'value="{other.pk}" id="person-{other.pk}" checked' in form
    assert not models.MeetingRequest.objects.exists()
    response = client.post(
        _url("invitee-networking-ask", token),
        {"person": [str(other.pk), ""], "minutes": "30", "subject": "Carnaval <b>en</b> veiligheid"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _url("invitee-meetings", token)
    text = response.content.decode()
    assert "Carnaval &lt;b&gt;en&lt;/b&gt; veiligheid" in text
    assert "wacht op antwoord" in text
    assert models.MeetingRequest.objects.get().minutes == 30


def test_request_posts_are_rate_limited(person: MakeInvitee, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(networking_views, "ASKS", 2)
    _, token = person("paul-depla")
    client = Client()
    for _ in range(2):
        assert client.post(_url("invitee-networking-ask", token), {"subject": ""}).status_code == 400
    assert client.post(_url("invitee-networking-ask", token), {"subject": ""}).status_code == 429


def test_posts_need_the_csrf_token(person: MakeInvitee, csrf_client: Client) -> None:
    me, token = person("paul-depla", join=False)
    response = csrf_client.post(_url("invitee-networking-consent", token), {"action": "join"})
    assert response.status_code == 403
    assert not models.NetworkingConsent.objects.filter(invitee=me).exists()


# --- answers ------------------------------------------------------------------------------------------------


def test_the_asked_accept_or_decline_by_a_post_and_the_requester_is_mailed(person: MakeInvitee) -> None:
    me, my_token = person("paul-depla")
    other, token = person("arjen-gerritsen")
    request = networking.ask(me, [other.pk], 15, "Veiligheid")
    client = Client()
    page = client.get(_url("invitee-meetings", token)).content.decode()
    assert "Veiligheid" in page
    assert "Accepteren" in page
    assert models.MeetingAnswer.objects.get(request=request).answer == Answer.PENDING  # opening: nothing
    response = client.post(_url("invitee-meetings", token), {"action": "accept", "request": str(request.pk)})
    assert response.status_code == 303
    assert models.MeetingAnswer.objects.get(request=request).answer == Answer.ACCEPTED
    (told,) = _mails(Kind.MEETING_ANSWER)
    assert (told.invitee_id, told.context["answer"]) == (me.pk, "accepted")
    django_mail.outbox.clear()
    run_tasks()
    (answer_mail,) = [m for m in django_mail.outbox if m.to == [me.email]]
    assert answer_mail.subject == "Arjen Gerritsen neemt uw verzoek voor een gesprek aan"
    # Accepting again changes nothing and mails nobody; declining after all is told.
    client.post(_url("invitee-meetings", token), {"action": "accept", "request": str(request.pk)})
    assert len(_mails(Kind.MEETING_ANSWER)) == 1
    client.post(_url("invitee-meetings", token), {"action": "decline", "request": str(request.pk)})
    assert models.MeetingAnswer.objects.get(request=request).answer == Answer.DECLINED
    assert len(_mails(Kind.MEETING_ANSWER)) == 2
    # The requester sees the answer on their page.
    mine = Client().get(_url("invitee-meetings", my_token)).content.decode()
    assert "afgewezen" in mine


def test_nobody_answers_a_request_not_to_them_or_called_off(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    other, token = person("arjen-gerritsen")
    third, third_token = person("jos-wienen")
    request = networking.ask(me, [other.pk], 15, "Veiligheid")
    with pytest.raises(networking.NetworkingRefusal):
        networking.answer(third, request.pk, accept=True)
    response = Client().post(
        _url("invitee-meetings", third_token), {"action": "accept", "request": str(request.pk)}, follow=True
    )
    assert "Dat verzoek is niet aan u gericht" in response.content.decode()
    networking.cancel(me, request.pk)
    with pytest.raises(networking.NetworkingRefusal):
        networking.answer(other, request.pk, accept=True)
    bad = Client().post(_url("invitee-meetings", token), {"action": "accept", "request": "1; drop"})
    assert bad.status_code == 303
    assert not _mails(Kind.MEETING_ANSWER)


def test_a_block_declines_waiting_requests_and_can_be_undone(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    other, token = person("arjen-gerritsen")
    agreed = networking.ask(me, [other.pk], 15, "Afgesproken")
    networking.answer(other, agreed.pk, accept=True)
    first = networking.ask(me, [other.pk], 15, "Eerst")
    client = Client()
    response = client.post(_url("invitee-meetings", token), {"action": "block", "person": str(me.pk)})
    assert response.status_code == 303
    assert models.MeetingBlock.objects.filter(blocker=other, blocked=me).exists()
    assert models.MeetingAnswer.objects.get(request=first).answer == Answer.DECLINED
    assert models.MeetingAnswer.objects.get(request=agreed).answer == Answer.ACCEPTED  # only waiting ones
    with pytest.raises(networking.NetworkingRefusal):
        networking.ask(me, [other.pk], 15, "Nog eens")
    page = client.get(_url("invitee-meetings", token)).content.decode()
    assert "Weer verzoeken aannemen" in page
    client.post(_url("invitee-meetings", token), {"action": "unblock", "person": str(me.pk)})
    assert not models.MeetingBlock.objects.exists()
    # Unblocked; but a request the blocked person had waiting was declined by the block, so they cannot
    # ask again (the same as any decline).
    with pytest.raises(networking.NetworkingRefusal) as refused:
        networking.ask(me, [other.pk], 15, "Nog eens")
    assert "declined" in str(refused.value)
    # Someone blocked with no request waiting can ask again once unblocked.
    third, _ = person("jos-wienen")
    accepted = networking.ask(third, [other.pk], 15, "Al afgesproken")
    networking.answer(other, accepted.pk, accept=True)
    networking.block(other, third.pk)
    with pytest.raises(networking.NetworkingRefusal):
        networking.ask(third, [other.pk], 15, "Nog eens")
    networking.unblock(other, third.pk)
    networking.ask(third, [other.pk], 15, "Nog eens")
    # Only someone who asked can be blocked (no blocking, or probing, of anyone by id).
    stranger, _ = person("hanneke-steen")
    with pytest.raises(networking.NetworkingRefusal):
        networking.block(other, stranger.pk)
    with pytest.raises(networking.NetworkingRefusal):
        networking.block(other, other.pk)


def test_my_meetings_show_the_table_and_time_of_a_placed_meeting(
    person: MakeInvitee, core: CoreEvent
) -> None:
    me, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    request = networking.ask(me, [other.pk], 15, "Veiligheid")
    networking.answer(other, request.pk, accept=True)
    start = core.networking[0].open[0].start + timedelta(hours=1)
    models.MeetingPlacement.objects.create(
        request=request,
        space="netwerktafels",
        table="tafel-3",
        start=start,
        end=start + timedelta(minutes=15),
    )
    text = Client().get(_url("invitee-meetings", token)).content.decode()
    assert "10.30-10.45" in text
    assert "Tafel 3, Netwerktafels in de hal" in text


# --- personal data ------------------------------------------------------------------------------------------


def test_the_download_holds_consent_blocks_requests_and_answers(person: MakeInvitee) -> None:
    me, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    third, _ = person("jos-wienen")
    networking.ask(me, [other.pk], 15, "Mijn verzoek")
    theirs = networking.ask(third, [me.pk], 30, "Hun verzoek")
    networking.answer(me, theirs.pk, accept=True)
    networking.ask(other, [me.pk], 15, "Ongewenst")
    networking.block(me, other.pk)
    data = json.loads(Client().get(_url("invitee-data", token)).content)["networking"]
    assert data["consent"]["accepts_requests"] is True
    assert [b["blocked"] for b in data["blocks"]] == ["Arjen Gerritsen"]
    assert [(r["subject"], r["answers"][0]["answer"]) for r in data["requests"]] == [
        ("Mijn verzoek", "pending")
    ]
    assert [(a["subject"], a["answer"]) for a in data["answers"]] == [
        ("Hun verzoek", "accepted"),
        ("Ongewenst", "declined"),
    ]


def test_withdrawal_deletes_the_networking_data(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    third, _ = person("jos-wienen")
    networking.ask(me, [other.pk], 15, "Mijn verzoek")
    theirs = networking.ask(third, [me.pk, other.pk], 30, "Hun verzoek")
    networking.ask(other, [me.pk], 15, "Ongewenst")
    networking.block(me, other.pk)
    privacy.withdraw(me)
    assert not models.NetworkingConsent.objects.filter(invitee=me).exists()
    assert not models.MeetingBlock.objects.exists()
    assert not models.MeetingRequest.objects.filter(requester=me).exists()
    assert not models.MeetingAnswer.objects.filter(invitee=me).exists()
    # The others' request stands, without the person who withdrew.
    assert list(theirs.answers.values_list("invitee_id", flat=True)) == [other.pk]


def test_anonymisation_deletes_the_networking_data_of_the_event(
    person: MakeInvitee, day: models.Event
) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    networking.ask(me, [other.pk], 15, "Mijn verzoek")
    networking.ask(other, [me.pk], 15, "Ongewenst")
    networking.block(me, other.pk)
    long_ago = timezone.now() - timedelta(days=400)
    models.Event.objects.filter(pk=day.pk).update(
        starts_at=long_ago, ends_at=long_ago + timedelta(hours=8), registration_deadline=long_ago
    )
    assert privacy.anonymise_past_events() >= 2
    assert not models.NetworkingConsent.objects.exists()
    assert not models.MeetingBlock.objects.exists()
    assert not models.MeetingRequest.objects.exists()
    assert not models.MeetingAnswer.objects.exists()


def test_after_the_day_nothing_changes_here(person: MakeInvitee, day: models.Event) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    request = networking.ask(me, [other.pk], 15, "Veiligheid")
    models.Event.objects.filter(pk=day.pk).update(registration_deadline=timezone.now() - timedelta(days=1))
    me.refresh_from_db()
    other.refresh_from_db()
    with pytest.raises(networking.NetworkingRefusal):
        networking.ask(me, [other.pk], 15, "Nog een")
    with pytest.raises(networking.NetworkingRefusal):
        networking.answer(other, request.pk, accept=True)


def test_a_request_answered_or_called_off_before_its_mail_goes_out_is_not_mailed(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    request = networking.ask(me, [a.pk, b.pk], 15, "Veiligheid")
    networking.answer(a, request.pk, accept=False)
    django_mail.outbox.clear()
    run_tasks()
    assert [m.to for m in django_mail.outbox if "Paul Depla" in m.subject] == [[b.email]]
    failed = models.OutgoingMail.objects.get(kind=Kind.MEETING_REQUEST, invitee=a)
    assert failed.status == models.OutgoingMail.Status.FAILED
    assert "answered" in failed.last_error
    c, _ = person("hanneke-steen")
    later = networking.ask(me, [c.pk], 15, "Nog eens")
    networking.cancel(me, later.pk)
    run_tasks()
    assert models.OutgoingMail.objects.filter(kind=Kind.MEETING_REQUEST, status="sent").count() == 1


# --- leaving, saying no, and the placement following -------------------------------------------------------


def test_leaving_keeps_a_meeting_one_accepted_while_another_has_not_answered(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    b, _ = person("arjen-gerritsen")
    c, _ = person("jos-wienen")
    request = networking.ask(me, [b.pk, c.pk], 30, "Carnaval")
    networking.answer(b, request.pk, accept=True)
    gone = networking.opt_out(me)
    assert gone.called_off == 0
    request.refresh_from_db()
    assert request.cancelled_at is None  # agreed with b: it stays
    assert models.MeetingAnswer.objects.get(request=request, invitee=c).answer == Answer.PENDING
    assert models.MeetingAnswer.objects.get(request=request, invitee=b).answer == Answer.ACCEPTED


def _placed_once(event: models.Event) -> None:
    """The organisers placed the meetings once (from then on, changes are placed by themselves)."""
    models.MeetingRun.objects.create(event=event, status=models.MeetingRun.Status.DONE)


def _queued_runs(event: models.Event) -> int:
    return models.MeetingRun.objects.filter(event=event, status=models.MeetingRun.Status.QUEUED).count()


def _place(request: models.MeetingRequest, core: CoreEvent, *, announced: bool = True) -> None:
    start = core.networking[0].open[0].start + timedelta(hours=1)
    models.MeetingPlacement.objects.create(
        request=request,
        space=core.networking[0].id,
        table="tafel-1",
        start=start,
        end=start + timedelta(minutes=request.minutes),
        announced_at=timezone.now() if announced else None,
    )


def test_saying_i_will_not_come_leaves_the_directory_and_the_meetings(
    person: MakeInvitee, core: CoreEvent, day: models.Event
) -> None:
    from netwerkdag.web.services import registration

    me, _ = person("paul-depla")
    a, a_token = person("arjen-gerritsen")
    b, b_token = person("jos-wienen")
    c, _ = person("hanneke-steen")
    waiting = networking.ask(me, [a.pk], 15, "Wacht op antwoord")
    agreed = networking.ask(me, [b.pk], 30, "Afgesproken")
    networking.answer(b, agreed.pk, accept=True)
    to_me = networking.ask(c, [me.pk], 15, "Aan mij")
    mine_accepted = networking.ask(a, [me.pk], 15, "Met mij afgesproken")
    networking.answer(me, mine_accepted.pk, accept=True)
    _placed_once(day)
    _place(agreed, core)
    assert networking.my_meetings(b, core).to_me[0].takes_place
    registration.decline(me)
    me.refresh_from_db()
    assert me.attending == models.Attendance.NO
    assert not models.NetworkingConsent.objects.filter(invitee=me).exists()
    waiting.refresh_from_db()
    agreed.refresh_from_db()
    assert waiting.cancelled_at is not None  # nobody had accepted it
    assert agreed.cancelled_at is None  # agreed: stays, for if the person comes after all
    assert models.MeetingAnswer.objects.get(request=to_me, invitee=me).answer == Answer.DECLINED
    told = _mails(Kind.MEETING_ANSWER)[-1]
    assert (told.invitee_id, told.context["answer"]) == (c.pk, "declined")
    # Neither meeting takes place without the person: no table and time is claimed for it.
    (for_b,) = networking.my_meetings(b, core).to_me
    assert for_b.placed is not None
    assert not for_b.takes_place
    (for_a,) = networking.my_meetings(a, core).made
    assert not for_a.takes_place
    page = Client().get(_url("invitee-meetings", b_token)).content.decode()
    assert "Paul Depla komt niet meer naar deze dag." in page
    assert "Tafel 1" not in page
    assert "komt niet meer" in Client().get(_url("invitee-meetings", a_token)).content.decode()
    # The meeting had a table: the placement follows.
    assert _queued_runs(day) == 1


def test_changes_to_the_meetings_queue_a_new_placement(
    person: MakeInvitee, core: CoreEvent, day: models.Event
) -> None:
    me, _ = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    c, _ = person("hanneke-steen")
    _placed_once(day)

    def settled() -> None:
        models.MeetingRun.objects.filter(event=day).update(status=models.MeetingRun.Status.DONE)

    request = networking.ask(me, [a.pk, b.pk], 15, "Veiligheid")
    networking.answer(b, request.pk, accept=False)
    assert _queued_runs(day) == 0  # asking and declining change no meeting
    networking.answer(a, request.pk, accept=True)
    assert _queued_runs(day) == 1  # a new meeting to place
    settled()
    _place(request, core)
    networking.opt_out(me)  # agreed meetings stay: nothing to place again
    assert _queued_runs(day) == 0
    networking.answer(a, request.pk, accept=False)  # a placed meeting loses its last participant
    assert _queued_runs(day) == 1
    settled()
    networking.answer(a, request.pk, accept=True)
    settled()
    privacy.withdraw(a)
    assert _queued_runs(day) == 1
    settled()
    networking.opt_in(me)
    other = networking.ask(me, [c.pk], 30, "Wonen")
    networking.answer(c, other.pk, accept=True)
    settled()
    _place(other, core, announced=False)
    networking.cancel(me, other.pk)
    assert _queued_runs(day) == 1


def test_an_answer_mail_waiting_to_be_sent_is_changed_not_repeated(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    request = networking.ask(me, [other.pk], 15, "Veiligheid")
    for accept in (True, False, True, False):
        networking.answer(other, request.pk, accept=accept)
    (told,) = _mails(Kind.MEETING_ANSWER)
    assert told.context == {"request": request.pk, "answerer": other.pk, "answer": "declined"}
    django_mail.outbox.clear()
    run_tasks()
    assert [m.subject for m in django_mail.outbox if m.to == [me.email]] == [
        "Arjen Gerritsen wijst uw verzoek voor een gesprek af"
    ]
    # Once sent, a changed answer is a new mail.
    networking.answer(other, request.pk, accept=True)
    assert [m.context["answer"] for m in _mails(Kind.MEETING_ANSWER)] == ["declined", "accepted"]


def test_calling_off_tells_who_accepted_and_is_closed_after_the_day(
    person: MakeInvitee, core: CoreEvent, day: models.Event
) -> None:
    me, token = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    c, _ = person("hanneke-steen")
    request = networking.ask(me, [a.pk, b.pk], 30, "Carnaval")
    networking.answer(a, request.pk, accept=True)
    run_tasks()
    django_mail.outbox.clear()
    networking.cancel(me, request.pk)
    (told,) = [m for m in _mails(Kind.MEETING_ANSWER) if m.context.get("cancelled")]
    assert told.invitee_id == a.pk  # not b, who had not answered
    run_tasks()
    (sent,) = django_mail.outbox
    assert sent.to == [a.email]
    assert sent.subject == "Paul Depla heeft uw gesprek ingetrokken"
    assert "heeft het gesprek op" in sent.body
    assert "Carnaval" in sent.body
    # A meeting whose table its people were told of: the placement that frees it tells them (one mail).
    placed = networking.ask(me, [c.pk], 15, "Wonen")
    networking.answer(c, placed.pk, accept=True)
    _place(placed, core)
    before = len(_mails(Kind.MEETING_ANSWER))
    networking.cancel(me, placed.pk)
    assert len(_mails(Kind.MEETING_ANSWER)) == before
    # After the day nothing is called off, and the page offers no button for it.
    later = networking.ask(me, [b.pk], 15, "Later")
    models.Event.objects.filter(pk=day.pk).update(registration_deadline=timezone.now() - timedelta(days=1))
    me.refresh_from_db()
    with pytest.raises(networking.NetworkingRefusal):
        networking.cancel(me, later.pk)
    later.refresh_from_db()
    assert later.cancelled_at is None
    page = Client().get(_url("invitee-meetings", token)).content.decode()
    assert 'value="cancel"' not in page


def test_the_directory_shows_only_the_closed_notice_after_the_day(
    person: MakeInvitee, day: models.Event
) -> None:
    _, token = person("paul-depla")
    other, _ = person("karin-schrederhof")
    models.Event.objects.filter(pk=day.pk).update(registration_deadline=timezone.now() - timedelta(days=1))
    response = Client().get(_url("invitee-networking", token))
    assert response.status_code == 200
    text = response.content.decode()
    assert "De dag is voorbij: de lijst en de verzoeken zijn gesloten." in text
    assert other.name not in text
    assert "Iedereen in de lijst" not in text


# --- the subject, duplicates, declines of answers given meanwhile -------------------------------------------


@pytest.mark.parametrize("subject", ["Wonen\x00", "Wo\x07nen", "\x7fWonen", "Wonen\x1b[31m"])
def test_a_subject_with_a_control_character_is_refused(person: MakeInvitee, subject: str) -> None:
    me, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    with pytest.raises(networking.NetworkingRefusal) as refused:
        networking.ask(me, [other.pk], 15, subject)
    assert "control character" in str(refused.value)
    response = Client().post(
        _url("invitee-networking-ask", token),
        {"person": [str(other.pk)], "minutes": "15", "subject": subject},
    )
    assert response.status_code == 400
    assert "Het onderwerp bevat een stuurteken" in response.content.decode()
    assert not models.MeetingRequest.objects.exists()


def test_the_form_collapses_spaces_before_it_checks_the_length(person: MakeInvitee) -> None:
    _, token = person("paul-depla")
    other, _ = person("arjen-gerritsen")
    client = Client()
    spaced = "Wonen" + " " * 500 + "en\n\tzorg"
    response = client.post(
        _url("invitee-networking-ask", token), {"person": [str(other.pk)], "minutes": "15", "subject": spaced}
    )
    assert response.status_code == 303
    assert models.MeetingRequest.objects.get().subject == "Wonen en zorg"  # nothing cut off
    third, _ = person("jos-wienen")
    long = "x" * 150 + " " + "y" * 150  # over 200 after collapsing: refused, not cut
    refused = client.post(
        _url("invitee-networking-ask", token), {"person": [str(third.pk)], "minutes": "15", "subject": long}
    )
    assert refused.status_code == 400
    assert "ten hoogste 200 tekens" in refused.content.decode()
    assert models.MeetingRequest.objects.count() == 1


def test_asking_the_same_person_twice_in_one_request_asks_them_once(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    request = networking.ask(me, [a.pk, b.pk, a.pk, a.pk, b.pk], 15, "Dubbel")
    assert sorted(request.answers.values_list("invitee_id", flat=True)) == sorted([a.pk, b.pk])
    assert sorted(m.invitee_id for m in _mails(Kind.MEETING_REQUEST)) == sorted([a.pk, b.pk])


def test_declining_what_is_pending_leaves_an_answer_given_meanwhile(person: MakeInvitee) -> None:
    me, _ = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    request = networking.ask(me, [a.pk, b.pk], 15, "Veiligheid")
    networking.answer(a, request.pk, accept=True)  # given after a list of pending answers was read
    mails = len(_mails(Kind.MEETING_ANSWER))
    declined = networking._decline_pending(
        models.MeetingAnswer.objects.filter(request=request), timezone.now()
    )
    assert declined == 1
    assert models.MeetingAnswer.objects.get(request=request, invitee=a).answer == Answer.ACCEPTED
    assert models.MeetingAnswer.objects.get(request=request, invitee=b).answer == Answer.DECLINED
    assert [m.context["answerer"] for m in _mails(Kind.MEETING_ANSWER)[mails:]] == [b.pk]


def test_the_dutch_of_the_refusals_reads_well() -> None:
    from django.utils import translation

    from netwerkdag.web import i18n

    with translation.override("nl"):
        assert i18n.gettext("Join the directory first: only people in it see it.").endswith(
            "alleen wie erin staat, ziet de lijst."
        )
        too_many = i18n.gettext(
            "You have %(n)s requests waiting for answers, the most at once. Wait for answers or "
            "call one off.",
            n=10,
        )
        assert too_many.startswith("U heeft 10 verzoeken die op antwoord wachten, het maximum.")


# --- locks --------------------------------------------------------------------------------------------------


@dataclass
class Locked:
    """A query that locks rows (`select_for_update`): its model, SQL and parameters."""

    model: type
    sql: str
    params: tuple[Any, ...]


@pytest.fixture
def locks(monkeypatch: pytest.MonkeyPatch) -> list[Locked]:
    """Every query run with `select_for_update`, in order (on SQLite too, whose SQL has no FOR UPDATE)."""
    found: list[Locked] = []
    original = SQLCompiler.as_sql

    def spy(self: SQLCompiler, *args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = original(self, *args, **kwargs)
        if self.query.select_for_update:
            found.append(Locked(self.query.model, sql, tuple(params)))
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    return found


def _on(lock: Locked, model: type, *ids: int) -> bool:
    """The lock is on these rows of the model (and, for several, in id order)."""
    ordered = len(ids) == 1 or "ORDER BY" in lock.sql
    return lock.model is model and set(ids) <= set(lock.params) and ordered


def test_changes_lock_the_rows_they_depend_on(person: MakeInvitee, locks: list[Locked]) -> None:
    me, _ = person("paul-depla")
    a, _ = person("arjen-gerritsen")
    b, _ = person("jos-wienen")
    locks.clear()
    request = networking.ask(me, [b.pk, a.pk, b.pk], 15, "Veiligheid")
    # The requester and the asked, in one statement, in id order, before anything else is locked.
    assert _on(locks[0], models.Invitee, me.pk, a.pk, b.pk)
    locks.clear()
    networking.answer(a, request.pk, accept=True)
    assert locks[0].model is models.Event  # first: serialised with the placement's apply step
    locks.clear()
    networking.cancel(me, request.pk)
    assert locks[0].model is models.Event
    locks.clear()
    other = networking.ask(me, [b.pk], 15, "Nog een")
    locks.clear()
    networking.block(b, me.pk)
    assert _on(locks[0], models.Invitee, b.pk)
    assert models.MeetingAnswer.objects.get(request=other).answer == Answer.DECLINED
    locks.clear()
    networking.set_accepts(a, False)
    assert _on(locks[0], models.Invitee, a.pk)
    locks.clear()
    privacy.withdraw(b)
    assert _on(locks[0], models.Invitee, b.pk)
