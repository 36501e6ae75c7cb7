"""The evaluation after the day (services/feedback.py) through HTTP and as use cases: the personal link
opens it once the day is over, opening changes nothing, a button saves; organisers see a mean only from
five answers, comments without names; a withdrawal deletes it, the anonymisation keeps its scores."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.feedback import Score
from netwerkdag.web import models
from netwerkdag.web.services import feedback, invitations, privacy, programme, registration

pytestmark = pytest.mark.django_db

#: The one plenary of the Haarlem day without registrations, which everyone who was there attended.
PLENARY = "opening-plenair"


def _url(token: str, suffix: str = "") -> str:
    return f"/uitnodiging/{token}/{suffix}"


def _end(event: models.Event, days_ago: int = 1) -> None:
    """The day ended `days_ago` days ago, its registration closed before."""
    now = timezone.now()
    models.Event.objects.filter(pk=event.pk).update(
        starts_at=now - timedelta(days=days_ago, hours=8),
        ends_at=now - timedelta(days=days_ago),
        registration_deadline=now - timedelta(days=days_ago + 1),
    )


def _came(
    make_invitee: MakeInvitee, *sessions: tuple[str, str], **fields: object
) -> tuple[models.Invitee, str]:
    """A person who said yes, held seats in `sessions` ((slot, session) pairs) and was checked in."""
    person, token = make_invitee(attending=models.Attendance.YES, **fields)
    for slot, session in sessions:
        registration.choose(person, slot, session)
    person.checked_in_at = timezone.now()
    person.save()
    return person, token


def _counts() -> dict[str, int]:
    return {
        "feedback": models.Feedback.objects.count(),
        "sessions": models.SessionFeedback.objects.count(),
        "registrations": models.Registration.objects.count(),
    }


def _csrf(client: Client, token: str) -> str:
    page = client.get(_url(token))
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _post(client: Client, token: str, **fields: str) -> HttpResponse:
    form = {"csrfmiddlewaretoken": _csrf(client, token), "action": "feedback", **fields}
    return client.post(_url(token), form)


# --- who attended what -----------------------------------------------------------------------------------


def test_attended_sessions_are_the_seats_held_and_the_plenary_in_programme_order(
    day: models.Event, make_invitee: MakeInvitee, haarlem: CoreEvent
) -> None:
    person, _ = _came(make_invitee, ("ronde-2", "thema-woningmarkt"), ("ronde-1", "pijler-sociaal"))
    absent, _ = make_invitee(attending=models.Attendance.YES)
    registration.choose(absent, "ronde-1", "pijler-fysiek")

    assert feedback.attended_sessions(person, haarlem) == [PLENARY, "pijler-sociaal", "thema-woningmarkt"]
    # Somebody was checked in, so check-in was used: a yes without a check-in is no presence.
    assert feedback.attended_sessions(absent, haarlem) == []


def test_attended_sessions_without_any_check_in_count_a_yes(
    day: models.Event, make_invitee: MakeInvitee, haarlem: CoreEvent
) -> None:
    coming, _ = make_invitee(attending=models.Attendance.YES)
    registration.choose(coming, "ronde-1", "pijler-fysiek")
    silent, _ = make_invitee()

    assert feedback.attended_sessions(coming, haarlem) == [PLENARY, "pijler-fysiek"]
    assert feedback.attended_sessions(silent, haarlem) == []


# --- the person's pages ----------------------------------------------------------------------------------


def test_before_the_event_ends_the_registration_form_is_unchanged(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))

    html = client.get(_url(token)).content.decode()

    assert 'name="attending"' in html
    assert 'value="feedback"' not in html
    assert 'name="score-' not in html


def test_opening_the_link_after_the_day_changes_nothing(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)
    before = (_counts(), models.Invitee.objects.filter(pk=person.pk).values().get())

    for _ in range(3):  # a mail scanner, a preview, the person
        response = client.get(_url(token))
        assert response.status_code == 200

    assert (_counts(), models.Invitee.objects.filter(pk=person.pk).values().get()) == before
    assert models.Feedback.objects.count() == 0
    html = response.content.decode()
    assert 'name="attending"' not in html
    assert 'name="score-pijler-sociaal"' in html
    assert f'name="score-{PLENARY}"' in html
    assert 'name="score-thema-woningmarkt"' not in html
    assert 'name="day-score"' in html
    assert "<legend>Uw score voor Pijlerbijeenkomst Sociaal</legend>" in html


def test_saving_the_evaluation_with_the_button(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    person, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)

    response = _post(
        csrf_client,
        token,
        **{
            "score-pijler-sociaal": "4",
            "comment-pijler-sociaal": "  Goed voorbereid.\r\nMeer tijd graag. ",
            f"score-{PLENARY}": "",
            "day-score": "5",
            "day-comment": "",
            "next-theme": "Energiearmoede",
        },
    )

    assert response.status_code == 303
    saved = models.Feedback.objects.get(invitee=person)
    assert (saved.day_score, saved.day_comment, saved.next_theme) == (5, "", "Energiearmoede")
    rows = list(saved.sessions.values_list("session_id", "score", "comment"))
    assert rows == [("pijler-sociaal", 4, "Goed voorbereid.\nMeer tijd graag.")]
    html = csrf_client.get(response["Location"]).content.decode()
    assert "Dank u wel! Uw evaluatie is opgeslagen" in html
    assert (
        'value="4" id="score-pijler-sociaal-4" aria-describedby="score-pijler-sociaal-hint" checked' in html
    )
    assert 'value="5" id="day-score-5" aria-describedby="day-score-hint" checked' in html
    assert "Goed voorbereid.\nMeer tijd graag.</textarea>" in html


def test_saving_again_replaces_the_earlier_answer(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    person, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)
    _post(csrf_client, token, **{"score-pijler-sociaal": "2", "comment-pijler-sociaal": "Te kort"})

    response = _post(csrf_client, token, **{"score-pijler-sociaal": "", "day-score": "3"})

    assert response.status_code == 303
    assert models.Feedback.objects.get(invitee=person).day_score == 3
    assert models.SessionFeedback.objects.count() == 0  # the emptied answer is removed


@pytest.mark.parametrize("wrong", ["6", "0", "-1", "vier", "4.5", "٣"])
def test_a_score_outside_one_to_five_is_refused_and_nothing_saved(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client, wrong: str
) -> None:
    _, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)

    response = _post(csrf_client, token, **{"score-pijler-sociaal": wrong, "next-theme": "Wonen"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Een score is een heel getal van 1 tot en met 5; er is niets opgeslagen." in html
    assert "Wonen</textarea>" in html  # what the person wrote stays in the form
    assert _counts()["feedback"] == 0


def test_a_session_not_attended_is_refused_and_nothing_saved(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    _, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)

    response = _post(csrf_client, token, **{"score-pijler-fysiek": "1", "day-score": "4"})

    assert response.status_code == 400
    assert "U kunt alleen iets zeggen over sessies waar u bij was" in response.content.decode()
    assert _counts()["feedback"] == 0


def test_a_comment_longer_than_allowed_is_refused(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    _, token = _came(make_invitee)
    _end(day)

    response = _post(csrf_client, token, **{"day-comment": "x" * 2001})

    assert response.status_code == 400
    assert "hoogstens 2000 tekens lang zijn; er is er een van 2001" in response.content.decode()
    assert _counts()["feedback"] == 0


def test_saving_without_the_csrf_token_is_refused(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    _, token = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)

    response = csrf_client.post(_url(token), {"action": "feedback", "day-score": "5"})

    assert response.status_code == 403
    assert _counts()["feedback"] == 0


def test_a_person_not_at_the_day_is_asked_only_for_a_theme(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    _came(make_invitee)  # check-in was used
    person, token = make_invitee(attending=models.Attendance.YES)
    _end(day)

    html = csrf_client.get(_url(token)).content.decode()
    refused = _post(csrf_client, token, **{"day-score": "2"})
    saved = _post(csrf_client, token, **{"next-theme": "Jeugdzorg"})

    assert "Voor zover wij weten was u er niet bij" in html
    assert 'name="day-score"' not in html
    assert 'name="next-theme"' in html
    assert refused.status_code == 400
    assert saved.status_code == 303
    found = models.Feedback.objects.get(invitee=person)
    assert (found.day_score, found.next_theme) == (None, "Jeugdzorg")


def test_an_expired_link_opens_the_evaluation_until_the_retention_period_ends(
    day: models.Event, make_invitee: MakeInvitee, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NETWERKDAG_RETENTION_DAYS = 90
    _, token = _came(make_invitee)
    models.Invitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    assert invitations.find(token) is None

    _end(day, days_ago=10)
    assert client.get(_url(token)).status_code == 200
    assert 'name="day-score"' in client.get(_url(token)).content.decode()

    _end(day, days_ago=95)  # past the retention period (the deadline a day before the end)
    assert client.get(_url(token)).status_code == 404


def test_a_revoked_or_anonymised_link_is_not_valid_after_the_day(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    revoked, revoked_token = _came(make_invitee)
    erased, erased_token = _came(make_invitee)
    _end(day)
    invitations.revoke(revoked)
    models.Invitee.objects.filter(pk=erased.pk).update(anonymised_at=timezone.now())

    for token in (revoked_token, erased_token):
        response = client.get(_url(token))
        assert response.status_code == 404
        assert "Deze link is niet geldig" in response.content.decode()


# --- what organisers see ---------------------------------------------------------------------------------


def _answer(make_invitee: MakeInvitee, name: str) -> models.Invitee:
    """A person who sat in the pillar meeting Sociaal."""
    person, _ = _came(make_invitee, ("ronde-1", "pijler-sociaal"), name=name)
    return person


def _evaluation(html: str) -> str:
    start = html.index('id="evaluation_heading"')
    return html[start : html.index("</section>", start)]


def _save_all(people: list[models.Invitee], scores: list[int], core: CoreEvent) -> None:
    for n, (person, value) in enumerate(zip(people, scores, strict=True)):
        feedback.save(
            person,
            feedback.Answers(
                {"pijler-sociaal": feedback.Answer(value, f"Opmerking {chr(ord('e') - n)}<script>")},
                feedback.Answer(value, "Eerste regel\nTweede regel" if n == 0 else ""),
                f"Thema {n}",
            ),
            core=core,
        )


def test_the_organiser_sees_too_few_answers_below_five_and_no_names(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client, haarlem: CoreEvent
) -> None:
    people = [_answer(make_invitee, f"Respondent {n}") for n in range(4)]
    _end(day)
    _save_all(people, [5, 4, 4, 1], haarlem)

    html = organiser.get(f"/organisatie/{day.slug}/").content.decode()
    section = _evaluation(html)

    row = re.search(r"<th scope=\"row\">Pijlerbijeenkomst Sociaal</th>(.*?)</tr>", section)
    assert row is not None
    assert row.group(1) == '<td class="num">4</td><td class="num">te weinig antwoorden</td>'
    assert "4 personen hebben geantwoord." in section
    assert "Pijlerbijeenkomst Fysiek" not in section  # nobody answered about it
    # Comments without names, in the order of their text (not of answering: e, d, c, b).
    assert re.findall(r"<li>(Opmerking .)&lt;script&gt;</li>", section) == [f"Opmerking {c}" for c in "bcde"]
    assert re.findall(r"<li>(Thema .)</li>", section) == [f"Thema {n}" for n in range(4)]
    assert "<li>Eerste regel<br>Tweede regel</li>" in section
    for person in people:
        assert person.name not in html
        assert person.email not in html


def test_the_organiser_sees_the_mean_from_five_answers(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client, haarlem: CoreEvent
) -> None:
    people = [_answer(make_invitee, f"Respondent {n}") for n in range(5)]
    _end(day)
    _save_all(people, [5, 4, 4, 1, 5], haarlem)

    section = _evaluation(organiser.get(f"/organisatie/{day.slug}/").content.decode())

    row = re.search(r"<th scope=\"row\">Pijlerbijeenkomst Sociaal</th>(.*?)</tr>", section)
    assert row is not None
    assert row.group(1) == '<td class="num">5</td><td class="num">3,8</td>'
    day_row = re.search(r"<th scope=\"row\">De dag als geheel</th>(.*?)</tr>", section)
    assert day_row is not None
    assert day_row.group(1) == '<td class="num">5</td><td class="num">3,8</td>'
    assert feedback.summary(day, haarlem).day == Score(5, 3.8, (1, 0, 0, 2, 2))


def test_the_feedback_export_holds_scores_without_names(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client, haarlem: CoreEvent
) -> None:
    people = [_answer(make_invitee, f"Respondent {n}") for n in range(5)]
    _end(day)
    _save_all(people, [5, 4, 4, 1, 5], haarlem)

    response = organiser.get(f"/organisatie/{day.slug}/export/feedback.csv")

    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["session", "title", "answers", "mean"]
    by_session = {r[0]: r for r in rows[1:]}
    assert by_session["pijler-sociaal"] == ["pijler-sociaal", "Pijlerbijeenkomst Sociaal", "5", "3.80"]
    assert by_session[PLENARY] == [PLENARY, "Plenaire start", "0", ""]
    assert by_session[""] == ["", "the day as a whole", "5", "3.80"]
    assert [r[0] for r in rows[1:4]] == ["opening-plenair", "pijler-economie-werk", "pijler-fysiek"]
    for person in people:
        assert person.name not in text
    assert "Opmerking" not in text
    assert organiser.get(f"/organisatie/{day.slug}/export/feedback.xlsx").status_code == 200


def test_the_event_page_has_no_evaluation_before_the_day_ends(day: models.Event, organiser: Client) -> None:
    html = organiser.get(f"/organisatie/{day.slug}/").content.decode()

    assert 'id="evaluation_heading"' not in html


# --- retention -------------------------------------------------------------------------------------------


def test_withdrawing_deletes_the_evaluation(
    day: models.Event, make_invitee: MakeInvitee, haarlem: CoreEvent
) -> None:
    person, _ = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    other, _ = _came(make_invitee, ("ronde-1", "pijler-sociaal"))
    _end(day)
    for who in (person, other):
        feedback.save(who, feedback.Answers({"pijler-sociaal": feedback.Answer(3, "Prima")}), core=haarlem)

    privacy.withdraw(person)

    assert list(models.Feedback.objects.values_list("invitee_id", flat=True)) == [other.pk]
    assert list(models.SessionFeedback.objects.values_list("feedback__invitee_id", flat=True)) == [other.pk]


def test_anonymising_erases_the_texts_keeps_the_scores_and_the_reach_profile(
    day: models.Event, make_invitee: MakeInvitee, haarlem: CoreEvent, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NETWERKDAG_RETENTION_DAYS = 90
    member = next(p for p in haarlem.network.people if p.organisation and p.groups and p.portfolios)
    person, _ = _came(make_invitee, ("ronde-1", "pijler-sociaal"), person_id=member.id, name=member.name)
    guest, _ = _came(make_invitee, name="Gast Zonder Netwerk")
    _end(day)
    feedback.save(
        person,
        feedback.Answers(
            {"pijler-sociaal": feedback.Answer(4, "Mooi gesprek met Anna")},
            feedback.Answer(5, "Goede dag"),
            "Wonen",
        ),
        core=haarlem,
    )
    _end(day, days_ago=91)

    assert privacy.anonymise_past_events() == 2

    person.refresh_from_db()
    guest.refresh_from_db()
    assert person.reach_profile == {
        "organisation": member.organisation,
        "role": member.role,
        "groups": list(member.groups),
        "portfolios": list(member.portfolios),
    }
    assert (person.person_id, person.name) == ("", "—")
    assert guest.reach_profile == {}
    kept = models.Feedback.objects.get(invitee=person)
    assert (kept.day_score, kept.day_comment, kept.next_theme) == (5, "", "")
    assert list(kept.sessions.values_list("session_id", "score", "comment")) == [("pijler-sociaal", 4, "")]
    assert programme.published_event(day) is not None
    assert feedback.summary(day, haarlem).themes == ()
