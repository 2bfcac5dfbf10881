"""A screened post as a one-page PDF, kept as a case's evidence: who wrote what, where and when,
the flagged words marked, the flags with their explanations, and which batch found it."""

from __future__ import annotations

import datetime
import io
import unicodedata
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from netral.screening.batch import category_label, post_spans
from netral.screening.models import ScreenedPost

MARGIN = 15 * mm
MARK_COLOUR = "#ffe066"

TEXT = ParagraphStyle("text", fontName="Helvetica", fontSize=9.5, leading=13)
SMALL = ParagraphStyle("small", parent=TEXT, fontSize=8, leading=10, textColor=colors.dimgrey)
LABEL = ParagraphStyle("label", parent=TEXT, fontName="Helvetica-Bold")
HEADING = ParagraphStyle("heading", parent=TEXT, fontName="Helvetica-Bold", fontSize=14, leading=18)
SUBHEADING = ParagraphStyle("subheading", parent=LABEL, fontSize=11, leading=15, spaceBefore=6)


def _letters(text: str) -> str:
    """What the built-in fonts can draw: a letter they lack loses its accents, anything else
    (emoji, other scripts) becomes "?"."""
    drawable = []
    for char in text:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            plain = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(part)
            )
            try:
                plain.encode("cp1252")
            except UnicodeEncodeError:
                plain = "?"
            drawable.append(plain or "?")
        else:
            drawable.append(char)
    return "".join(drawable)


def _markup(text: str) -> str:
    return escape(_letters(text)).replace("\n", "<br/>")


def _marked_text(post: ScreenedPost) -> str:
    parts: list[str] = []
    position = 0
    for start, end in post_spans(post.text, post.flags):
        parts.append(_markup(post.text[position:start]))
        parts.append(
            f'<font backColor="{MARK_COLOUR}"><b>{_markup(post.text[start:end])}</b></font>'
        )
        position = end
    parts.append(_markup(post.text[position:]))
    return "".join(parts)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i T")


def post_pdf(*, post: ScreenedPost, generated_at: datetime.datetime) -> bytes:
    batch = post.batch
    buffer = io.BytesIO()
    title = _("Screened post")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="Netral",
        pageCompression=0,
    )
    posted_on = formats.date_format(post.posted_on, "j F Y") if post.posted_on else "—"
    details = [
        (_("Author"), _markup(post.author) or "—"),
        (_("NIP"), escape(post.nip) or "—"),
        (_("Link"), escape(post.url) or "—"),
        (_("Date"), escape(posted_on)),
        (
            _("Batch"),
            _markup(
                _("%(file)s (code %(code)s), row %(row)s")
                % {"file": batch.file_name, "code": batch.code, "row": post.row_number}
            ),
        ),
        (_("Screened on"), escape(_when(batch.created_at))),
        (_("Election"), _markup(batch.election.name) if batch.election else "—"),
        (_("Score"), f"{round(post.score * 100)}%"),
    ]
    table = Table(
        [[Paragraph(escape(label), LABEL), Paragraph(value, TEXT)] for label, value in details],
        colWidths=[35 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story = [
        Paragraph(escape(title), HEADING),
        Spacer(0, 3 * mm),
        table,
        Paragraph(escape(_("Text")), SUBHEADING),
        Paragraph(_marked_text(post), TEXT),
        Paragraph(escape(_("Flags")), SUBHEADING),
    ]
    if not post.flags:
        story.append(Paragraph(escape(_("The screening raised no flag.")), TEXT))
    for flag in post.flags:
        heading = (
            f"<b>{_markup(category_label(flag['category']))}</b> · "
            f"{round(flag['score'] * 100)}% · {_markup(flag['title'])}"
        )
        story.append(Paragraph(heading, TEXT))
        if flag.get("advice"):
            story.append(Paragraph(_markup(flag["advice"]), SMALL))
        story.append(Spacer(0, 1.5 * mm))
    story += [
        Spacer(0, 4 * mm),
        Paragraph(
            escape(
                _(
                    "Automatic screening points at posts worth reading; it proves nothing by "
                    "itself. Made by Netral on %(when)s."
                )
                % {"when": _when(generated_at)}
            ),
            SMALL,
        ),
    ]
    document.build(story)
    return buffer.getvalue()
