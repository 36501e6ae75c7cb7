"""Request bodies are refused by their announced size (413) before anything reads them, so that nobody
can make a server write a large body to memory or disk: an anonymous visitor sends forms of at most
`NETWERKDAG_MAX_BODY_ANONYMOUS` bytes, a logged-in user forms of `NETWERKDAG_MAX_BODY`, and the upload
pages take a file of `NETWERKDAG_MAX_UPLOAD` (with room for the form around it). A body without a
Content-Length is never read by Django at all.

It sits after the authentication middleware (it needs to know who asks) and before every view, and so
before the CSRF check, which reads the form in its view hook.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

#: The pages that take an uploaded file.
UPLOAD_VIEWS = frozenset({"organiser-new-event", "organiser-import-file", "organiser-invitees"})
#: Room for the multipart form around an uploaded file.
FORM_AROUND_UPLOAD = 64 * 1024


def body_limit(request: HttpRequest) -> int:
    if not request.user.is_authenticated:
        return int(settings.NETWERKDAG_MAX_BODY_ANONYMOUS)
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    if name in UPLOAD_VIEWS:
        return int(settings.NETWERKDAG_MAX_UPLOAD) + FORM_AROUND_UPLOAD
    return int(settings.NETWERKDAG_MAX_BODY)


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        announced = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(announced)
        except ValueError:
            return HttpResponse("Bad Content-Length\n", status=400, content_type="text/plain")
        if size > int(settings.NETWERKDAG_MAX_BODY_ANONYMOUS) and size > body_limit(request):
            from netwerkdag.web.views.common import page

            return page(request, "too_large.html", {"limit": _size(body_limit(request))}, status=413)
        return self.get_response(request)
