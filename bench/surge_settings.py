"""Settings for the server of bench/signing_surge.py."""

from netral.settings import *  # noqa: F403

ROOT_URLCONF = "bench.surge_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
