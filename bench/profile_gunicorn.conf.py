"""The project's gunicorn.conf.py, and a hook that writes the profiles of
bench/profiled_wsgi.py when a worker stops (`bench/ceremony.py --profile FOLDER`)."""

import runpy
import sys
from pathlib import Path
from typing import Any

project = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in project.items() if not name.startswith("__")})


def worker_exit(server: Any, worker: Any) -> None:
    sys.modules["bench.profiled_wsgi"].dump()
