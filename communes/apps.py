from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Units, periods and submissions")
    # Apps with a hook_order take part in seed_demo and page panels (communes/seeding.py).
    hook_order = 10

    def ready(self):
        from ntm_portal import checks  # noqa: F401  (registers the deployment checks)

        from . import sessions  # noqa: F401  (connects the sign-in signal)
