"""Error pages in our own look (and without inline styles, which the CSP forbids)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from netwerkdag.web.views.common import page


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    del reason  # Django's technical reason is for the log, not for the person
    return page(request, "csrf_failure.html", {}, status=403)
