"""The collective ikrar document (ikrar bersama, seeds 003 and 004): one sealed PDF made when the
ceremony is closed, as a background job. It holds the pact text, the officials' and witnesses'
signatures, the staff's count by channel, an annex of every signatory in log order with the log
leaf hash of each signature, and the signed tree head at closing: anyone can recompute the
Merkle root from the annex's hashes and check it against the signed head.

The pages are written one at a time into the file as the rows stream from the database, so the
memory taken is that of the finished file (about 120 bytes a row), not of the rows."""

from __future__ import annotations

import datetime
import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.identifiers import IdentifierError, mask_nik, mask_nip
from netral.base import merkle
from netral.base.audit import audit_log
from netral.base.jobs import JobFailed, Progress, job_kind, job_start
from netral.base.models import Job
from netral.base.storage import folder_owner, save_bytes
from netral.pacts import documents, services, transparency
from netral.pacts.models import Campaign, LogHead, LogNode, Signatory, Signature, TreeHead
from netral.pacts.pdf import (
    BOLD,
    REGULAR,
    _Canvas,
    _font,
    _literal,
    _number,
    _object,
    _stream,
    winansi,
    wrap,
)

COLLECTIVE_JOB = "pacts.collective"

PORTRAIT = (595.28, 841.89)
LANDSCAPE = (841.89, 595.28)
MARGIN = 48.0
SIZE = 10.0
LEADING = 13.5
SMALL = 6.5
ROW = 9.0
MONO = b"/F3"
MONO_WIDTH = 600  # Courier: every glyph is 0.6 of the size
ROWS_CHUNK = 2000

# Fixed numbers for the few objects every document has; pages follow from FIRST_PAGE.
CATALOG, PAGES, INFO, FONT_REGULAR, FONT_BOLD, FONT_MONO, RESOURCES = range(1, 8)
FIRST_FREE = 8

# The annex's columns (x offsets from the margin, in points), landscape.
ANNEX_COLUMNS = (("no", 0.0), ("name", 32.0), ("nip", 210.0), ("unit", 305.0), ("time", 455.0))
ANNEX_HASH_X = 520.0


@dataclass(frozen=True)
class AnnexRow:
    number: int  # the log index plus one
    name: str
    masked_id: str
    unit: str
    signed_at: datetime.datetime
    leaf_hash: str  # hex: the Merkle leaf of the signature's canonical record


def _masked(details: dict[str, str]) -> str:
    try:
        if details.get("nip"):
            return mask_nip(details["nip"])
        if details.get("nik"):
            return mask_nik(details["nik"])
    except IdentifierError:
        return "-"
    return "-"


def annex_rows(campaign: Campaign, size: int) -> Iterator[AnnexRow]:
    """Every signature in the log up to `size`, in log order, with its stored leaf hash: two
    streams in the same order, read in chunks."""
    signatures = (
        Signature.objects.filter(campaign=campaign, log_index__lt=size)
        .order_by("log_index")
        .values_list("log_index", "typed_name", "signer_details", "signed_at", "unit__name")
        .iterator(chunk_size=ROWS_CHUNK)
    )
    leaves = (
        LogNode.objects.filter(campaign=campaign, level=0, position__lt=size)
        .order_by("position")
        .values_list("position", "hash")
        .iterator(chunk_size=ROWS_CHUNK)
    )
    for (index, typed_name, details, signed_at, unit_name), (position, leaf) in zip(
        signatures, leaves, strict=True
    ):
        if index != position:
            raise JobFailed(_("The transparency log and the signatures do not agree."))
        details = details or {}
        yield AnnexRow(
            number=index + 1,
            name=details.get("name") or typed_name,
            masked_id=_masked(details),
            unit=details.get("unit") or unit_name,
            signed_at=signed_at,
            leaf_hash=bytes(leaf).hex(),
        )


@dataclass(frozen=True)
class Summary:
    pact_title: str
    pact_texts: list[str]
    agency: str
    campaign: str
    campaign_code: str
    place_date: str
    officials: list[Signatory]
    witnesses: list[Signatory]
    channels: list[tuple[str, int]]
    staff_total: int
    tree_head: TreeHead
    key_url: str
    head_url: str


