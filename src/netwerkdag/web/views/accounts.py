"""Logging in (the organisers' page and the admin's) and setting a password from a one-time link.

Log-in attempts are limited per client (its address behind trusted proxies, web/client.py): an attempt
takes a place in the client's window before the password is checked, and one that succeeds gives it
back, so that any number of parallel attempts makes at most NETWERKDAG_LOGIN_ATTEMPTS guesses per
window (decision 0009 says why this is not django-axes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from netwerkdag.web import i18n
from netwerkdag.web.client import client_key
from netwerkdag.web.services import ratelimit
from netwerkdag.web.views.common import private, too_many

View = Callable[..., HttpResponse]


def limit_log_ins(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        key = f"login:{client_key(request)}"
        window = settings.NETWERKDAG_TOKEN_WINDOW_S
        if not ratelimit.take(key, settings.NETWERKDAG_LOGIN_ATTEMPTS, window):
            return too_many(request, window)
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            ratelimit.give_back(key)
        return response

    return wrapped


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's check of the one-time link (it moves the token out of the address into the session at
    once); our page, private and never sending its address on."""

    template_name = "web/set_password.html"
    success_url = reverse_lazy("web:login")

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return private(super().dispatch(*args, **kwargs), secret_address=True)

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, i18n.gettext("Your password is set. Log in with it."))
        return super().form_valid(form)
