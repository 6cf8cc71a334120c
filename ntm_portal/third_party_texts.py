"""Texts of django-axes' back office pages (failed logins, lockouts), listed here so that the
portal's Vietnamese catalogue translates them: the library ships no Vietnamese catalogue, and
the project's catalogue (LOCALE_PATHS) wins over a library's. Never imported."""

from django.utils.translation import gettext_noop as _

AXES = [
    _("Access Attempt"), _("Access lock out"), _("Attempt Remaining"), _("Attempt Time"),
    _("Clean up expired attempts"), _("Expires At"), _("Failed Logins"), _("Form Data"),
    _("GET Data"), _("HTTP Accept"), _("IP Address"), _("Locked Out"), _("Logout Time"),
    _("Meta Data"), _("Not set"), _("POST Data"), _("Path"), _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."), _("User Agent"),
    _("Username"), _("access attempt expiration"), _("access attempt expirations"),
    _("access attempt"), _("access attempts"), _("access failure"), _("access failures"),
    _("access log"), _("access logs"),
]