class _Writer:
    """Writes numbered objects straight into the file and keeps only their offsets."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.offsets: dict[int, int] = {}
        self.next_number = FIRST_FREE
        self.pages: list[int] = []

    def put(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(body)

    def page(self, operators: bytes, size: tuple[float, float]) -> None:
        content, page = self.next_number, self.next_number + 1
        self.next_number += 2
        self.put(content, _stream(content, b"/Filter /FlateDecode", zlib.compress(operators, 6)))
        self.put(
            page,
            _object(
                page,
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %d 0 R "
                b"/Contents %d 0 R >>"
                % (PAGES, _number(size[0]), _number(size[1]), RESOURCES, content),
            ),
        )
        self.pages.append(page)

    def finish(self, title: str) -> bytes:
        self.put(CATALOG, _object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % PAGES))
        kids = b" ".join(b"%d 0 R" % number for number in self.pages)
        self.put(
            PAGES,
            _object(PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.pages))),
        )
        self.put(FONT_REGULAR, _font(FONT_REGULAR, b"Helvetica"))
        self.put(FONT_BOLD, _font(FONT_BOLD, b"Helvetica-Bold"))
        self.put(FONT_MONO, _font(FONT_MONO, b"Courier"))
        self.put(
            RESOURCES,
            _object(
                RESOURCES,
                b"<< /Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R >> >>"
                % (FONT_REGULAR, FONT_BOLD, FONT_MONO),
            ),
        )
        self.put(
            INFO, _object(INFO, b"<< /Title %s /Producer (Netral) >>" % _literal(winansi(title)))
        )
        size = self.next_number
        xref_at = self.out.tell()
        identifier = hashlib.sha256(self.out.getbuffer()).hexdigest()[:32].encode()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for number in range(1, size):
            offset = self.offsets.get(number)
            self.out.write(
                b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n"
            )
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (size, CATALOG, INFO, identifier, identifier, xref_at)
        )
        return self.out.getvalue()


class _Flow:
    """Lines down portrait pages, starting a new page when one is full."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.canvas = _Canvas()
        self.y = PORTRAIT[1] - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.flush()

    def flush(self) -> None:
        if self.canvas.parts:
            self.writer.page(self.canvas.data(), PORTRAIT)
        self.canvas = _Canvas()
        self.y = PORTRAIT[1] - MARGIN

    def text(self, text: str, *, bold: bool = False, size: float = SIZE, indent: float = 0) -> None:
        font = BOLD if bold else REGULAR
        width = PORTRAIT[0] - 2 * MARGIN - indent
        for line in wrap(winansi(text), font=font, size=size, width=width) or [b""]:
            self.need(size * 1.35)
            self.canvas.lines(
                [line], x=MARGIN + indent, y=self.y, font=font, size=size, leading=size
            )
            self.y -= size * 1.35

    def mono(self, text: str, *, indent: float = 0) -> None:
        self.need(ROW)
        self.canvas.raw(
            b"BT %s %s Tf %s %s Td %s Tj ET\n"
            % (
                MONO,
                _number(SMALL),
                _number(MARGIN + indent),
                _number(self.y),
                _literal(winansi(text)),
            )
        )
        self.y -= ROW

    def gap(self, height: float = 6.0) -> None:
        self.y -= height


def _when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "-"
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'j F Y')}, {local:%H.%M.%S} {local.tzname() or ''}"


def _signatory_lines(flow: _Flow, signatory: Signatory) -> None:
    flow.need(4 * LEADING)
    role = f"{signatory.order}. {signatory.name}"
    flow.text(role, bold=True)
    office = signatory.office + (f" - {signatory.institution}" if signatory.institution else "")
    flow.text(office, indent=14)
    if signatory.signed_at is None:
        flow.text(_("Not signed"), indent=14)
    else:
        how = (
            _("Recorded as witnessing by an administrator")
            if signatory.recorded
            else _("Signed electronically through a personal link")
        )
        flow.text(f"{how}: {_when(signatory.signed_at)}", indent=14)
        flow.mono(f"SHA-256 {signatory.record_sha256}", indent=14)
    flow.gap(4)


