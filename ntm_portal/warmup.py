"""What a fresh server process would otherwise do on its first requests.

``gunicorn.conf.py`` calls ``warm_up`` in the master after preloading the project, so
that every forked worker starts with the URL configuration and all views imported,
every template compiled (the cached template loader keeps them) and the translation
catalogues loaded.
"""

import io
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.shortcuts import resolve_url
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation


def _patterns(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _patterns(pattern)
        else:
            yield pattern


def _template_names(engine):
    for directory in engine.template_dirs:
        root = Path(directory)
        if root.is_dir():
            for path in root.rglob("*.html"):
                yield path.relative_to(root).as_posix()


def warm_up():
    """Import the views, compile the templates, load the catalogues; returns the counts."""
    views = sum(1 for pattern in _patterns(get_resolver()) if getattr(pattern, "callback", None))
    templates = 0
    for engine in engines.all():
        for name in set(_template_names(engine)):
            try:
                engine.get_template(name)
                templates += 1
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Reports")
    _one_request()
    # Nothing of the master's database connections may be inherited by the workers.
    connections.close_all()
    return views, templates


def _one_request():
    """Send the sign-in page through the whole middleware chain once (no data is read)."""
    from django.core.handlers.wsgi import WSGIHandler

    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and "*" not in h]
    host = hosts[0] if hosts else ("localhost" if "*" in settings.ALLOWED_HOSTS else None)
    if host is None:
        return  # no host would be accepted: nothing to warm this way
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": resolve_url(settings.LOGIN_URL),
               "QUERY_STRING": "",
               "SERVER_NAME": host, "SERVER_PORT": "443", "HTTP_HOST": host,
               "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO()}
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: None)
    for _chunk in response:
        pass
    response.close()
