"""Sealed pact PDFs per second on one core: rendering and sealing apart and together.

usage: python bench/pdf.py [--docs 200] [--runs 5] [--cpu 0] [--profile]

One process pinned to one core. Each run renders (or seals) --docs different people, each with
their own verification URL; the figure is the median of --runs runs. The floor, in the same
run: pyHanko out of the box (`SimpleSigner.load_pkcs12` loaded once, `signers.sign_pdf`) sealing
the same rendered pacts. Rendering is measured without a drawn signature and with one (a 600x200
canvas PNG with alpha, as a browser exports it). Every sealed output of the last render+seal run
is checked with pyHanko's validator through verify_seal. --profile prints the top of a cProfile
of render+seal instead. The cost of trusted time (PAdES B-T): sealing with a token from a local
RFC 3161 authority over HTTP on this machine (tests/tsa_server.py), so the figure is the round
trip and the authority's signature, not a network's latency.
"""

import argparse
import cProfile
import io
import math
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.defaults import default_pact_content
from netral.pacts.pdf import PactDocument, PactRenderer
from netral.pacts.seal import Sealer, validation_add, verify_seal
from netral.pacts.timestamps import TimestampAuthority
from tests.tsa_server import LocalAuthority, LocalCA

AGENCY = "Pemerintah Kabupaten Pekalongan"
PASSWORD = b"bench"


def canvas_signature() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    stroke = [(40 + step * 5, 100 + 50 * math.sin(step / 6.0)) for step in range(100)]
    draw.line(stroke, fill=(0, 0, 0, 255), width=4)
    draw.line([(60, 160), (520, 140)], fill=(0, 0, 0, 255), width=3)
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def documents(count: int, signature: bytes | None) -> list[PactDocument]:
    content = default_pact_content(
        agency_name=AGENCY, election_name="Pemilihan Kepala Daerah Serentak Tahun 2029"
    )
    return [
        PactDocument(
            title=content["title"],
            intro=content["intro"],
            fields=[
                ("Nama", f"Siti Nur’aini Rahmawati, S.Pd. {index}"),
                ("NIP", f"19870314201001{index % 10000:04d}"),
                ("Pangkat/Golongan", "Penata Tingkat I (III/d)"),
                ("Jabatan", "Kepala Seksi Kurikulum dan Penilaian Pendidikan Sekolah Dasar"),
                ("Unit Kerja", "Dinas Pendidikan dan Kebudayaan"),
            ],
            statement=content["statement"],
            points=content["points"],
            closing=content["closing"],
            legal_basis=content["legal_basis"],
            place_date="Kajen, 14 Februari 2029",
            place_note="(ditandatangani secara elektronik)",
            signer_name=f"Siti Nur’aini Rahmawati {index}",
            signature_png=signature,
            verify_url=f"https://netral.pekalongankab.go.id/v/Q7ZK3M9P2X{index:06d}",
            audit=[
                ("Kampanye", "Ikrar Netralitas ASN Pilkada 2029 (K7Q2M)"),
                ("Kanal", "Tautan pribadi"),
                ("Waktu", "2029-02-14 09:12:33 WIB"),
                ("Alamat IP", "103.28.12.7"),
                ("Hash dokumen", f"{index:064x}"),
                ("Indeks log", str(index)),
            ],
        )
        for index in range(count)
    ]


