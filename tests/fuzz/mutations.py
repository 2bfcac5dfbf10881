"""Ways to damage a valid file the way a network, a disk or a hostile hand does."""

import io
import struct
import zipfile
import zlib

from hypothesis import strategies as st


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes cut short, with bytes flipped, inserted or deleted, or a stretch repeated."""
    damage = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "repeat"]))
    if damage == "truncate":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    result = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, max(len(result) - 1, 0)))
        if damage == "flip" and result:
            result[position] ^= draw(st.integers(1, 255))
        elif damage == "insert":
            result[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif damage == "delete":
            del result[position : position + draw(st.integers(1, 16))]
        elif damage == "repeat":
            end = position + draw(st.integers(1, 64))
            result[position:position] = result[position:end] * draw(st.integers(1, 20))
    return bytes(result)


def rezipped(archive: bytes, replace: dict[str, bytes]) -> bytes:
    """The archive with some members replaced, checksums right: the damage reaches the parser."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info.filename))
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(kind, data) of each chunk of a well-formed PNG."""
    chunks, position = [], 8
    while position + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        chunks.append((kind, png[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def png_from_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """A PNG whose every checksum is right, whatever its chunks hold."""
    body = b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


@st.composite
def png_damaged(draw: st.DrawFn, png: bytes) -> bytes:
    """A chunk's data damaged, or the image data inflated, damaged and deflated again, then the
    checksums recomputed: past the checksum test into the decoder."""
    chunks = png_chunks(png)
    if draw(st.integers(0, 4)) == 0:  # any declared size, depth and colour type
        header = struct.pack(
            ">IIBBBBB",
            draw(st.integers(0, 2**32 - 1)),
            draw(st.integers(0, 2**32 - 1)),
            draw(st.sampled_from([1, 2, 4, 8, 16, 3, 0, 255])),
            draw(st.sampled_from([0, 2, 3, 4, 6, 1, 7])),
            *draw(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2))),
        )
        return png_from_chunks([(b"IHDR", header), *chunks[1:]])
    index = draw(st.integers(0, len(chunks) - 1))
    kind, data = chunks[index]
    if kind == b"IDAT" and draw(st.booleans()):
        try:
            data = zlib.compress(draw(damaged(zlib.decompress(data))))
        except zlib.error:  # an IDAT split over several chunks
            data = draw(damaged(data))
    else:
        data = draw(damaged(data))
    chunks[index] = (kind, data)
    return png_from_chunks(chunks)
