"""Typed helpers that read settings from environment variables (secrets also from `*_FILE`)."""

import importlib.util
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry for a postgres:// URL (the password may also come from a file)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured("DATABASE_URL must start with postgres:// or postgresql://")
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or "") or env_str("DATABASE_PASSWORD"),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


def storages_from_env(private_root: Path) -> dict[str, dict[str, object]]:
    """Django STORAGES: the private files (pacts, scans, evidence) on this server's disk under
    `private_root` (NETRAL_STORAGE=filesystem) or in an S3-compatible bucket (s3), so several
    servers share them; the static files stay on disk, served by the proxy."""
    kind = env_str("NETRAL_STORAGE", "filesystem")
    if kind == "filesystem":
        default: dict[str, object] = {
            "BACKEND": "netral.base.storage.PrivateFileSystemStorage",
            "OPTIONS": {
                "location": str(private_root),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
                # A file's name is derived from its record: a second write replaces it.
                "allow_overwrite": True,
            },
        }
    elif kind == "s3":
        if importlib.util.find_spec("storages") is None:
            raise ImproperlyConfigured(
                "NETRAL_STORAGE=s3 needs django-storages: install netral with its s3 extra."
            )
        bucket = env_str("NETRAL_S3_BUCKET")
        if not bucket:
            raise ImproperlyConfigured("NETRAL_STORAGE=s3 needs NETRAL_S3_BUCKET.")
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                # Empty: AWS itself, and boto3's own credentials (environment, instance role).
                "endpoint_url": env_str("NETRAL_S3_ENDPOINT_URL") or None,
                "access_key": env_str("NETRAL_S3_ACCESS_KEY_ID") or None,
                "secret_key": env_str("NETRAL_S3_SECRET_ACCESS_KEY") or None,
                "region_name": env_str("NETRAL_S3_REGION", "us-east-1"),
                # Self-hosted servers (SeaweedFS, MinIO) answer at one host, not one per bucket.
                "addressing_style": env_str("NETRAL_S3_ADDRESSING_STYLE", "path"),
                # No ACL on objects: the bucket stays private; a URL, were one ever made,
                # would be signed and expire. Files are served by views only.
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
                # A file read from the bucket spools to a temporary file beyond 1 MB instead of
                # being held whole in memory.
                "max_memory_size": 1024 * 1024,
            },
        }
    else:
        raise ImproperlyConfigured(f"NETRAL_STORAGE must be filesystem or s3, not {kind!r}")
    return {
        "default": default,
        # Public files the proxy serves: readable by its user, whatever Netral's umask.
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
        },
    }
