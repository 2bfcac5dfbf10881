"""Batch screening: a supervisor uploads a file of collected posts, kept in the storage until a
job (`screening.batch`) checks every row (all or nothing), screens each post and keeps the ranked
results; supervisors then mark flags right or wrong and open a case from a post."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from netral.accounts.access import can_handle_cases
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.identifiers import PNS, PPPK, IdentifierError, parse_nip
from netral.agencies.models import Agency
from netral.agencies.roster_file import (
    RosterFileError,
    RosterTable,
    cell_text,
    read_roster_file,
)
from netral.base.audit import audit_log
from netral.base.jobs import JobFailed, Progress, job_kind, job_start
from netral.base.models import Election, Job
from netral.base.storage import folder_owner, local_copy, save_stream
from netral.screening import pipeline
from netral.screening.models import Category, FlagReview, ScreenedPost, ScreeningBatch
from netral.screening.rules import RULES
from netral.screening.vocabulary import vocabulary_for

TEXT_MAX_CHARS = 10_000
AUTHOR_MAX_CHARS = 200
URL_MAX_CHARS = 500
MAX_REPORTED_ERRORS = 200
INSERT_CHUNK = 1000
BATCH_JOB = "screening.batch"
JOB_ACTOR = Actor(user=None, label=f"job:{BATCH_JOB}")
# Posts are acts of SKB 2/2022 number 4 (posting, commenting, sharing) unless a flag says which.
DEFAULT_ACT = "skb2022-04"

# The columns of the file, each with the headers it may have (Indonesian first, then English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "author": ("penulis", "author"),
    "nip": ("nip",),
    "url": ("tautan", "url", "link"),
    "posted_on": ("tanggal", "date"),
    "text": ("teks", "text"),
}
TEMPLATE_HEADERS = ["penulis", "nip", "tautan", "tanggal", "teks"]

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "januari", "january"),
            ("feb", "februari", "pebruari", "february"),
            ("mar", "maret", "march"),
            ("apr", "april"),
            ("mei", "may"),
            ("jun", "juni", "june"),
            ("jul", "juli", "july"),
            ("agu", "agt", "ags", "agustus", "aug", "august"),
            ("sep", "sept", "september"),
            ("okt", "oktober", "oct", "october"),
            ("nov", "nopember", "november"),
            ("des", "desember", "dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
_WORDED_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")
_URL = URLValidator(schemes=["http", "https"])


class BatchUploadError(Exception):
    """The upload is refused before anything is stored; the message is for the user."""


@dataclass(frozen=True)
class PostRow:
    row_number: int
    author: str
    nip: str
    url: str
    posted_on: datetime.date | None
    text: str


@dataclass
class ReadResult:
    posts: list[PostRow]
    errors: list[dict[str, Any]]


# Access


def batch_list(*, viewer: Membership) -> QuerySet[ScreeningBatch]:
    if not can_handle_cases(viewer):
        return ScreeningBatch.objects.none()
    return ScreeningBatch.objects.filter(agency=viewer.agency).select_related(
        "created_by", "election"
    )


def batch_for_user(viewer: Membership, code: str) -> ScreeningBatch:
    """Opens every batch view: another agency's batch is not found (404); a member of the
    agency whose role does not handle cases is refused (403)."""
    if not can_handle_cases(viewer):
        if ScreeningBatch.objects.filter(agency=viewer.agency, code=code).exists():
            raise PermissionDenied
        raise Http404
    batch = batch_list(viewer=viewer).filter(code=code).first()
    if batch is None:
        raise Http404
    return batch


def post_for_user(viewer: Membership, code: str) -> ScreenedPost:
    """As `batch_for_user`, for one post of a batch."""
    posts = ScreenedPost.objects.filter(batch__agency=viewer.agency, code=code)
    if not can_handle_cases(viewer):
        if posts.exists():
            raise PermissionDenied
        raise Http404
    post = posts.select_related("batch", "batch__election", "batch__agency", "case").first()
    if post is None:
        raise Http404
    return post


def post_list(
    *, batch: ScreeningBatch, category: str = "", flagged_only: bool = False, query: str = ""
) -> QuerySet[ScreenedPost]:
    """The batch's posts, highest score first."""
    posts = batch.posts.select_related("case").prefetch_related("reviews")
    if category:
        # The categories are a JSON list of distinct words; the quotes keep the match exact.
        posts = posts.filter(categories__icontains=f'"{category}"')
    if flagged_only:
        posts = posts.exclude(categories=[])
    for word in query.split()[:10]:
        posts = posts.filter(
            Q(text__icontains=word)
            | Q(author__icontains=word)
            | Q(nip__startswith=word)
            | Q(url__icontains=word)
        )
    return posts.order_by("-score", "row_number")