def rate(work: Callable[[], int], runs: int) -> tuple[float, list[float]]:
    """Median items per second over runs, and every run's figure."""
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        items = work()
        rates.append(items / (time.perf_counter() - started))
    return statistics.median(rates), rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})

    content = default_pact_content(
        agency_name=AGENCY, election_name="Pemilihan Kepala Daerah Serentak Tahun 2029"
    )
    renderer = PactRenderer(
        title=content["title"],
        intro=content["intro"],
        statement=content["statement"],
        points=content["points"],
        closing=content["closing"],
        legal_basis=content["legal_basis"],
    )
    plain = documents(args.docs, None)
    drawn = documents(args.docs, canvas_signature())
    p12 = demo_certificate_p12(agency_name=AGENCY, password=PASSWORD)
    sealer = Sealer(p12=p12, password=PASSWORD)
    ec_sealer = Sealer(
        p12=demo_certificate_p12(agency_name=AGENCY, password=PASSWORD, key_type="ec"),
        password=PASSWORD,
    )
    rendered = [renderer.render(document) for document in drawn]

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [sealer.seal(renderer.render(document)) for document in drawn])
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        return

    def render(batch: list[PactDocument]) -> Callable[[], int]:
        return lambda: len([renderer.render(document) for document in batch])

    def seal(with_sealer: Sealer) -> Callable[[], int]:
        return lambda: len([with_sealer.seal(pdf) for pdf in rendered])

    sealed: list[bytes] = []

    def render_and_seal(batch: list[PactDocument]) -> Callable[[], int]:
        def work() -> int:
            sealed[:] = [sealer.seal(renderer.render(document)) for document in batch]
            return len(sealed)

        return work

    # The floor: pyHanko as its documentation shows it, the signer loaded once.
    with tempfile.TemporaryDirectory() as folder:
        p12_path = Path(folder) / "agency.p12"
        p12_path.write_bytes(p12)
        stock = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=PASSWORD)
    metadata = signers.PdfSignatureMetadata(
        field_name="Segel", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    stock_batch = rendered[: max(5, args.docs // 20)]

    def stock_seal() -> int:
        for pdf in stock_batch:
            signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=stock)
        return len(stock_batch)

    def seal_timestamped(stamper: TimestampAuthority) -> Callable[[], int]:
        stamp = lambda digest: stamper.stamp(digest).der  # noqa: E731
        return lambda: len([sealer.seal(pdf, timestamp=stamp) for pdf in rendered])

    with LocalAuthority() as authority:
        timestamped = rate(
            seal_timestamped(TimestampAuthority(url=authority.url, timeout=5)), args.runs
        )
        stamped_size = len(
            sealer.seal(
                rendered[0],
                timestamp=lambda d: TimestampAuthority(url=authority.url, timeout=5).stamp(d).der,
            )
        )

    # PAdES B-LT: the chains' certificates and the CA's CRL added to a timestamped seal.
    with LocalCA() as ca, LocalAuthority(ca=ca) as ca_authority:
        ltv_sealer = Sealer(
            p12=ca.seal_p12(agency_name=AGENCY, password=PASSWORD), password=PASSWORD
        )
        ca_stamper = TimestampAuthority(url=ca_authority.url, timeout=5)
        stamped = [
            ltv_sealer.seal(pdf, timestamp=lambda d: ca_stamper.stamp(d).der)
            for pdf in rendered[: max(5, args.docs // 10)]
        ]
        chain = [*ltv_sealer.chain_der, ca_authority.certificate_der]
        crl = ca.crl_der()

    def add_validation() -> int:
        return len([validation_add(pdf, certificates_der=chain, crls_der=[crl]) for pdf in stamped])

    validated_size = len(validation_add(stamped[0], certificates_der=chain, crls_der=[crl]))

    results = {
        "render, no drawn signature": rate(render(plain), args.runs),
        "render, canvas signature (RGBA)": rate(render(drawn), args.runs),
        "seal, RSA-2048": rate(seal(sealer), args.runs),
        "seal, ECDSA P-256": rate(seal(ec_sealer), args.runs),
        "seal + timestamp (local TSA), RSA-2048": timestamped,
        "add validation data (B-LT DSS) to a seal": rate(add_validation, args.runs),
        "render + seal (no drawing, RSA-2048)": rate(render_and_seal(plain), args.runs),
        "render + seal (canvas, RSA-2048)": rate(render_and_seal(drawn), args.runs),
        "floor: stock pyHanko sign_pdf, RSA-2048": rate(stock_seal, args.runs),
    }
    checks = [verify_seal(pdf, trusted_certificate_der=sealer.certificate_der) for pdf in sealed]
    valid = sum(c.intact and c.covers_whole_file and c.signed_by_trusted for c in checks)
    started = time.perf_counter()
    verify_seal(sealed[0], trusted_certificate_der=sealer.certificate_der)
    verify_ms = (time.perf_counter() - started) * 1000

    print(f"one core (cpu {args.cpu}), {args.docs} documents per run, median of {args.runs} runs")
    for name, (median, rates) in results.items():
        runs = ", ".join(f"{value:.0f}" for value in rates)
        print(f"{name:42s} {median:8.1f} docs/s   ({1000 / median:6.2f} ms; runs {runs})")
    floor = results["floor: stock pyHanko sign_pdf, RSA-2048"][0]
    seal_rsa = results["seal, RSA-2048"][0]
    both = results["render + seal (canvas, RSA-2048)"][0]
    print(f"ratio seal / stock pyHanko: {seal_rsa / floor:.0f}x")
    print(f"aims: seal >= 250/s: {seal_rsa:.0f}; render + seal >= 100/s: {both:.0f}")
    print(
        f"verify_seal (pyHanko validator): {valid}/{len(checks)} sealed outputs valid, "
        f"{verify_ms:.0f} ms each; sizes {len(rendered[0]):,} B rendered, "
        f"{len(sealed[0]):,} B sealed, {stamped_size:,} B sealed with a timestamp, "
        f"{validated_size:,} B with its validation data"
    )
    if valid != len(checks):
        raise SystemExit("some sealed outputs did not verify")


if __name__ == "__main__":
    main()
