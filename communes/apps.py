from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Units, periods and submissions")
    # Apps with a hook_order take part in seed_demo and page panels (communes/seeding.py).
    hook_order = 10

    def ready(self):
        from django.db.models.signals import post_migrate

        from ntm_portal import checks  # noqa: F401  (registers the deployment checks)

        from . import sessions  # noqa: F401  (connects the sign-in signal)

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="communes.sync_roles")


def _sync_roles(sender, app_config=None, using="default", apps=None, **kwargs):
    """After every migrate, the role groups hold the permissions of models added since."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from .roles import PORTAL_APPS, sync_role_groups

    for label in PORTAL_APPS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
    sync_role_groups(Group, Permission)
