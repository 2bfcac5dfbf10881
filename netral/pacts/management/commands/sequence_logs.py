import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from netral.base.locks import SessionLock
from netral.pacts.models import Campaign, Signature
from netral.pacts.transparency import log_sequence

# One sequencer works at a time, whatever the number of machines running this command: the
# others wait for this lock and take over when its holder stops (README, "Several servers").
LOCK_NAME = "netral.sequence_logs"


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
        state = "starting"  # then "active" or "waiting": each change is said once
        try:
            while True:
                if lock.acquire():
                    if options["loop"] and state != "active":
                        self.say(
                            "the other sequencer stopped: this sequencer is active now"
                            if state == "waiting"
                            else "sequencer lock taken: this sequencer is active"
                        )
                    state = "active"
                    self.sequence()
                elif not options["loop"]:
                    self.say("another sequencer is active: nothing done")
                    return
                elif state != "waiting":
                    self.say("another sequencer is active, waiting")
                    state = "waiting"
                if not options["loop"] or self.stopping.wait(settings.NETRAL_LOG_INTERVAL_SECONDS):
                    return
        finally:
            lock.release()

    def sequence(self) -> None:
        campaign_ids = (
            Signature.objects.filter(log_index__isnull=True)
            .values_list("campaign_id", flat=True)
            .distinct()
        )
        for campaign in Campaign.objects.filter(pk__in=list(campaign_ids)):
            while (head := log_sequence(campaign=campaign)) is not None:
                self.say(f"{campaign.code}: {head.size} entries, root {head.root}")
