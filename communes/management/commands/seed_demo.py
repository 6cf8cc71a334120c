from django.core.management.base import BaseCommand
from django.db import transaction

from communes.seed import print_logins
from communes.seeding import app_seeders

YEARS = (2021, 2026)


class Command(BaseCommand):
    help = ("Load Kỳ Anh district's demo data and demo users; with --until 2026 (the default) "
            "also 2024–2026 and the communes merged on 1 July 2025. Running it twice changes "
            "nothing.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--until", type=int, choices=YEARS, default=YEARS[-1],
            help="2021: only the 2021 demo (the tests' data); 2026: also 2024–2026 and the "
                 "2025 reform (default).")

    def handle(self, *args, **options):
        until = options["until"]
        with transaction.atomic():
            for label, seed in app_seeders(until):
                self.stdout.write(f"[{label}]")
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        print_logins(self.stdout, until)
