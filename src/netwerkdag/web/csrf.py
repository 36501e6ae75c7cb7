"""CSRF protection that works with `Referrer-Policy: no-referrer` on the pages whose address holds a
secret: the invitee's pages and the page that sets a password from a one-time link.

Under that policy a browser sends ``Origin: null`` with the form's POST (Fetch: an origin is serialised as
null when the request's referrer policy is no-referrer), which Django's origin check refuses. On those
pages (and only there) we accept that literal null origin and keep the check that matters: the form's
masked CSRF token must match the CSRF cookie, which another site can neither read nor set. Every other
page keeps Django's origin check as it is.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

#: Where the pages with a secret in their address live (urls.py); their responses carry
#: Referrer-Policy: no-referrer.
SECRET_PATH_PREFIXES = ("/uitnodiging/", "/organisatie/wachtwoord/")


class CsrfMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null" and request.path.startswith(SECRET_PATH_PREFIXES):
            return True  # the token check that follows still applies
        return bool(super()._origin_verified(request))
