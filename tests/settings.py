"""Test settings: the project's settings with a fast hasher, tasks run in place, and files in a
temporary folder."""

import tempfile
from pathlib import Path

from netral.env import storages_from_env
from netral.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "messages"],
    }
}
DATA_DIR = Path(tempfile.mkdtemp(prefix="netral-tests-"))
PRIVATE_ROOT = DATA_DIR / "private"
NETRAL_MESSAGE_OUTBOX = str(DATA_DIR / "outbox")
STORAGES = storages_from_env(PRIVATE_ROOT)
NETRAL_SEAL_DIR = str(DATA_DIR / "certificates")
NETRAL_SCREENING_MODEL = str(DATA_DIR / "screening-model.json")
