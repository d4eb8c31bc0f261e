"""Entry point of the parse stage: bytes and a file name in, a ParsedArticle out.

``parse_document`` is pure and fast: no database, network or spaCy. It raises ``BadInput`` (and nothing else)
for files that can never become an article; see ``formats`` for the accepted JSON fields.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from pathlib import PurePath

from worker.pipeline.parse import formats
from worker.pipeline.parse.boilerplate import strip_markup
from worker.pipeline.parse.decode import decode, normalize, sniff_binary
from worker.pipeline.parse.model import BadInput, ParsedArticle
from worker.pipeline.parse.text import Hints, parse_text

UNSUPPORTED_EXT = {
    "pdf": "PDF document",
    "doc": "Word document",
    "docx": "Word document",
    "odt": "OpenDocument text",
    "rtf": "RTF document",
    "xls": "spreadsheet",
    "xlsx": "spreadsheet",
    "ppt": "presentation",
    "pptx": "presentation",
    "zip": "ZIP archive",
    "gz": "gzip archive",
    "tar": "tar archive",
    "7z": "7-Zip archive",
    "rar": "RAR archive",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "gif": "image",
    "webp": "image",
    "bmp": "image",
    "tif": "image",
    "tiff": "image",
    "svg": "image",
    "heic": "image",
    "mp3": "audio",
    "wav": "audio",
    "mp4": "video",
    "mov": "video",
    "epub": "e-book",
    "exe": "executable",
    "bin": "binary file",
    "csv": "CSV table",
    "tsv": "TSV table",
}
MIN_WORDS = 3  # below this a file is a fragment (one byte, a word, a name), not an article


def parse_document(raw: bytes, filename: str) -> ParsedArticle:
    try:
        return _parse(raw, filename)
    except BadInput:
        raise
    except RecursionError:
        raise BadInput("document nested too deeply to parse") from None
    except Exception as exc:  # never let a malformed file crash the worker with anything but BadInput
        raise BadInput(f"unreadable document ({type(exc).__name__}: {exc})"[:300]) from exc


def _parse(raw: bytes, filename: str) -> ParsedArticle:
    ext = PurePath(filename or "").suffix.lower().lstrip(".")
    if raw and sniff_binary(raw) is None and ext in UNSUPPORTED_EXT and b"\x00" in raw[:4096]:
        raise BadInput(f"unsupported file type .{ext} ({UNSUPPORTED_EXT[ext]}): only txt, md, html, json and eml")
    text, encoding = decode(raw)
    fmt = formats.sniff(text, ext)
    if fmt == "txt":
        _refuse_broken_json(text, ext)
        _refuse_table(text, ext)
    hints = Hints()
    if fmt == "eml":
        body, is_html = formats.from_email(raw, hints)
        body = normalize(body)
        if is_html:
            body = formats.from_html(body, hints)
        text = body
    elif fmt == "html":
        text = formats.from_html(text, hints)
    elif fmt == "json":
        text = formats.from_json(text, hints)
    text = normalize(text)
    if fmt in ("txt", "md", "json"):
        text = strip_markup(text, hints.removed)
    if fmt == "md":
        text = formats.from_markdown(text, hints)
    if not text.strip():
        raise BadInput("no text: the file holds only white space")
    article = parse_text(text, hints)
    article.format = fmt
    article.encoding = encoding
    if not article.text.strip() and not article.title:
        raise BadInput("no article text: everything in the file is boilerplate (chrome, captions, footers)")
    _check_blocks(article)
    words = len(re.findall(r"\w+", f"{article.title or ''} {article.text}"))
    if words < MIN_WORDS:
        raise BadInput(f"not an article: too short ({words} words; at least {MIN_WORDS} expected)")
    return article


def _refuse_broken_json(text: str, ext: str) -> None:
    """A .json file that starts like JSON but does not parse is a broken export, not prose."""
    if ext == "json" and text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError as exc:
            raise BadInput(f"invalid JSON: {exc}") from None


def _refuse_table(text: str, ext: str) -> None:
    """CSV/TSV and other delimited tables: rows of short cells with a constant column count."""
    lines = [ln for ln in text[:20_000].splitlines() if ln.strip()][:50]
    if ext in ("csv", "tsv") and lines:
        raise BadInput(f"not an article: .{ext} table ({UNSUPPORTED_EXT[ext]}); only txt, md, html, json and eml")
    if len(lines) < 3:
        return
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|")
    except csv.Error:
        return
    rows = list(csv.reader(lines, dialect))
    widths = [len(r) for r in rows]
    width = statistics.mode(widths)
    cells = [len(c) for r in rows for c in r]
    if width >= 2 and widths.count(width) >= 0.9 * len(rows) and statistics.median(cells) < 40:
        raise BadInput(f"not an article: a delimited table ({len(rows)} rows of {width} columns, like CSV)")


def _check_blocks(article: ParsedArticle) -> None:
    for b in article.blocks:
        assert article.text[b.start : b.end] == b.text, "block offsets out of step with the text"
    if article.title:
        article.title = re.sub(r"\s+", " ", article.title).strip()
