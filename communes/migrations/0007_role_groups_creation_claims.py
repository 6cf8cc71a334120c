"""The back-office groups of the roles (``communes.roles.POLICY``), on every install, and the
one-time keys of create forms (``communes.idempotency``)."""

from django.contrib.auth.management import create_permissions
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


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
        ("communes", "0006_submission_period_status_index"),
        ("criteria", "0005_indicator_aggregation"),
        ("ocop", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(build_groups, migrations.RunPython.noop),
        migrations.CreateModel(
            name='CreationClaim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True, verbose_name='key')),
                ('object_id', models.PositiveBigIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'creation claim',
                'verbose_name_plural': 'creation claims',
            },
        ),
    ]
