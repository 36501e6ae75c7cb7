"""Badges on A4 sheets (2 x 4 per page, 90 x 60 mm): name, role, organisation and a QR code that opens
the check-in page at the person (for the organisers' phones; it holds no secret), and the person's first
meeting at the networking tables when they have one (time and table).

The sheet is a tagged PDF (PDF/UA-1, `publish.pdf.accessible_pdf`) in the organiser's language; each QR
code's alternative text says what it opens ("QR-code: opent het aanmelden bij de ingang voor Anna de
Vries")."""

from __future__ import annotations

import base64
import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from netwerkdag.publish.i18n import format_time
from netwerkdag.publish.pdf import accessible_pdf
from netwerkdag.web import i18n, models
from netwerkdag.web.services import meetings


def qr_data_uri(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=1, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def badges_pdf(event: models.Event, people: list[models.Invitee]) -> bytes:
    check_in = settings.BASE_URL + reverse("web:organiser-check-in", args=[event.slug])
    first = meetings.first_meetings(event, (p.pk for p in people))
    lang = i18n.current()
    cards = [
        {
            "person": p,
            "qr": qr_data_uri(f"{check_in}?q={p.pk}"),
            # The person's first meeting at the networking tables: "10.30, Tafel 3".
            "meeting": f"{format_time(first[p.pk][0], lang)}, {first[p.pk][1]}" if p.pk in first else "",
        }
        for p in people
    ]
    html = render_to_string("web/badges.html", {"event": event, "cards": cards, "lang": i18n.current()})
    return accessible_pdf(html)
