#!/usr/bin/env bash
# The whole test suite: lint, the migrations check, pytest on SQLite, on PostgreSQL, the file
# tests again on S3 (SeaweedFS) and in Chromium. Stops at the first failure. On a developer machine without PostgreSQL or
# Chromium those parts are skipped (and said so at the end); with CI=true they are required.
# Extra arguments go to every pytest run, e.g. `scripts/test.sh -x -k roster`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -x .venv/bin/python ]]; then export PATH="$PWD/.venv/bin:$PATH"; fi
unset DATABASE_URL
TMP=$(mktemp -d /tmp/netral-test.XXXXXX)
export NETRAL_DATA_DIR=$TMP/data  # keep ./data untouched
# A private cluster, away from a `scripts/pg.sh start` one (the server's user must reach it).
NETRAL_PG_DIR=$(mktemp -d /tmp/netral-test-pg.XXXXXX)
export NETRAL_PG_DIR NETRAL_PG_PORT=${NETRAL_TEST_PG_PORT:-54339}
# A private S3 server with an identity of its own (scripts/s3.sh; the tests make the bucket).
NETRAL_S3_DIR=$(mktemp -d /tmp/netral-test-s3.XXXXXX)
NETRAL_S3_SECRET_ACCESS_KEY=$(python -c 'import secrets; print(secrets.token_hex(20))')
export NETRAL_S3_DIR NETRAL_S3_PORT=${NETRAL_TEST_S3_PORT:-28343} NETRAL_S3_SECRET_ACCESS_KEY
export NETRAL_S3_ACCESS_KEY_ID=netral-test
cleanup() {
    scripts/pg.sh destroy >/dev/null 2>&1 || true
    scripts/s3.sh destroy >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

step() { printf '\n=== %s ===\n' "$*"; }
PYTEST=(python -m pytest -p no:cacheprovider "$@")
runs=0
pytest_run() {  # pytest_run NAME ARGS...: a run whose counts go into the closing total
    local name=$1 status=0
    shift
    "${PYTEST[@]}" --junitxml="$TMP/junit-$((runs += 1))-$name.xml" "$@" || status=$?
    if [[ $status == 5 ]]; then echo "(no $name tests yet)"; return 0; fi
    return "$status"
}

# What this machine has: both are required in CI, optional elsewhere.
missing=()
have_pg=1 have_chromium=1
if ! scripts/pg.sh bindir >/dev/null 2>&1; then
    have_pg=0 missing+=("PostgreSQL tests (no pg_ctl/initdb found)")
fi
if [[ ! -x /usr/bin/chromium ]]; then
    have_chromium=0 missing+=("browser tests (no /usr/bin/chromium)")
fi
if [[ ${CI:-} == true && ${#missing[@]} -gt 0 ]]; then
    printf 'FAILED: CI needs %s\n' "${missing[@]}" >&2
    exit 1
fi

step "lint: ruff check"
ruff check .
step "lint: ruff format --check"
ruff format --check .
step "types: mypy netral"
mypy netral
step "layers: lint-imports"
lint-imports
step "migrations: makemigrations --check"
python -m netral makemigrations --check --dry-run

step "i18n: every interface string has an Indonesian translation"
po=netral/locale/id/LC_MESSAGES/django.po
cp "$po" "$TMP/django.po"
(cd netral && python -m netral makemessages -l id --no-obsolete --add-location=file -v0)
# msgfmt counts entries, whatever their msgid's lines ("N translated messages, M fuzzy
# translations, K untranslated messages."), and leaves the catalogue's header out.
counts=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
untranslated=$(grep -oE '[0-9]+ untranslated' <<<"$counts" | grep -oE '[0-9]+' || echo 0)
fuzzy=$(grep -oE '[0-9]+ fuzzy' <<<"$counts" | grep -oE '[0-9]+' || echo 0)
cp "$TMP/django.po" "$po"
msgfmt --check-format -o "$TMP/django.mo" "$po"
if [[ $untranslated != 0 || $fuzzy != 0 ]]; then
    echo "FAILED: $untranslated untranslated and $fuzzy fuzzy messages; run make messages" >&2
    exit 1
fi
if ! cmp -s "$TMP/django.mo" "${po%.po}.mo"; then
    echo "FAILED: django.mo is older than django.po; run make messages" >&2
    exit 1
fi

step "pytest on SQLite"
pytest_run sqlite -m "not e2e"

if [[ $have_pg == 1 ]]; then
    step "pytest on PostgreSQL"
    url=$(scripts/pg.sh start)
    echo "cluster: $url (in $NETRAL_PG_DIR)"
    DATABASE_URL=$url pytest_run postgres -m "not e2e"
    scripts/pg.sh destroy
fi

step "pytest of the files on S3 (SeaweedFS)"
url=$(scripts/s3.sh start)
echo "server: $url (in $NETRAL_S3_DIR)"
NETRAL_STORAGE=s3 NETRAL_S3_ENDPOINT_URL=$url NETRAL_S3_BUCKET=netral-test \
    pytest_run s3 -m "files and not e2e"
scripts/s3.sh destroy

if [[ $have_chromium == 1 ]]; then
    step "pytest in Chromium (e2e)"
    pytest_run e2e -m e2e
fi

step "summary"
for skipped in "${missing[@]}"; do echo "SKIPPED: $skipped"; done
# One closing line over all the pytest runs above.
python - "$TMP"/junit-*.xml <<'EOF'
import sys
import xml.etree.ElementTree as ET

total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for path in sys.argv[1:]:
    for suite in ET.parse(path).getroot().iter("testsuite"):
        for key in total:
            total[key] += int(suite.get(key, 0))
failed = total["failures"] + total["errors"]
passed = total["tests"] - failed - total["skipped"]
print(f"total: {passed} passed, {failed} failed, {total['skipped']} skipped")
EOF
