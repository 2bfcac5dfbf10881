#!/usr/bin/env bash
# The backup and restore of docs/deploy.md, tested end to end on a private PostgreSQL cluster:
#
#   1. a database made by the app's own commands: `netral migrate`, `netral seed_demo` (an agency
#      with employees, a campaign with signatures, cases with encrypted evidence fields),
#      `netral create_agency`, `netral sequence_logs` (signed tree heads);
#   2. the backup as the guide takes it: `pg_dump --format=custom` and a tar of the data folder
#      (here it also holds the keys, which production keeps in /etc/netral);
#   3. the restore as the guide does it: `pg_restore` into a new, empty database and the tar into
#      a new, empty folder;
#   4. the checks: no migration left to apply, the same number of rows in every model's table,
#      the same files with the same SHA-256, and `netral verify_log` passing for every campaign;
#      and, as a control, the same database restored without the data folder (the keys lost)
#      fails `verify_log`.
#
#   scripts/backup_restore_check.sh      (needs Debian's postgresql; root or not; about 30 s)
#
# NETRAL_BACKUP_PG_PORT (default 54353) is the cluster's port.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -x .venv/bin/python ]]; then export PATH="$PWD/.venv/bin:$PATH"; fi
unset DATABASE_URL
NETRAL_PG_DIR=$(mktemp -d /tmp/netral-backup-pg.XXXXXX)
export NETRAL_PG_DIR NETRAL_PG_PORT=${NETRAL_BACKUP_PG_PORT:-54353}
WORK=$(mktemp -d /tmp/netral-backup.XXXXXX)
cleanup() { scripts/pg.sh destroy >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

step() { printf '== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
BIN=$(scripts/pg.sh bindir)
url=$(scripts/pg.sh start)
server=${url%/*}  # postgres://netral@127.0.0.1:PORT

# What a copy holds: every model's row count, the data folder's files with their SHA-256.
inventory() {  # inventory NAME: writes $WORK/NAME.rows and $WORK/NAME.files
    netral shell --verbosity=0 -c '
from django.apps import apps
for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
    print(model._meta.label, model._default_manager.count())' >"$WORK/$1.rows"
    (cd "$NETRAL_DATA_DIR" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
        >"$WORK/$1.files"
}
campaigns() {
    netral shell --verbosity=0 -c '
from netral.pacts.models import Campaign
for code in Campaign.objects.order_by("code").values_list("code", flat=True):
    print(code)'
}

step "a database made by the app's commands (PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'))"
export DATABASE_URL=$url NETRAL_DATA_DIR=$WORK/data
netral migrate --verbosity=0
netral seed_demo --size 300 >/dev/null
netral create_agency 33.74 --admin admin.semarang >/dev/null
netral sequence_logs >/dev/null
inventory original
signatures=$(grep '^pacts.Signature ' "$WORK/original.rows" | cut -d' ' -f2)
[[ $signatures -gt 0 ]] || fail "the demo made no signatures"
echo "$(wc -l <"$WORK/original.rows") models, $signatures signatures," \
    "$(wc -l <"$WORK/original.files") files in the data folder"

step "backup: pg_dump --format=custom, and the data folder as a tar"
mkdir "$WORK/backup"
"$BIN/pg_dump" --format=custom --file="$WORK/backup/netral.dump" "$url"
tar -C "$NETRAL_DATA_DIR" -czf "$WORK/backup/data.tar.gz" .
ls -l "$WORK/backup" | tail -n +2

step "restore into a new database and a new folder"
"$BIN/createdb" -h 127.0.0.1 -p "$NETRAL_PG_PORT" -U netral netral_restored
"$BIN/pg_restore" --no-owner --exit-on-error --jobs=2 \
    --dbname="$server/netral_restored" "$WORK/backup/netral.dump"
mkdir "$WORK/restored-data"
tar -C "$WORK/restored-data" -xzf "$WORK/backup/data.tar.gz"
export DATABASE_URL=$server/netral_restored NETRAL_DATA_DIR=$WORK/restored-data

step "checks on the restored copy"
netral migrate --check >/dev/null || fail "the restored database has migrations to apply"
echo "no migration to apply"
inventory restored
diff "$WORK/original.rows" "$WORK/restored.rows" || fail "the row counts differ"
echo "the same row counts in all $(wc -l <"$WORK/restored.rows") models"
diff "$WORK/original.files" "$WORK/restored.files" || fail "the data folder differs"
echo "the same $(wc -l <"$WORK/restored.files") files, byte for byte"
codes=$(campaigns)
[[ -n $codes ]] || fail "no campaign to verify"
for code in $codes; do
    netral verify_log --campaign "$code"
done

step "control: the same database without the data folder (its keys lost)"
export NETRAL_DATA_DIR=$WORK/empty-data
for code in $codes; do
    if netral verify_log --campaign "$code" >/dev/null 2>"$WORK/control.err"; then
        fail "verify_log passed without the log's key"
    fi
    echo "verify_log fails as it should: $(tail -n 1 "$WORK/control.err")"
done

step "backup and restore check passed"
