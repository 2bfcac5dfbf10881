"""Settings for the server of bench/signing_surge.py."""

from netral.settings import *  # noqa: F403

ROOT_URLCONF = "bench.surge_urls"
# As in production: with DEBUG on, Django formats and keeps every query it runs.
DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
