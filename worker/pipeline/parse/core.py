"""Entry point of the parse stage: bytes and a file name in, a ParsedArticle out."""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

from worker.pipeline.parse.model import BadInput, Block, ParsedArticle

MAX_CONTROL_RATIO = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def parse_document(raw: bytes, filename: str) -> ParsedArticle:
    text, encoding = decode(raw)
    text = normalize_whitespace(text)
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]
    if not paragraphs:
        raise BadInput("no text: the file holds only white space")
    title = paragraphs[0] if _looks_like_headline(paragraphs[0]) else None
    body = paragraphs[1:] if title else paragraphs
    clean, blocks = assemble(body)
    return ParsedArticle(
        format="txt",
        encoding=encoding,
        text=clean,
        blocks=blocks,
        title=title,
        sources={"title": "header"} if title else {},
    )


def decode(raw: bytes) -> tuple[str, str]:
    if not raw:
        raise BadInput("empty file")
    if b"\x00" in raw[:8192]:
        raise BadInput("binary file: NUL bytes found, not a text article")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise BadInput("undecodable bytes: no text encoding fits this file")
    text = str(best)
    if len(_CONTROL.findall(text)) > MAX_CONTROL_RATIO * max(len(text), 1):
        raise BadInput(f"binary file: decoded as {best.encoding} it is mostly control characters")
    return text, best.encoding


def normalize_whitespace(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


def _looks_like_headline(line: str) -> bool:
    return "\n" not in line and len(line) <= 200 and not line.rstrip().endswith((".", '"', "”"))


def assemble(chunks: list[str]) -> tuple[str, list[Block]]:
    """Join paragraphs with blank lines and record each one's offsets in the result."""
    blocks: list[Block] = []
    parts: list[str] = []
    pos = 0
    for chunk in chunks:
        chunk = " ".join(chunk.split("\n"))
        if parts:
            parts.append("\n\n")
            pos += 2
        blocks.append(Block("paragraph", pos, pos + len(chunk), chunk))
        parts.append(chunk)
        pos += len(chunk)
    return "".join(parts), blocks
