import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from netral.env import database_from_url, env_bool, env_str, storages_from_env

ROOT = Path(__file__).resolve().parent.parent


def run_netral(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("NETRAL_", "DJANGO_", "DATABASE_"))
    }
    clean.pop("SECRET_KEY", None)
    clean.update({"NETRAL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "netral", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(60))
    result = run_netral(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "NETRAL_PRODUCTION": "true",
            "SECRET_KEY_FILE": str(key_file),
            "ALLOWED_HOSTS": "netral.example.go.id",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_netral("check", env={"NETRAL_PRODUCTION": "true"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secrets_are_read_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("rahasia\n")
    monkeypatch.setenv("NETRAL_TEST_SECRET_FILE", str(secret))
    assert env_str("NETRAL_TEST_SECRET") == "rahasia"


def test_a_malformed_boolean_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRAL_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("NETRAL_TEST_FLAG")


def test_database_url_is_parsed() -> None:
    config = database_from_url("postgres://netral:p%40ss@db.internal:5433/netral?sslmode=require")
    assert config["NAME"] == "netral"
    assert config["PASSWORD"] == "p@ss"
    assert config["PORT"] == "5433"
    assert config["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x@y/z")


def database_settings(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    """The default database's settings as the project's settings module makes them."""
    result = run_netral(
        "shell",
        "--verbosity=0",
        "-c",
        "import json; from django.conf import settings; "
        "database = settings.DATABASES['default']; "
        "print(json.dumps({'options': database['OPTIONS'], "
        "'no_server_side_cursors': database['DISABLE_SERVER_SIDE_CURSORS']}))",
        env={"DATABASE_URL": "postgres://netral@db.internal:5432/netral", **env},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_prepares_statements_and_uses_server_side_cursors_by_default(
    tmp_path: Path,
) -> None:
    database = database_settings({}, tmp_path)
    assert database["options"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert database["no_server_side_cursors"] is False


def test_a_transaction_pooler_turns_off_prepared_statements_and_server_side_cursors(
    tmp_path: Path,
) -> None:
    database = database_settings(
        {
            "DATABASE_PREPARED_STATEMENTS": "false",
            "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "true",
        },
        tmp_path,
    )
    assert database["options"] == {}
    assert database["no_server_side_cursors"] is True


def test_files_stay_on_this_servers_disk_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NETRAL_STORAGE", raising=False)
    config = storages_from_env(tmp_path / "private")
    assert config["default"] == {
        "BACKEND": "netral.base.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": str(tmp_path / "private"),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
            "allow_overwrite": True,
        },
    }
    assert config["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")


def test_s3_storage_is_private_and_reads_its_secrets_from_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text("rahasia-s3\n")
    monkeypatch.setenv("NETRAL_STORAGE", "s3")
    monkeypatch.setenv("NETRAL_S3_BUCKET", "netral-berkas")
    monkeypatch.setenv("NETRAL_S3_ENDPOINT_URL", "https://s3.example.go.id")
    monkeypatch.setenv("NETRAL_S3_ACCESS_KEY_ID", "netral")
    monkeypatch.delenv("NETRAL_S3_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("NETRAL_S3_SECRET_ACCESS_KEY_FILE", str(secret))
    monkeypatch.delenv("NETRAL_S3_REGION", raising=False)
    config = storages_from_env(tmp_path / "private")
    assert config["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["default"]["OPTIONS"]
    assert isinstance(options, dict)
    assert options["bucket_name"] == "netral-berkas"
    assert options["endpoint_url"] == "https://s3.example.go.id"
    assert (options["access_key"], options["secret_key"]) == ("netral", "rahasia-s3")
    assert options["region_name"] == "us-east-1"
    # No public objects, no unsigned URLs, and a name is kept exactly as given.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is True
    # A large file read back (a batch of posts) is not held in memory.
    assert options["max_memory_size"] == 1024 * 1024


def test_s3_storage_needs_a_bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRAL_STORAGE", "s3")
    monkeypatch.delenv("NETRAL_S3_BUCKET", raising=False)
    monkeypatch.delenv("NETRAL_S3_BUCKET_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="NETRAL_S3_BUCKET"):
        storages_from_env(tmp_path)


def test_an_unknown_storage_refuses_to_start(tmp_path: Path) -> None:
    result = run_netral("check", env={"NETRAL_STORAGE": "ftp"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "NETRAL_STORAGE must be filesystem or s3, not 'ftp'" in result.stderr
