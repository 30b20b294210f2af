"""Reading spreadsheets exported as CSV: size and type checks, header checks, line numbers.

Imports are all-or-nothing: `CsvRows` collects every bad row with its line number and the
caller raises `ImportRejected` before anything is written.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from collab.core.errors import ValidationFailed


@dataclass
class RowError:
    line: int
    reason: str


class ImportRejected(ValidationFailed):
    """Nothing was imported; `rows` lists every bad line."""

    def __init__(self, message, rows: list[RowError]):
        super().__init__(message, errors={"rows": [{"line": r.line, "reason": str(r.reason)} for r in rows]})
        self.rows = rows


@dataclass
class CsvRows:
    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError] = field(default_factory=list)

    def error(self, line: int, reason) -> None:
        self.errors.append(RowError(line, reason))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ImportRejected(_l("Nothing was imported: %(n)d row(s) have problems.", n=len(self.errors)),
                                 self.errors)


def read_csv(data: bytes, required: list[str], *, max_bytes: int) -> CsvRows:
    """Parse CSV bytes (UTF-8, comma or semicolon separated) into (line number, row) pairs.

    Refuses: empty or oversized files, binary content, missing columns.
    """
    if not data:
        raise ValidationFailed(_l("The file is empty."))
    if len(data) > max_bytes:
        raise ValidationFailed(_l("The file is too large (at most %(kb)d KB).", kb=max_bytes // 1024))
    if b"\x00" in data[:4096]:
        raise ValidationFailed(_l("This is not a CSV file. Save the spreadsheet as CSV (UTF-8) and try again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValidationFailed(_l("The file is not readable text. Save it as CSV (UTF-8).")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(_l("Missing column(s): %(cols)s. Expected columns: %(expected)s.",
                                  cols=", ".join(missing), expected=", ".join(required)))
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            cleaned = {k: (v or "").strip() for k, v in row.items() if k is not None}
            if any(cleaned.values()):
                rows.append((reader.line_num, cleaned))
    except csv.Error as exc:
        raise ValidationFailed(_l("The CSV file is malformed near line %(line)d.", line=reader.line_num)) from exc
    if not rows:
        raise ValidationFailed(_l("The file has no data rows."))
    return CsvRows(rows)
