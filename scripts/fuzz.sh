#!/usr/bin/env bash
# Fuzz the parsers of uploaded files (tests/fuzz) for a given time: `scripts/fuzz.sh 3600` for an
# hour. Rounds of the whole folder, each with a new seed and NETRAL_FUZZ_EXAMPLES examples per
# test (300 unless set; the last round is cut to the time left), under the "long" Hypothesis
# profile. Stops at the first failure: Hypothesis prints the smallest failing input and keeps it
# in .hypothesis/, where the next run, and the CI profile, replay it first.
# Extra arguments go to pytest, e.g. `scripts/fuzz.sh 600 -k roster`.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:?usage: scripts/fuzz.sh SECONDS [pytest arguments]}
shift
if [[ -x .venv/bin/python ]]; then export PATH="$PWD/.venv/bin:$PATH"; fi
unset DATABASE_URL
NETRAL_DATA_DIR=$(mktemp -d /tmp/netral-fuzz.XXXXXX)
export NETRAL_DATA_DIR HYPOTHESIS_PROFILE=long
trap 'rm -rf "$NETRAL_DATA_DIR"' EXIT

examples=${NETRAL_FUZZ_EXAMPLES:-300}
end=$((SECONDS + duration))
round=0
while ((SECONDS < end)); do
    round=$((round + 1))
    seed=$(python -c 'import secrets; print(secrets.randbits(64))')
    started=$SECONDS
    printf '\n=== round %d: %d examples per test, seed %s, %d s left ===\n' \
        "$round" "$examples" "$seed" $((end - SECONDS))
    NETRAL_FUZZ_EXAMPLES=$examples python -m pytest -p no:cacheprovider -q tests/fuzz \
        -m "not e2e" --hypothesis-seed="$seed" --hypothesis-show-statistics "$@"
    took=$((SECONDS - started > 0 ? SECONDS - started : 1))
    left=$((end - SECONDS))
    # A round that would end past the time is shortened to fit.
    if ((left > 0 && left < took)); then
        examples=$((examples * left / took > 20 ? examples * left / took : 20))
    fi
done
printf '\nfuzzed for %d s in %d rounds: no failure\n' "$SECONDS" "$round"
