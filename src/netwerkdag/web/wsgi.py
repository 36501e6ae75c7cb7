"""The WSGI application for production servers (`netwerkdag serve` runs it under gunicorn)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netwerkdag.web.settings")
application = get_wsgi_application()
