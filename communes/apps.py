from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Units, periods and submissions")
    # seed_demo calls each app's seed module in this order (see communes/seeding.py).
    seed_order = 10
