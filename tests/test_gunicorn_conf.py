"""The production server's settings (gunicorn.conf.py): what gunicorn accepts, and each worker
taking no more than its share of the proxy's connections."""

import os
import runpy
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
ENVIRONMENT = ("NETRAL_BIND", "NETRAL_WORKERS", "NETRAL_THREADS", "NETRAL_PROXY_CONNECTIONS")


def gunicorn_settings(**environment: str) -> dict[str, Any]:
    """The file read as gunicorn reads it, every setting checked by gunicorn's own validators."""
    clean = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
    with patch.dict(os.environ, {**clean, **environment}, clear=True):
        module = runpy.run_path(str(CONF))
    config = Config()
    names = [name for name in module if name in config.settings]
    for name in names:
        config.set(name, module[name])
    return {name: config.settings[name].get() for name in names}


def test_the_defaults_are_gthread_workers_one_more_than_the_cores() -> None:
    settings = gunicorn_settings()
    assert settings["worker_class"] == "gthread"
    assert settings["workers"] == len(os.sched_getaffinity(0)) + 1
    assert settings["threads"] == 4
    assert settings["bind"] == ["127.0.0.1:8000"]


@pytest.mark.parametrize(("workers", "connections"), [(1, 64), (2, 64), (3, 64), (4, 100)])
def test_each_worker_takes_its_share_of_the_proxys_connections(
    workers: int, connections: int
) -> None:
    settings = gunicorn_settings(
        NETRAL_WORKERS=str(workers), NETRAL_PROXY_CONNECTIONS=str(connections)
    )
    share = settings["worker_connections"]
    assert share * workers >= connections  # every connection finds a worker
    assert (share - 1) * workers < connections  # and no worker holds more than its share


def test_the_environment_sets_the_address_and_threads() -> None:
    settings = gunicorn_settings(NETRAL_BIND="0.0.0.0:9000", NETRAL_THREADS="8")
    assert settings["bind"] == ["0.0.0.0:9000"]
    assert settings["threads"] == 8


def test_a_malformed_number_stops_the_server_from_starting() -> None:
    with pytest.raises(ValueError):
        gunicorn_settings(NETRAL_WORKERS="dua")
