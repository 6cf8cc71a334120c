"""Vietnamese first: the language is Vietnamese unless the user chose another one.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an
office PC with an English Windows would show English. Here only the language switch
(its cookie) changes the language.
"""

from django.conf import settings
from django.utils import translation


class VietnameseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


QUERY_VALUE_MAX = 2000


class QueryBoundaryMiddleware:
    """The text boundary for query strings: one place for every page and API list.

    A parameter (name or value) with NUL or another control character, or longer than
    ``QUERY_VALUE_MAX``, answers 400 with a message saying so, before any view reads it
    (PostgreSQL refuses NUL in a query, which would otherwise be a server error). Forms'
    fields are checked by the forms themselves (``ntm_portal.forms``), which show the
    message beside the typed text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .forms import text_errors

        for key, values in request.GET.lists():
            for text in [key, *values]:
                errors = text_errors(text, QUERY_VALUE_MAX)
                if errors:
                    return self.refuse(request, " ".join(errors))
        return self.get_response(request)

    @staticmethod
    def refuse(request, message):
        from django.http import JsonResponse
        from django.shortcuts import render

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
