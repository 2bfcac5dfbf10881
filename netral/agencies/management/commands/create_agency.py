import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.models import Agency, Region
from netral.agencies.services import agency_create, agency_for_region, membership_create


class Command(BaseCommand):
    help = (
        "Create an agency and its first administrator. A regional government is named by its "
        "Kemendagri code (33.26); a ministry or national body needs --name and --kind."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Kemendagri code (33, 33.26) or a short code (bkn)")
        parser.add_argument("--name", help="Required for a central or national agency.")
        parser.add_argument(
            "--kind", choices=[Agency.Kind.CENTRAL, Agency.Kind.NATIONAL], help="Without a region."
        )
        parser.add_argument("--admin", required=True, help="Username of the first administrator.")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.command("create_agency")
        code = options["code"]
        region = Region.objects.filter(code=code).first()
        with transaction.atomic():
            if region is not None:
                agency = agency_for_region(actor=actor, region=region)
            elif options["name"] and options["kind"]:
                if Agency.objects.filter(code=code).exists():
                    raise CommandError(f"Agency {code} exists already.")
                agency = agency_create(
                    actor=actor, code=code, name=options["name"], kind=options["kind"]
                )
            else:
                raise CommandError(
                    f"{code} is not a Kemendagri region code; give --name and --kind for a "
                    "central or national agency."
                )
            password = secrets.token_urlsafe(12)
            membership_create(
                actor=actor,
                agency=agency,
                username=options["admin"],
                full_name=options["admin"],
                email=options["email"],
                password=password,
                role=Membership.Role.ADMIN,
                unit=None,
            )
        self.stdout.write(f"{agency.code} {agency.name}")
        self.stdout.write(f"administrator {options['admin']}, password {password}")
        self.stdout.write("Log in, change the password and set up the second factor.")
