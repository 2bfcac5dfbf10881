"""What Netral writes is its own user's alone (0600 files, 0700 folders), whatever the umask of
the shell that started it; static files alone stay readable by the proxy."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run inside `netral shell` while the database is open: the SQLite -wal and -shm files exist only
# then. Also makes the case key, which the demo never needs.
OPEN_DATABASE = """
import os, stat
from django.conf import settings
from django.db import connection
from netral.cases import crypto
crypto.master_key()
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    assert cursor.fetchone()[0] == "wal"
    cursor.execute("CREATE TABLE IF NOT EXISTS mode_probe (x)")
    cursor.execute("INSERT INTO mode_probe VALUES (1)")
    name = str(settings.DATABASES["default"]["NAME"])
    for suffix in ("-wal", "-shm"):
        print(suffix, oct(stat.S_IMODE(os.stat(name + suffix).st_mode)))
"""


def run_netral(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    """A netral command in a fresh process, started with the common umask 022 (files 0644)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NETRAL_", "DJANGO_", "DATABASE_"))
    }
    env.pop("SECRET_KEY", None)
    env["NETRAL_DATA_DIR"] = str(data)
    result = subprocess.run(
        [sys.executable, "-m", "netral", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def readable_by_others(folder: Path) -> list[str]:
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{oct(mode)} {path.relative_to(folder.parent)}")
    return found


def test_the_demo_writes_nothing_another_user_can_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_netral("demo", "--no-serve", data=data)
    run_netral("sequence_logs", data=data)  # signs the tree heads: makes the log key
    opened = run_netral("shell", "-c", OPEN_DATABASE, data=data)
    assert "-wal 0o600" in opened.stdout and "-shm 0o600" in opened.stdout, opened.stdout
    names = {path.name for path in data.rglob("*")}
    for expected in ("netral.sqlite3", "secret_key", "case_key", "33.26.p12", "private"):
        assert expected in names
    assert any(name.endswith(".pem") for name in names)  # the log signing key
    assert any(name.endswith(".pdf") for name in names)  # stored paper scans
    assert readable_by_others(data) == []


def test_static_files_stay_readable_by_the_proxy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_netral("collectstatic", "--noinput", "-v0", data=data)
    static = data / "static"
    css = static / "netral" / "netral.css"
    assert stat.S_IMODE(css.stat().st_mode) == 0o644
    assert stat.S_IMODE(css.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(static.stat().st_mode) == 0o755
    # The data folder around them is the operator's to open to the proxy's group (docs/deploy.md).
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
