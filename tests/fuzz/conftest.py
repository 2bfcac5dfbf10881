"""Hypothesis profiles for the fuzz tests: "ci" (the default) keeps the whole folder under a
minute; "long" is what scripts/fuzz.sh runs round after round for as long as it is given."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("NETRAL_FUZZ_EXAMPLES", 60)),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("NETRAL_FUZZ_EXAMPLES", 5000)),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