# Reading the file


def _size_text(size: int) -> str:
    return str(round(size / 1_048_576, 1))


def _column_map(headers: Sequence[str]) -> dict[str, int]:
    """Each known column's position; headers match case-insensitively, unknown ones are left
    aside."""
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        name = " ".join(header.lower().split())
        for column, aliases in COLUMNS.items():
            if name in aliases:
                if column in positions:
                    raise RosterFileError(
                        _("The column “%(header)s” appears twice in the first row.")
                        % {"header": header}
                    )
                positions[column] = position
    if "text" not in positions:
        raise RosterFileError(
            _(
                "The first row must hold the column names %(expected)s (or in English: author, "
                "nip, url, date, text); the column “teks” is missing. The first row reads: "
                "%(found)s."
            )
            % {
                "expected": ", ".join(TEMPLATE_HEADERS),
                "found": ", ".join(headers)[:200] or "—",
            }
        )
    return positions


def parse_post_date(raw: str) -> datetime.date:
    """A date as people and spreadsheets write it: 2024-01-31, 31/01/2024, 31-01-2024,
    31 Januari 2024, or a spreadsheet's date and time. Raises ValueError."""
    value = " ".join(raw.lower().split())
    # A date and time ("2024-01-31T08:30:00", "31/01/2024 08.30"): the date part.
    head = re.split(r"[t ]", value, maxsplit=1)[0]
    numeric = _NUMERIC_DATE.fullmatch(head)
    if numeric:
        first, month, last = numeric.groups()
        if len(first) == 4:
            return datetime.date(int(first), int(month), int(last))
        if len(last) == 4:
            return datetime.date(int(last), int(month), int(first))
        raise ValueError(raw)
    worded = _WORDED_DATE.fullmatch(value)
    if worded and worded.group(2) in MONTHS:
        day, month_name, year = worded.groups()
        return datetime.date(int(year), MONTHS[month_name], int(day))
    raise ValueError(raw)


def _check_nip(raw: str) -> str:
    try:
        return parse_nip(raw, kind=PNS).nip
    except IdentifierError as problem:
        try:  # whoever collected the post does not know whether the author is a PNS or a PPPK
            return parse_nip(raw, kind=PPPK).nip
        except IdentifierError:
            raise problem from None


