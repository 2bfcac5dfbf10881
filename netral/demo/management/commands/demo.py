import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from netral.screening.model import LABELLED_SET


class Command(BaseCommand):
    help = "Run the demo: migrate, seed the demo agency, start the task worker, serve 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up only.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("The demo runs on the embedded SQLite database; unset DATABASE_URL.")
        # Links in the demo's mail and output point at the port it serves, unless set otherwise.
        if "NETRAL_PUBLIC_URL" not in os.environ:
            os.environ["NETRAL_PUBLIC_URL"] = f"http://127.0.0.1:{options['port']}"
            settings.NETRAL_PUBLIC_URL = os.environ["NETRAL_PUBLIC_URL"]
        # Every channel on, printed in this output: a code for an employee without e-mail
        # shows up here as a WhatsApp or SMS message (the workers inherit the environment).
        for name in ("NETRAL_MAIL_BACKEND", "NETRAL_WHATSAPP_BACKEND", "NETRAL_SMS_BACKEND"):
            os.environ.setdefault(name, "console")
            setattr(settings, name, os.environ[name])
        call_command("migrate", verbosity=0)
        call_command("seed_demo")
        # Without a model, screening runs on its rules alone; the demo shows the model's flags too.
        if not Path(settings.NETRAL_SCREENING_MODEL).exists() and LABELLED_SET.exists():
            call_command("train_screening")
        if options["no_serve"]:
            return
        # Background work (roster imports) and the transparency logs run beside the web server;
        # messages have a worker of their own, so a code never waits behind a long job.
        workers = [
            subprocess.Popen([sys.executable, "-m", "netral", "db_worker"]),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "netral",
                    "db_worker",
                    "--queue-name",
                    "messages",
                    "--interval",
                    "0.5",
                ]
            ),
            subprocess.Popen([sys.executable, "-m", "netral", "sequence_logs", "--loop"]),
        ]
        self.stdout.write(f"Open http://127.0.0.1:{options['port']}/ and log in as above.")
        try:
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=10)
