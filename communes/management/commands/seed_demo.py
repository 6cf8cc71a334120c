from django.core.management.base import BaseCommand
from django.db import transaction

from communes.seed import print_logins
from communes.seeding import app_seeders


class Command(BaseCommand):
    help = "Load Kỳ Anh district's demo data and demo users. Running it twice changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for label, seed in app_seeders():
                self.stdout.write(f"[{label}]")
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        print_logins(self.stdout)