def _row_errors(
    row_number: int, cells: dict[str, str], today: datetime.date
) -> tuple[PostRow | None, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []

    def error(column: str, message: str) -> None:
        errors.append({"row": row_number, "column": column, "message": message})

    text = cells["text"]
    if not text:
        error("teks", _("The text is empty."))
    elif len(text) > TEXT_MAX_CHARS:
        error(
            "teks",
            _("The text has %(count)s characters; at most %(limit)s are accepted.")
            % {"count": len(text), "limit": TEXT_MAX_CHARS},
        )
    author = cells["author"]
    if len(author) > AUTHOR_MAX_CHARS:
        error(
            "penulis",
            _("The author has more than %(limit)s characters.") % {"limit": AUTHOR_MAX_CHARS},
        )
    nip = ""
    if cells["nip"]:
        try:
            nip = _check_nip(cells["nip"])
        except IdentifierError as problem:
            error("nip", str(problem))
    url = cells["url"]
    if url:
        try:
            if len(url) > URL_MAX_CHARS:
                raise ValidationError("too long")
            _URL(url)
        except ValidationError:
            error(
                "tautan",
                _("“%(link)s” is not a web address starting with http:// or https://.")
                % {"link": url[:80]},
            )
    posted_on = None
    if cells["posted_on"]:
        try:
            posted_on = parse_post_date(cells["posted_on"])
        except ValueError:
            error(
                "tanggal",
                _("“%(value)s” is not a date; write it as 31/01/2024 or 2024-01-31.")
                % {"value": cells["posted_on"][:40]},
            )
        else:
            if posted_on > today:
                error("tanggal", _("The date %(date)s is in the future.") % {"date": posted_on})
    if errors:
        return None, errors
    return PostRow(row_number, author, nip, url, posted_on, text), []


def posts_read(table: RosterTable, *, today: datetime.date | None = None) -> ReadResult:
    """Check every row; posts only when no row has an error."""
    today = today or timezone.localdate()
    positions = _column_map(table.headers)
    if not table.rows:
        raise RosterFileError(_("The file has column names but no posts."))
    posts: list[PostRow] = []
    errors: list[dict[str, Any]] = []
    for row_number, texts in table.rows:
        # Cells come as read (a date cell as a date): turned into text here, as imports do.
        cells = {
            column: cell_text(texts[positions[column]])
            if column in positions and positions[column] < len(texts)
            else ""
            for column in COLUMNS
        }
        post, row_errors = _row_errors(row_number, cells, today)
        if post is not None:
            posts.append(post)
        errors.extend(row_errors)
    return ReadResult(posts=posts if not errors else [], errors=errors)


# Uploading and screening


def batch_file_name(batch: ScreeningBatch) -> str:
    """Where the uploaded file waits for its job in the storage: `screening/<code>/<name>`."""
    uploaded = Path(batch.file_name)
    try:
        # Short enough for any filesystem, however many bytes its letters take.
        name = get_valid_filename(uploaded.stem[:40] + uploaded.suffix.lower()[:10])
    except SuspiciousFileOperation:
        name = "berkas"
    return f"screening/{batch.code}/{name}"


def batch_create(
    *,
    actor: Actor,
    agency: Agency,
    election: Election,
    file_name: str,
    content: IO[bytes],
    size: int,
) -> ScreeningBatch:
    """Keep the uploaded file in the storage and start the job that screens it
    (`batch.job`, whose page leads to the batch's page when it is done)."""
    if size == 0:
        raise BatchUploadError(_("The file is empty."))
    if size > settings.NETRAL_SCREENING_MAX_BYTES:
        raise BatchUploadError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": _size_text(size), "limit": _size_text(settings.NETRAL_SCREENING_MAX_BYTES)}
        )
    batch = ScreeningBatch(
        agency=agency,
        election=election,
        created_by=actor.user,
        file_name=Path(file_name).name[:255] or "berkas",
    )
    stored = batch_file_name(batch)
    digest = save_stream(stored, content).sha256
    try:
        with transaction.atomic():
            batch.job = job_start(
                kind=BATCH_JOB,
                title=_("Screening of %(file)s") % {"file": batch.file_name},
                actor=actor,
                agency=agency,
                params={"batch": batch.code, "file": stored},
                next_url=reverse("screening:batch", kwargs={"code": batch.code}),
            )
            batch.save()
            audit_log(
                actor=actor,
                action="screening.batch.uploaded",
                target=batch,
                agency=agency,
                data={
                    "file": batch.file_name,
                    "size": size,
                    "sha256": digest,
                    "election": election.code,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return batch


def _stored_flags(result: pipeline.Result) -> list[dict[str, Any]]:
    flags = sorted(result.flags, key=lambda flag: flag.score, reverse=True)
    return [
        {
            "category": flag.category,
            "score": round(flag.score, 3),
            "rule": flag.rule,
            "title": flag.title,
            "advice": flag.advice,
            "spans": [[span.start, span.end] for span in flag.spans],
            # The SKB 2/2022 act the rule may touch ("skb2022-04"); the model's flags name none.
            "act": RULES[flag.rule].skb if flag.rule in RULES else "",
        }
        for flag in flags
    ]


def _fail(batch: ScreeningBatch, errors: list[dict[str, Any]]) -> None:
    reported = errors[:MAX_REPORTED_ERRORS]
    if len(errors) > MAX_REPORTED_ERRORS:
        reported.append(
            {
                "row": 0,
                "column": "",
                "message": _("%(count)s more errors are not listed.")
                % {"count": len(errors) - MAX_REPORTED_ERRORS},
            }
        )
    batch.errors = reported
    batch.status = ScreeningBatch.Status.FAILED
    batch.save(update_fields=["errors", "status"])
    audit_log(
        actor=JOB_ACTOR,
        action="screening.batch.failed",
        target=batch,
        agency=batch.agency,
        data={"errors": len(errors)},
    )


def _refusal(errors: list[dict[str, Any]]) -> str:
    """What the job's page says of a refused file; the batch's page lists the errors."""
    rows = {error["row"] for error in errors if error["row"]}
    if not rows:
        return _("The file was refused and nothing was screened: %(problem)s") % {
            "problem": errors[0]["message"]
        }
    return ngettext(
        "The file was refused and nothing was screened: %(count)s row has errors. Correct the "
        "file and upload it again.",
        "The file was refused and nothing was screened: %(count)s rows have errors. Correct the "
        "file and upload it again.",
        len(rows),
    ) % {"count": len(rows)}


def batch_screen_run(
    batch: ScreeningBatch, *, file_name: str, progress: Progress
) -> ScreeningBatch:
    """Read, check and screen the stored file; the posts are written together or not at all.
    A refused file fails the batch with its list of errors and raises JobFailed. The stored
    file is removed either way: the posts now live in the database."""
    try:
        with local_copy(file_name) as path:
            table = read_roster_file(
                path,
                max_bytes=settings.NETRAL_SCREENING_MAX_BYTES,
                max_rows=settings.NETRAL_SCREENING_MAX_ROWS,
            )
        read = posts_read(table)
    except RosterFileError as problem:
        read = ReadResult(posts=[], errors=[{"row": 0, "column": "", "message": str(problem)}])
    finally:
        default_storage.delete(file_name)
    if read.errors:
        _fail(batch, read.errors)
        raise JobFailed(_refusal(read.errors))
    progress(5)
    vocabulary = vocabulary_for(batch.election) if batch.election is not None else None
    posts: list[ScreenedPost] = []
    total = len(read.posts)
    reported = 5
    for index, row in enumerate(read.posts, start=1):
        result = pipeline.screen(row.text, vocabulary=vocabulary)
        posts.append(
            ScreenedPost(
                batch=batch,
                row_number=row.row_number,
                author=row.author,
                nip=row.nip,
                url=row.url,
                posted_on=row.posted_on,
                text=row.text,
                score=round(result.score, 3),
                categories=result.categories,
                flags=_stored_flags(result),
            )
        )
        if index % 100 == 0 and 5 + 90 * index // total != reported:
            reported = 5 + 90 * index // total
            progress(reported)
    with transaction.atomic():
        for start in range(0, len(posts), INSERT_CHUNK):
            ScreenedPost.objects.bulk_create(posts[start : start + INSERT_CHUNK])
        batch.post_count = total
        batch.flagged_count = sum(1 for post in posts if post.categories)
        batch.status = ScreeningBatch.Status.READY
        batch.errors = []
        batch.save(update_fields=["post_count", "flagged_count", "status", "errors"])
        audit_log(
            actor=JOB_ACTOR,
            action="screening.batch.screened",
            target=batch,
            agency=batch.agency,
            data={"posts": batch.post_count, "flagged": batch.flagged_count},
        )
    return batch


@job_kind(BATCH_JOB)
def batch_screen(job: Job, progress: Progress) -> None:
    batch = ScreeningBatch.objects.select_related("agency", "election").get(
        code=job.params["batch"], agency=job.agency_id
    )
    try:
        batch_screen_run(batch, file_name=job.params["file"], progress=progress)
    except JobFailed:
        raise
    except Exception:
        # A batch left "being screened" would read as still running, whatever its job says.
        _fail(batch, [{"row": 0, "column": "", "message": _("Screening stopped on an error.")}])
        raise


# Reviews and cases


def flag_review_set(
    *, actor: Actor, post: ScreenedPost, category: str, is_correct: bool
) -> FlagReview:
    """A supervisor's verdict on one category of a post; a second verdict replaces the first."""
    if category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    with transaction.atomic():
        review, created = FlagReview.objects.update_or_create(
            post=post,
            category=category,
            defaults={"is_correct": is_correct, "reviewer": actor.user},
        )
        audit_log(
            actor=actor,
            action="screening.flag.reviewed",
            target=post,
            agency=post.batch.agency,
            data={
                "category": category,
                "is_correct": is_correct,
                "flagged": category in post.categories,
                "changed": not created,
            },
        )
    return review


def category_label(value: str) -> str:
    return str(Category(value).label) if value in Category.values else value


def suggested_act(post: ScreenedPost) -> str:
    """The act of the strongest flag that names one, else posting for a candidate (act 4)."""
    for flag in post.flags:
        if flag.get("act"):
            return str(flag["act"])
    return DEFAULT_ACT


# Showing a post


def post_spans(text: str, flags: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    """The stored flags' spans inside the post's text, sorted, overlaps joined."""
    return pipeline.merged_spans(text, (span for flag in flags for span in flag.get("spans", [])))


def highlighted_html(text: str, flags: Iterable[dict[str, Any]]) -> SafeString:
    """The text escaped, with the flagged words in <mark>."""
    parts: list[str] = []
    position = 0
    for start, end in post_spans(text, flags):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped above


@folder_owner("screening")
def _screening_kept(names: list[str]) -> set[str]:
    """The uploaded files of batches that exist (`screening/<batch>/<file>`)."""
    codes = {name.split("/")[1] for name in names}
    known = set(ScreeningBatch.objects.filter(code__in=codes).values_list("code", flat=True))
    return {name for name in names if name.split("/")[1] in known}
