"""Send the notices due now: ``python manage.py send_notifications`` (cron or a systemd timer).

Idempotent: a second run sends nothing already sent (see ``communes.notifications``).
"""

from django.core.management.base import BaseCommand

from communes.notifications import send_notifications


class Command(BaseCommand):
    help = "Create the portal's reminders and event notices due now and e-mail them."

    def handle(self, *args, **options):
        result = send_notifications()
        self.stdout.write(f"{result['created']} new notices, {result['emailed']} e-mailed, "
                          f"{result['failed']} e-mails failed (retried next run)")
