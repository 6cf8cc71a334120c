"""While the database cannot be reached, answer 503 with a short page (JSON for the API).

Database errors can be raised anywhere (the session, the user, a view), and Django turns each
into a 500 response inside the middleware that raised it. The signal below marks the request
when the error was the database's connection; this middleware, the outermost, then replaces
that 500 by a 503 that needs no database to render. Connections are health-checked before
reuse (``conn_health_checks``), so the portal recovers by itself once the database is back.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _



class NotDatabaseOutage(logging.Filter):
    """Keeps the traceback of each request during an outage out of django.request's log
    ("Internal Server Error" with a full stack); the 503 is logged in one line instead."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not is_database_outage(exc)

RETRY_AFTER_SECONDS = 30
_MARK = "_ntm_database_unavailable"


def is_database_outage(exc):
    """Connection-level failures only: a broken query (ProgrammingError...) stays a 500."""
    return isinstance(exc, (OperationalError, InterfaceError))


@receiver(got_request_exception)
def _mark_outage(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and is_database_outage(exc):
        setattr(request, _MARK, True)


def outage_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The database is not reachable for the moment. Try again in a minute.")},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}),
                                status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return outage_response(request)  # logged by Django as "Service Unavailable"
        return response
