import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, connections

from netral.base.locks import SessionLock
from netral.pacts.models import Campaign, Signature
from netral.pacts.transparency import log_sequence

# One sequencer works at a time, whatever the number of machines running this command: the
# others wait for this lock and take over when its holder stops (README, "Several servers").
LOCK_NAME = "netral.sequence_logs"
MAX_RETRY_SECONDS = 60.0


class Command(BaseCommand):
    help = (
        "Append new signatures to their campaigns' transparency logs and sign the tree heads. "
        "Only one sequencer works at a time; another one waits (--loop) or exits."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()  # set to end --loop after the current round

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, every NETRAL_LOG_INTERVAL_SECONDS."
        )

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()  # a service's output is a pipe: show each line when it happens

    def handle(self, *args: Any, **options: Any) -> None:
        lock = SessionLock(LOCK_NAME)
        try:
            if options["loop"]:
                self.loop(lock)
            elif lock.acquire():
                self.sequence()
            else:
                self.say("another sequencer is active: nothing done")
        finally:
            lock.release()

    def loop(self, lock: SessionLock) -> None:
        state = "starting"  # then "active" or "waiting": each change is said once
        delay = 0.0  # the back-off while the database cannot be reached
        while True:
            try:
                state = self.round(lock, state)
                if delay:
                    self.say("the database answers again")
                delay = 0.0
            except (OperationalError, InterfaceError) as error:
                # A restarted or unreachable database: drop the connection (the lock goes with
                # its session) and try again later, rather than stop the logs for good.
                delay = min(max(2 * delay, 1.0), MAX_RETRY_SECONDS)
                reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
                self.say(
                    f"the database cannot be reached ({reason}); trying again in {delay:.0f} s"
                )
                connections.close_all()
                state = "starting"
            if self.stopping.wait(delay or settings.NETRAL_LOG_INTERVAL_SECONDS):
                return

    def round(self, lock: SessionLock, state: str) -> str:
        """One round of --loop: take the lock if free and sequence; the new state."""
        if lock.acquire():
            if state != "active":
                self.say(
                    "the other sequencer stopped: this sequencer is active now"
                    if state == "waiting"
                    else "sequencer lock taken: this sequencer is active"
                )
            self.sequence()
            return "active"
        if state != "waiting":
            self.say("another sequencer is active, waiting")
        return "waiting"

    def sequence(self) -> None:
        campaign_ids = (
            Signature.objects.filter(log_index__isnull=True)
            .values_list("campaign_id", flat=True)
            .distinct()
        )
        for campaign in Campaign.objects.filter(pk__in=list(campaign_ids)):
            while (head := log_sequence(campaign=campaign)) is not None:
                self.say(f"{campaign.code}: {head.size} entries, root {head.root}")
