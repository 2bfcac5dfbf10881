from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from netral.demo.seed import (
    DEMO_PASSWORD,
    DEMO_RECEIPT,
    demo_logins,
    demo_seed,
    demo_signing_link,
)


class Command(BaseCommand):
    help = "Create the demo agency (Kabupaten Pekalongan) with a synthetic roster and officers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=8100, help="Employees to generate.")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = demo_seed(size=options["size"])
        self.stdout.write(f"{agency.name}: {agency.employees.count()} employees")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            unit = f", {login.unit}" if login.unit else ""
            self.stdout.write(f"  {login.username:<18} {login.role} · {login.agency}{unit}")
        sample = demo_signing_link()
        if sample:
            name, path = sample
            self.stdout.write(f"Try signing as {name}: http://127.0.0.1:8000{path}")
        self.stdout.write(f"Report a violation: http://127.0.0.1:8000/lapor/{agency.code}/")
        self.stdout.write(
            f"Follow the demo report with the receipt {DEMO_RECEIPT}: "
            "http://127.0.0.1:8000/lapor/pantau/"
        )
        self.stdout.write("Check a draft post: http://127.0.0.1:8000/periksa/")
