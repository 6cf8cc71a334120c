"""``Authorization: Token <key>`` for scripts; the browser session works as well."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from communes.tokens import user_for_key
from ntm_portal.api_defaults import FailedTokenThrottle


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            self._refuse(request, _("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            self._refuse(request, _("Invalid token."))
        user = user_for_key(key)
        if user is None:
            self._refuse(request, _("Invalid or revoked token."))
        return user, None

    def _refuse(self, request, message):
        throttle = FailedTokenThrottle()
        if not throttle.allow_request(request, None):
            raise exceptions.Throttled(throttle.wait())
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "communes.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>, created on /accounts/profile/"}
