from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from netral.demo.seed import (
    DEMO_PASSWORD,
    DEMO_RECEIPT,
    demo_ceremony_signer,
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
        base = settings.NETRAL_PUBLIC_URL
        self.stdout.write(f"{agency.name}: {agency.employees.count()} employees")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            unit = f", {login.unit}" if login.unit else ""
            self.stdout.write(f"  {login.username:<18} {login.role} · {login.agency}{unit}")
        sample = demo_signing_link()
        if sample:
            name, path = sample
            self.stdout.write(f"Try signing as {name}: {base}{path}")
        signer = demo_ceremony_signer()
        if signer:
            name, nip, path = signer
            self.stdout.write(
                f"Try the ceremony QR page as {name} (NIP {nip}, no e-mail: the code is "
                f"printed here as a WhatsApp message): {base}{path}"
            )
        self.stdout.write(f"Report a violation: {base}/lapor/{agency.code}/")
        self.stdout.write(
            f"Follow the demo report with the receipt {DEMO_RECEIPT}: {base}/lapor/pantau/"
        )
        self.stdout.write(f"Check a draft post: {base}/periksa/")
