"""The Jinja environment of the web pages: our templates first, then the publisher's (the grid, the
session list), so that the web programme and the booklet share one look. Autoescape is always on."""

from __future__ import annotations

from typing import Any

import jinja2
from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse

from netwerkdag.publish.html import TEMPLATES as PUBLISH_TEMPLATES
from netwerkdag.publish.i18n import translations
from netwerkdag.web import i18n

WEB_TEMPLATES = settings.PACKAGE_DIR / "templates"


def _url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> jinja2.Environment:
    options["loader"] = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(WEB_TEMPLATES), jinja2.FileSystemLoader(PUBLISH_TEMPLATES)]
    )
    # Escaped everywhere except the plain-text bodies of mails.
    options["autoescape"] = jinja2.select_autoescape(
        disabled_extensions=("txt",), default_for_string=True, default=True
    )
    options["undefined"] = jinja2.StrictUndefined
    options["trim_blocks"] = True
    options["lstrip_blocks"] = True
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = jinja2.Environment(**options)  # noqa: S701 - autoescape is select_autoescape above
    env.install_gettext_callables(  # type: ignore[attr-defined]
        # Jinja's new-style gettext fills in the values itself, so these return the bare translation.
        lambda message: i18n.gettext(message),
        lambda singular, plural, n: translations(i18n.current()).ngettext(singular, plural, n),
        newstyle=True,
    )
    from netwerkdag.web.models import Attendance  # the app registry is ready once a template is loaded

    env.globals.update(
        url=_url,
        static=static,
        current_language=i18n.current,
        get_messages=get_messages,
        Attendance=Attendance,
    )
    return env
