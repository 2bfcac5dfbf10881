"""A workbook's size judged before it is loaded: the first sheet's XML is streamed once through
expat (no tree is built), counting its cells and the rows and columns they reach, and the file
is refused as soon as it passes the budget. A 1.5 KB XLSX can hold one cell at row 1,000,000,
column 50, which a reader would load as a 50-million-cell range."""

from __future__ import annotations

import lzma
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

READ_BYTES = 1 << 16
# What reading a damaged archive raises besides BadZipFile: a broken deflate, bzip2 (OSError) or
# LZMA stream, a member flagged encrypted (RuntimeError) or packed by an unknown method.
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    lzma.LZMAError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    KeyError,
    ValueError,
    expat.ExpatError,
)
MAX_XML_BYTES = 512 * 1024 * 1024  # the first sheet's XML once unpacked
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class SheetRefused(Exception):
    """The workbook is refused; the message is for the user."""


class SheetTooLarge(SheetRefused):
    """The first sheet reaches past the budget."""


class SheetDamaged(SheetRefused):
    """Not a workbook that parses: a broken archive, malformed XML, or a DTD."""


def xlsx_size_check(path: Path, *, max_cells: int = 0) -> None:
    """Refuse (SheetTooLarge, SheetDamaged) an XLSX whose first sheet reaches past `max_cells`
    (NETRAL_SHEET_MAX_CELLS unless given) in rows x columns, or holds more cells, or whose XML
    is malformed, declares a DTD or unpacks past MAX_XML_BYTES."""
    budget = max_cells or settings.NETRAL_SHEET_MAX_CELLS
    try:
        with zipfile.ZipFile(path) as archive:
            # An OpenDocument spreadsheet (ODS) keeps every sheet in content.xml.
            is_ods = "content.xml" in archive.namelist() and not _is_xlsx(archive)
            name = "content.xml" if is_ods else _first_sheet(archive)
            if archive.getinfo(name).file_size > MAX_XML_BYTES:
                raise SheetTooLarge(_too_large(budget))
            if is_ods:
                with archive.open(name) as content:
                    _scan_ods(content, budget)
            else:
                with archive.open(name) as sheet:
                    plain = _scan_plain(sheet, budget)
                if not plain:
                    with archive.open(name) as sheet:
                        _scan(sheet, budget)
    except _DAMAGED:
        raise SheetDamaged(
            _("The workbook cannot be read: it may be damaged. Save it again and upload it.")
        ) from None


def _is_xlsx(archive: zipfile.ZipFile) -> bool:
    return "xl/workbook.xml" in archive.namelist()


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_REPEAT = re.compile(r"[0-9]{1,7}$")


def _repeat(attributes: dict[str, str], name: str) -> int:
    value = attributes.get(f"{_TABLE} {name}", "1")
    if not _REPEAT.match(value):
        raise ValueError("a repeat count that is none")
    return max(int(value), 1)