def render_collective(summary: Summary, rows: Iterator[AnnexRow], progress: Progress) -> bytes:
    writer = _Writer()
    flow = _Flow(writer)
    flow.text(_("COLLECTIVE PLEDGE (IKRAR BERSAMA)"), bold=True, size=13)
    flow.text(summary.pact_title, bold=True, size=12)
    flow.text(f"{summary.agency} - {summary.campaign}")
    flow.text(summary.place_date)
    flow.gap(8)
    for paragraph in summary.pact_texts:
        flow.text(paragraph)
        flow.gap(4)
    for title, people in (
        (_("Signatures of the officials, in signing order"), summary.officials),
        (_("Witnesses"), summary.witnesses),
    ):
        flow.gap(8)
        flow.text(title, bold=True, size=11)
        if not people:
            flow.text("-")
        for signatory in people:
            _signatory_lines(flow, signatory)
    flow.gap(8)
    flow.text(_("Staff signatures by channel"), bold=True, size=11)
    for label, count in summary.channels:
        flow.text(f"{label}: {formats.number_format(count, force_grouping=True)}", indent=14)
    flow.text(
        _("Total: %(count)s")
        % {"count": formats.number_format(summary.staff_total, force_grouping=True)},
        bold=True,
        indent=14,
    )
    head = summary.tree_head
    flow.gap(8)
    flow.text(_("Transparency log at closing (signed tree head)"), bold=True, size=11)
    flow.text(
        _(
            "The annex lists every signature in the order of the log with its leaf hash. The "
            "Merkle root (RFC 6962) of these hashes must equal the root below, and the Ed25519 "
            "signature must verify with the log's public key over the message shown."
        )
    )
    milliseconds = int(head.signed_at.timestamp() * 1000)
    message = transparency.tree_head_message(
        summary.campaign_code, head.size, head.root, milliseconds
    )
    for label, value in (
        (_("Size"), str(head.size)),
        (_("Root"), head.root),
        (_("Time"), f"{_when(head.signed_at)} ({milliseconds} ms)"),
        (_("Message"), message.decode()),
        (_("Signature"), head.signature[:64]),
        ("", head.signature[64:]),
        (_("Public key"), summary.key_url),
        (_("Tree head"), summary.head_url),
    ):
        flow.mono(f"{label:<12} {value}")
    flow.flush()
    _annex(writer, rows, head.size, progress)
    return writer.finish(summary.pact_title)


def _cell(text: str, width: float) -> bytes:
    """The text cut to one line of the column, with an ellipsis when cut."""
    encoded = winansi(text)
    if REGULAR.width(encoded, SMALL) <= width:
        return encoded
    while encoded and REGULAR.width(encoded + b"\x85", SMALL) > width:
        encoded = encoded[:-1]
    return encoded + b"\x85"


