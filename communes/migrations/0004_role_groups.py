"""The back-office groups of the roles (``communes.roles.POLICY``), on every install."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def build_groups(apps, schema_editor):
    from communes.roles import sync_role_groups

    # Permissions are normally created after the whole migrate; create them now so that
    # a fresh database gets complete groups.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"),
                     apps.get_model("communes", "User"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("communes", "0003_apitoken"),
        ("criteria", "0005_indicator_aggregation"),
        ("ocop", "0001_initial"),
    ]

    operations = [migrations.RunPython(build_groups, migrations.RunPython.noop)]