def _scan_ods(content: IO[bytes], budget: int) -> None:
    """The first table of an ODS, as readers expand it: a row or cell repeated N times
    (`number-rows-repeated`, `number-columns-repeated`) counts N times when it holds a value;
    empty repeated rows and cells (how LibreOffice pads a sheet) reach nothing."""
    state = {"tables": 0, "row": 0, "row_repeat": 1, "column": 0, "row_reach": 0}
    reach = {"rows": 0, "columns": 0, "cells": 0}

    def start(tag: str, attributes: dict[str, str]) -> None:
        if state["tables"] > 1:
            return
        if tag == f"{_TABLE} table":
            state["tables"] += 1
        elif tag == f"{_TABLE} table-row":
            state["row_repeat"] = _repeat(attributes, "number-rows-repeated")
            state["column"] = state["row_reach"] = 0
        elif tag in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            repeat = _repeat(attributes, "number-columns-repeated")
            state["column"] += repeat
            if f"{_OFFICE} value-type" in attributes:
                state["row_reach"] = state["column"]
                reach["cells"] += repeat * state["row_repeat"]

    def end(tag: str) -> None:
        if state["tables"] > 1 or tag != f"{_TABLE} table-row":
            return
        state["row"] += state["row_repeat"]
        if state["row_reach"]:
            reach["rows"] = state["row"]
            reach["columns"] = max(reach["columns"], state["row_reach"])
        if reach["rows"] * reach["columns"] > budget or reach["cells"] > budget:
            raise SheetTooLarge(_too_large(budget))

    parser = _parser(start)
    parser.EndElementHandler = end
    while chunk := content.read(READ_BYTES):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _too_large(budget: int) -> str:
    return _(
        "The sheet is too large: at most %(limit)s cells (rows times columns). Delete the empty "
        "rows and columns after the data, or split the file."
    ) % {"limit": f"{budget:,}".replace(",", ".")}


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet, as readers take it: the first <sheet> of
    xl/workbook.xml, through its relationship."""
    workbook = archive.read("xl/workbook.xml")
    relations = archive.read("xl/_rels/workbook.xml.rels")
    first: dict[str, str] = {}
    targets: dict[str, str] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if local == "sheet" and not first:
            first["id"] = attributes.get(f"{_RELATIONSHIPS} id", "")
        elif local == "Relationship":
            targets[attributes.get("Id", "")] = attributes.get("Target", "")

    for data in (workbook, relations):
        parser = _parser(start)
        parser.Parse(data, True)
    target = targets[first["id"]]
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _parser(start: Callable[[str, dict[str, str]], None]) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_doctype(*_args: object) -> None:
        raise ValueError("a DTD in a workbook")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.StartElementHandler = start
    return parser


# The sheet as Excel and openpyxl write it: every row and cell carries its reference
# first, cells carry only the attributes the format defines for them, and there are no comments,
# CDATA sections, DTDs or prefixed row and cell elements. Such XML is judged by these patterns, at
# C speed, in about a third of the time the parser's callbacks take (10 million elements in a
# 100,000-row SIASN export); anything else goes through the parser, element by element.
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[0-9]{1,7}"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*/?>)[\s/>]')
_ODD_ROW = re.compile(rb'<row(?! r="[0-9]{1,7}"[\s/>])[\s/>]')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
_CARRY_LIMIT = 1 << 20


def _scan_plain(sheet: IO[bytes], budget: int) -> bool:
    """Judge a plainly written sheet (see above) without a callback per element; False, with
    nothing decided, when the sheet is not written plainly. Well-formedness is left to the
    reader then: a plain sheet holds no construct that could hide a cell from these patterns."""
    rows = columns = cells = 0
    carry = b""
    while chunk := sheet.read(1 << 22):
        data = carry + chunk
        # A tag is never cut in two: whatever follows the last "<" waits for the next chunk.
        cut = data.rfind(b"<")
        data, carry = (data, b"") if cut < 0 else (data[:cut], data[cut:])
        if len(carry) > _CARRY_LIMIT:
            return False
        if not _plain(data):
            return False
        cells += data.count(b'<c r="')
        numbers = {int(number) for number in _ROW_NUMBER.findall(data)}
        numbers |= {int(number) for number in set(_CELL_ROW.findall(data))}
        letters = set(_CELL_COLUMN.findall(data))
        rows = max(rows, *numbers) if numbers else rows
        if letters:
            columns = max(columns, *(_column_number(each.decode()) for each in letters))
        if rows * columns > budget or cells > budget:
            raise SheetTooLarge(_too_large(budget))
    return not carry or _plain_tail(carry)


def _plain(data: bytes) -> bool:
    return not (
        b"<!" in data or _PREFIXED.search(data) or _ODD_CELL.search(data) or _ODD_ROW.search(data)
    )


def _plain_tail(tail: bytes) -> bool:
    """The sheet's last tag (its closing </worksheet>) holds no cell."""
    return _plain(tail) and not tail.startswith((b"<c", b"<row"))


def _scan(sheet: IO[bytes], budget: int) -> None:
    """Rows and cells may omit their reference ("r"): they then follow the one before. A cell's
    reference places it whatever row it sits in, as the reader places it."""
    reach = {"row": 0, "column": 0, "rows": 0, "columns": 0, "cells": 0}

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if local == "row":
            reach["row"] = int(attributes.get("r") or reach["row"] + 1)
            reach["column"] = 0
        elif local == "c":
            reference = attributes.get("r", "")
            match = _REFERENCE.match(reference)
            if reference and not match:
                # The reader aborts the whole process on a reference like "DDDDDDDDDDDD1".
                raise ValueError("a cell reference that is none")
            reach["column"] = _column_number(match.group(1)) if match else reach["column"] + 1
            if match:
                reach["rows"] = max(reach["rows"], int(match.group(2)))
            reach["cells"] += 1
        else:
            return
        reach["rows"] = max(reach["rows"], reach["row"])
        reach["columns"] = max(reach["columns"], reach["column"])
        if reach["rows"] * reach["columns"] > budget or reach["cells"] > budget:
            raise SheetTooLarge(_too_large(budget))

    parser = _parser(start)
    while chunk := sheet.read(READ_BYTES):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