def _annex(writer: _Writer, rows: Iterator[AnnexRow], size: int, progress: Progress) -> None:
    height = LANDSCAPE[1]
    per_page = int((height - 2 * MARGIN - 3 * ROW) // ROW)
    column_widths = [
        (ANNEX_COLUMNS[i + 1][1] if i + 1 < len(ANNEX_COLUMNS) else ANNEX_HASH_X) - x - 6
        for i, (_key, x) in enumerate(ANNEX_COLUMNS)
    ]
    headings = [_("No."), _("Name"), _("NIP"), _("Unit"), _("Time")]
    title = winansi(_("ANNEX: EVERY SIGNATORY, IN LOG ORDER"))
    done = 0
    page: list[bytes] = []
    y = 0.0

    def start() -> float:
        top = height - MARGIN
        page.append(
            b"BT /F2 9 Tf %s %s Td %s Tj ET\n" % (_number(MARGIN), _number(top), _literal(title))
        )
        top -= 2 * ROW
        cells = [
            b"BT /F2 %s Tf %s %s Td %s Tj ET\n"
            % (_number(SMALL), _number(MARGIN + x), _number(top), _literal(winansi(label)))
            for label, (_key, x) in zip(
                [*headings, _("Leaf hash (SHA-256)")],
                [*ANNEX_COLUMNS, ("hash", ANNEX_HASH_X)],
                strict=True,
            )
        ]
        page.extend(cells)
        return top - ROW

    y = start()
    on_page = 0
    zone = timezone.get_current_timezone()
    xs = [_number(MARGIN + x) for _key, x in ANNEX_COLUMNS]
    hash_x = _number(MARGIN + ANNEX_HASH_X)
    small = _number(SMALL)
    for row in rows:
        if on_page == per_page:
            writer.page(b"".join(page), LANDSCAPE)
            page.clear()
            y = start()
            on_page = 0
        values = [
            str(row.number),
            row.name,
            row.masked_id,
            row.unit,
            f"{row.signed_at.astimezone(zone):%d-%m %H.%M.%S}",
        ]
        row_y = _number(y)
        page.append(b"BT /F1 %s Tf\n" % small)
        for value, x, cell_width in zip(values, xs, column_widths, strict=True):
            page.append(
                b"1 0 0 1 %s %s Tm %s Tj\n" % (x, row_y, _literal(_cell(value, cell_width)))
            )
        page.append(
            b"%s %s Tf 1 0 0 1 %s %s Tm (%s) Tj ET\n"
            % (MONO, small, hash_x, row_y, row.leaf_hash.encode())
        )
        y -= ROW
        on_page += 1
        done += 1
        if done % 1000 == 0 and size:
            progress(10 + 80 * done // size)
    if on_page or not writer.pages:
        writer.page(b"".join(page), LANDSCAPE)
    if done != size:
        raise JobFailed(_("The transparency log and the signatures do not agree."))


# --- the job ---------------------------------------------------------------------------------


def ceremony_close(*, actor: Actor, campaign: Campaign, publish: bool = False) -> Job:
    """Close the campaign and start making its collective document, published on the public
    page or not (its annex names every signatory)."""
    with transaction.atomic():
        if publish:
            campaign.collective_published = True
            campaign.save(update_fields=["collective_published"])
            audit_log(
                actor=actor,
                action="pacts.collective.published",
                target=campaign,
                agency=campaign.agency,
                data={"campaign": campaign.code},
            )
        closed = services.campaign_close(actor=actor, campaign=campaign)
        job = collective_start(actor=actor, campaign=closed)
    return job


def collective_start(*, actor: Actor, campaign: Campaign) -> Job:
    job = job_start(
        kind=COLLECTIVE_JOB,
        title=_("Collective pledge document of %(title)s") % {"title": campaign.title},
        actor=actor,
        agency=campaign.agency,
        params={"campaign": campaign.code},
        next_url=reverse("pacts:campaign_detail", kwargs={"code": campaign.code}),
    )
    Campaign.objects.filter(pk=campaign.pk).update(collective_job=job)
    return job


def collective_may_restart(campaign: Campaign) -> bool:
    """A closed campaign without its document, whose last attempt is not under way."""
    if campaign.status != Campaign.Status.CLOSED or campaign.collective_name:
        return False
    job = campaign.collective_job
    return job is None or job.status == Job.Status.FAILED


def _closing_tree_head(campaign: Campaign) -> TreeHead:
    """Sequence what is left, then the head covering the whole log (published if none is)."""
    while transparency.log_sequence(campaign=campaign) is not None:
        pass
    size = LogHead.objects.filter(campaign=campaign).values_list("size", flat=True).first() or 0
    head = TreeHead.objects.filter(campaign=campaign, size=size).first()
    if head is None:
        head = transparency._publish(campaign, size, merkle.root([]).hex())
    return head


def _summary(campaign: Campaign, head: TreeHead) -> Summary:
    pact = campaign.pact_version
    channel_labels = dict(Signature.Channel.choices)
    counts = (
        Signature.objects.filter(campaign=campaign, log_index__lt=head.size)
        .values_list("channel")
        .annotate(total=Count("id"))
        .order_by("channel")
    )
    channels = [(str(channel_labels.get(channel, channel)), total) for channel, total in counts]
    signatories = list(campaign.signatories.all())
    base = settings.NETRAL_PUBLIC_URL.rstrip("/")
    place = campaign.place or documents.agency_seat(campaign.agency)
    day = campaign.ceremony_date or timezone.localdate()
    return Summary(
        pact_title=pact.title,
        pact_texts=[
            pact.intro,
            pact.statement,
            *(f"{number}. {point}" for number, point in enumerate(pact.points, start=1)),
            pact.closing,
        ],
        agency=campaign.agency.name,
        campaign=campaign.title,
        campaign_code=campaign.code,
        place_date=f"{place}, {formats.date_format(day, 'j F Y')}",
        officials=[s for s in signatories if s.role == Signatory.Role.OFFICIAL],
        witnesses=[s for s in signatories if s.role == Signatory.Role.WITNESS],
        channels=channels,
        staff_total=sum(total for _label, total in channels),
        tree_head=head,
        key_url=base + reverse("pacts:log_key"),
        head_url=base + reverse("pacts:tree_head", kwargs={"code": campaign.code}),
    )


def collective_name(campaign: Campaign, sha256: str) -> str:
    return f"collective/{campaign.code}-{sha256}.pdf"


@job_kind(COLLECTIVE_JOB)
def collective_build(job: Job, progress: Progress) -> None:
    campaign = Campaign.objects.select_related("pact_version", "agency").get(
        code=job.params["campaign"], agency=job.agency_id
    )
    head = _closing_tree_head(campaign)
    progress(10)
    pdf = render_collective(_summary(campaign, head), annex_rows(campaign, head.size), progress)
    try:
        # The pacts' own sealing: the agency's certificate, trusted time and validation data.
        sealed = documents.pdf_seal(
            pdf, agency=campaign.agency, location=campaign.place, reason="Ikrar Bersama Netralitas"
        ).pdf
    except ImproperlyConfigured:
        raise JobFailed(
            _(
                "The agency has no sealing certificate on this server, so the document cannot "
                "be sealed. Ask the operator to install it, then make the document again."
            )
        ) from None
    del pdf
    sha256 = hashlib.sha256(sealed).hexdigest()
    name = collective_name(campaign, sha256)
    save_bytes(name, sealed)
    Campaign.objects.filter(pk=campaign.pk).update(
        collective_name=name, collective_sha256=sha256, collective_tree_head=head
    )


@folder_owner("collective")
def _collective_kept(names: list[str]) -> set[str]:
    return set(
        Campaign.objects.filter(collective_name__in=names).values_list("collective_name", flat=True)
    )
