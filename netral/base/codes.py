import base64
import secrets

# Lower-case letters and digits without the look-alikes 0/o and 1/l, for codes read aloud or typed.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
# Base32 has 32 symbols too, so its output maps one to one onto ours.
_FROM_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)


def new_code(length: int = 12) -> str:
    """An opaque identifier for URLs (60 bits at the default length): never a row id."""
    return new_codes(1, length)[0]


def new_codes(count: int, length: int = 12) -> list[str]:
    """Many codes at once: one call for the randomness of a whole import."""
    # Base32 turns every 5 bytes into 8 characters: whole groups keep the codes independent.
    groups = -(-length // 8)
    chunk, width = 5 * groups, 8 * groups
    raw = base64.b32encode(secrets.token_bytes(chunk * count)).decode("ascii")
    return [raw[i * width : i * width + length].translate(_FROM_BASE32) for i in range(count)]
