import secrets

# Lower-case letters and digits without the look-alikes 0/o and 1/l, for codes read aloud or typed.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"


def new_code(length: int = 12) -> str:
    """An opaque identifier for URLs (60 bits at the default length): never a row id."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
