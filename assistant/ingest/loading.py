"""Loading: read datasheet files (.txt, .md, .pdf) into raw text lines.

Text files are read as they are. PDFs are read with their layout (:mod:`.pdf`: pypdfium2
for the text layer, pdfplumber for positions, fonts and tables): lines in reading order,
blank lines at paragraph gaps, table rows as tab-separated cells, and for every line its
page, line on the page and whether it is set as a heading. Nothing here interprets the
content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".txt", ".md", ".pdf")


class DatasheetError(Exception):
    """A datasheet file that cannot be read: carries the file and a reason for people."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class RawFile:
    """A datasheet file's text as lines (1-based numbering = index + 1) and its SHA-256.

    For a PDF, ``pages``, ``page_lines`` and ``headings`` are aligned with ``lines``: the
    1-based page of each line, its 1-based line on that page (0 for a blank line marking a
    paragraph break) and whether the PDF sets it as a heading. They are empty for text files.
    """

    source: str
    lines: tuple[str, ...]
    sha256: str
    pages: tuple[int, ...] = ()
    page_lines: tuple[int, ...] = ()
    headings: tuple[bool, ...] = ()

    def place(self, number: int) -> tuple[int, int, bool]:
        """``(page, page_line, heading)`` of line ``number`` (1-based); ``(0, 0, False)``
        for a text file."""
        if not self.pages or not 1 <= number <= len(self.pages):
            return (0, 0, False)
        index = number - 1
        return (self.pages[index], self.page_lines[index], self.headings[index])


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The datasheet files of a corpus folder (recursively), sorted; other files are ignored.

    Raises FileNotFoundError when the folder does not exist.
    """
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    return sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (used for the index manifest and incremental builds)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_file(path: Path, source: str | None = None) -> RawFile:
    """Read one datasheet file into lines.

    ``source`` is the name recorded in citations (default: the path as given).
    Text files are UTF-8 (or UTF-16 with a byte-order mark).
    Raises :class:`DatasheetError` for an empty, binary, undecodable or text-less file.
    """
    source = source or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasheetError(source, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise DatasheetError(source, "the file is empty")
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".pdf":
        return _load_pdf(data, source, sha)
    lines = split_lines(_decode_text(data, source))
    if not any(line.strip() for line in lines):
        raise DatasheetError(source, "no text found")
    return RawFile(source=source, lines=lines, sha256=sha)


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as an editor, ``grep -n`` and ``sed -n`` number them: only ``\\n``, ``\\r\\n``
    and ``\\r`` end a line. (``str.splitlines`` also breaks at form feeds, which text
    converted from PDFs has at every page break, and at U+0085/U+2028, shifting the line
    numbers that citations give.)"""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return tuple(lines)


def _decode_text(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark (Notepad's "Unicode")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DatasheetError(
                source, f"not valid UTF-16 text (undecodable bytes at offset {exc.start})"
            ) from exc
    if b"\x00" in data[:8192]:
        raise DatasheetError(source, "binary file, not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasheetError(
            source, f"not valid UTF-8 text (undecodable byte at offset {exc.start})"
        ) from exc


def _load_pdf(data: bytes, source: str, sha: str) -> RawFile:
    from .pdf import PdfUnreadable, read_pdf  # lazy: pdfplumber only for PDFs

    try:
        lines = read_pdf(data)
    except PdfUnreadable as exc:
        raise DatasheetError(source, exc.reason) from exc
    if not any(line.text.strip() for line in lines):
        raise DatasheetError(source, "the PDF has no text layer (scanned image?)")
    return RawFile(source=source, lines=tuple(l.text for l in lines), sha256=sha,
                   pages=tuple(l.page for l in lines), page_lines=tuple(l.page_line for l in lines),
                   headings=tuple(l.heading for l in lines))
