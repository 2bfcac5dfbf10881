"""What the file storage holds, for tests on either backend (NETRAL_STORAGE)."""

from django.core.files.storage import default_storage


def stored_files(folder: str) -> list[str]:
    """Every file under `folder` of the file storage, by name, sorted."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # the filesystem backend; a bucket lists an empty prefix
        return []
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += stored_files(f"{folder}/{sub}")
    return sorted(names)
