"""Release files as CMS and NUCC publish them: read bounded, zips opened in place, banner
lines above the header found, the edition read from what the file says about itself.

Every reader of a data set (see `refdata.datasets`) gets a `ReleaseFile` and turns it into
a `ReleaseData`; what is common to them (decoding, finding the header row, the effective
dates in a banner or a name, checking that the last row is whole) lives here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from codefolio.errors import ReferenceDataError
from codefolio.fileio import UnreadableFile, read_limited

Row = tuple[str | int | None, ...]

# Bounds on what an import reads. The largest CMS release file (the HCPCS fixed-width text)
# is under 8 MB, its zip under 10 MB; text compresses at most about 20 to 1 in these files.
MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
MAX_ZIP_MEMBERS = 100
MAX_ZIP_RATIO = 200
MAX_ROWS = 500_000

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_LONG_DATE = rf"({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})"
_BANNER = re.compile(rf"effective\s+{_LONG_DATE}\s+(?:through|to|-)\s+{_LONG_DATE}", re.I)
_NAME_MONTH_YEAR = re.compile(rf"(?<![a-z])({_MONTH})(?![a-z])[\s_-]*(\d{{4}})", re.I)


@dataclass(frozen=True)
class ReleaseFile:
    """One file to read: its bytes and the name it is shown by (`x.zip!member`)."""

    name: str
    data: bytes

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name.split("!")[-1]).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.basename).suffix.lower()

    def fail(self, message: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.name}: {message}")


@dataclass
class ReleaseData:
    """What one release file holds: its data set, edition, dates, and rows per table."""

    dataset: str
    edition: str
    effective_start: date | None
    effective_end: date | None
    tables: dict[str, list[Row]] = field(default_factory=dict)
    title: str = ""

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def read_release_files(path: Path) -> list[ReleaseFile]:
    """The file at `path`, or each member of a `.zip`, read in memory within the bounds."""
    try:
        data = read_limited(path, MAX_FILE_BYTES, noun="release file")
    except (OSError, UnreadableFile) as error:
        raise ReferenceDataError(f"{path}: cannot read: {error}") from None
    if path.suffix.lower() != ".zip":
        return [ReleaseFile(str(path), data)]
    return _zip_members(str(path), data)


def _zip_members(name: str, data: bytes) -> list[ReleaseFile]:
    """Members of a zip, refusing one that would expand beyond the bounds (a zip bomb):
    the sizes it declares are checked first, and each read stops at the bound regardless."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError) as error:
        raise ReferenceDataError(f"{name}: not a readable zip file ({error})") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ReferenceDataError(
            f"{name}: holds {len(infos)} files; a release zip may hold at most {MAX_ZIP_MEMBERS}"
        )
    total = sum(info.file_size for info in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or ratio > MAX_ZIP_RATIO:
            raise ReferenceDataError(
                f"{name}!{info.filename}: expands to {info.file_size:,} bytes from "
                f"{info.compress_size:,} (a zip bomb?); a release file may be at most "
                f"{MAX_MEMBER_BYTES:,} bytes, compressed at most {MAX_ZIP_RATIO} to 1"
            )
    if total > MAX_ZIP_TOTAL_BYTES:
        raise ReferenceDataError(
            f"{name}: expands to {total:,} bytes; a release zip may hold at most "
            f"{MAX_ZIP_TOTAL_BYTES:,}"
        )
    members = []
    for info in infos:
        try:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ReferenceDataError(f"{name}!{info.filename}: cannot read: {error}") from None
        if len(content) != info.file_size:
            raise ReferenceDataError(
                f"{name}!{info.filename}: holds more or fewer bytes than the zip declares"
            )
        members.append(ReleaseFile(f"{name}!{info.filename}", content))
    return members


def decode_text(file: ReleaseFile) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252 as CMS writes its files."""
    try:
        return file.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return file.data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise file.fail(
            f"is neither UTF-8 nor Windows-1252 text (byte {error.start}): not a release file"
        ) from None


def csv_records(file: ReleaseFile) -> list[list[str]]:
    """The records of a CSV release file; a quote left open at the end (a cut download)
    is an error, not a last field."""
    text = decode_text(file)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise file.fail(f"malformed CSV ({error}); the file may be cut off") from None
    if len(records) > MAX_ROWS:
        raise file.fail(f"holds {len(records):,} rows; a release file may hold {MAX_ROWS:,}")
    if text and not text.endswith(("\n", "\r")):
        raise file.fail(
            "does not end with a line break: the last row may be cut off "
            "(an interrupted download?); download the file again"
        )
    return records


def workbook_records(file: ReleaseFile) -> list[list[str]]:
    """The first worksheet's rows as text, numbers written as the sheet shows them (a
    `0.000` format keeps `20.000`, as CMS's csv has it)."""
    from openpyxl import load_workbook  # only a workbook import needs it

    try:
        workbook = load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
        records = [
            [_cell_text(cell.value, getattr(cell, "number_format", "General")) for cell in row]
            for row in workbook.worksheets[0].iter_rows()
        ]
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise file.fail(f"not a readable xlsx workbook ({type(error).__name__})") from None
    if len(records) > MAX_ROWS:
        raise file.fail(f"holds {len(records):,} rows; a release file may hold {MAX_ROWS:,}")
    return records


def _cell_text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = re.search(r"0\.(0+)", number_format or "")
    if decimals:
        return f"{value:.{len(decimals.group(1))}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def squash(text: str) -> str:
    """A header cell compared without case or runs of spaces and line breaks."""
    return " ".join(text.split()).lower()


@dataclass(frozen=True)
class Sheet:
    """A table under its header row: the banner lines above it, the header, the data rows
    (with their 1-based line numbers), blank rows dropped."""

    banner: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def column(self, name: str) -> int:
        wanted = squash(name)
        for index, cell in enumerate(self.header):
            if squash(cell) == wanted:
                return index
        raise ReferenceDataError(f"no column {name!r}")


def find_sheet(
    file: ReleaseFile, records: list[list[str]], first: str, required: tuple[str, ...]
) -> Sheet:
    """The table whose header row starts with a cell matching `first` (a regex, compared
    case-insensitively) and names every `required` column; every data row must be whole."""
    pattern = re.compile(first, re.I)

    def is_header(record: list[str]) -> bool:
        cells = [squash(cell) for cell in record]
        return (
            bool(cells)
            and bool(pattern.fullmatch(cells[0]))
            and all(squash(name) in cells for name in required)
        )

    index = next((i for i, record in enumerate(records[:40]) if is_header(record)), None)
    if index is None:
        raise file.fail(
            f"no header row starting {first!r} with the columns {', '.join(required)} in its "
            "first 40 rows: not this kind of release file"
        )
    header = list(records[index])
    while header and not header[-1].strip():
        header.pop()  # CMS pads its sheets with empty columns
    banner = "\n".join(" ".join(cell for cell in record if cell) for record in records[:index])
    rows: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records[index + 1 :], start=index + 2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            raise file.fail(
                f"row {number} has {len(record)} of the {len(header)} columns"
                + (
                    ": the file is cut off (an interrupted download?); download it again"
                    if number == len(records)
                    else ""
                )
            )
        rows.append((number, record[: len(header)]))
    if not rows:
        raise file.fail("has a header row but no data rows")
    return Sheet(banner, header, rows)


def long_date(month: str, day: str, year: str) -> date:
    return date(int(year), MONTHS[month.lower().rstrip(".")], int(day))


def banner_period(text: str) -> tuple[date, date] | None:
    """`Effective January 1, 2026 through March 31, 2026` in a banner, as two dates."""
    match = _BANNER.search(text)
    if match is None:
        return None
    groups = match.groups()
    return long_date(*groups[:3]), long_date(*groups[3:])


def name_month(name: str) -> tuple[int, int] | None:
    """The (year, month) a CMS file name states: `January 2026 ...`, `HCPC2025_OCT_...`."""
    match = _NAME_MONTH_YEAR.search(name)
    if match is not None:
        return int(match.group(2)), MONTHS[match.group(1).lower()]
    match = re.search(rf"(\d{{4}})_?({_MONTH})(?![a-z])", name, re.I)
    if match is not None:
        return int(match.group(1)), MONTHS[match.group(2).lower()]
    return None


def quarter_of(day: date) -> str:
    return f"{day.year}q{(day.month - 1) // 3 + 1}"


def check_quarter(file: ReleaseFile, start: date, end: date) -> str:
    """The quarter a banner's period is, refusing a period that is not one calendar
    quarter or a file name that states another month."""
    quarter = quarter_of(start)
    if start.day != 1 or start.month % 3 != 1 or quarter_of(end) != quarter or end <= start:
        raise file.fail(
            f"states the period {start.isoformat()} to {end.isoformat()}, which is not one "
            "calendar quarter: the banner is wrong or the file is not a quarterly release"
        )
    check_name_month(file, start)
    return quarter


def check_name_month(file: ReleaseFile, start: date) -> None:
    """Refuse a file whose name states another month and year than its content does."""
    named = name_month(file.basename)
    if named is not None and named != (start.year, start.month):
        raise file.fail(
            f"is named for {named[1]:02d}/{named[0]} but its content is the edition effective "
            f"{start.isoformat()}: a misdated or renamed file; check which edition it is"
        )
