"""Loading: read datasheet files (.txt, .md, .pdf) into raw text lines.

PDF text comes from pypdfium2 (PDFium's text layer); nothing here interprets the content.
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
    """A datasheet file's text as lines (1-based numbering = index + 1) and its SHA-256."""

    source: str
    lines: tuple[str, ...]
    sha256: str


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
        text = _pdf_text(data, source)
    else:
        text = _decode_text(data, source)
    lines = split_lines(text)
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


def _pdf_text(data: bytes, source: str) -> str:
    if not data.startswith(b"%PDF"):
        raise DatasheetError(source, "not a PDF file (no %PDF header)")
    import pypdfium2 as pdfium  # lazy: only needed for PDFs

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DatasheetError(source, f"broken PDF ({exc})") from exc
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    text = "\n".join(pages)
    if not text.strip():
        raise DatasheetError(source, "the PDF has no text layer (scanned image?)")
    return text
