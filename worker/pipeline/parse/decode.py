"""Bytes to clean Unicode: type sniffing, encoding detection, mojibake repair, whitespace normalisation."""

from __future__ import annotations

import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad

from worker.pipeline.parse.model import BadInput

MAX_BYTES = 10 * 1024 * 1024  # an article is a few kB; 10 MB is a dump, not an article
MAX_CONTROL_RATIO = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=True, normalization="NFC", explain=False)

# magic numbers of formats that are not articles we can read
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"{\\rtf", "RTF document"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", ""),  # too short to trust alone; see _sniff_binary
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"BZh", ""),
    (b"\x7fELF", "executable"),
    (b"MZ", ""),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x00", "binary media file"),
]
_RIFF = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}


def sniff_binary(raw: bytes) -> str | None:
    """Name of a known non-text format the bytes start with, else None."""
    for magic, name in _MAGIC:
        if name and raw.startswith(magic):
            return name
    if raw.startswith(b"RIFF") and raw[8:12] in _RIFF:
        return _RIFF[raw[8:12]]
    if raw[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    return None


def decode(raw: bytes) -> tuple[str, str]:
    """Decoded text and the encoding used; BadInput for empty, binary or undecodable bytes."""
    if not raw or not raw.strip():
        raise BadInput("empty file: no text to parse")
    if len(raw) > MAX_BYTES:
        raise BadInput(f"file too large for an article: {len(raw)} bytes (limit {MAX_BYTES})")
    kind = sniff_binary(raw)
    if kind:
        raise BadInput(f"unsupported file type: {kind}, not a text article")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            try:
                return _check(raw.decode(enc), enc), enc
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        return utf16
    if b"\x00" in raw[:8192]:
        raise BadInput("binary file: NUL bytes found, not a text article")
    try:
        return _check(raw.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text, enc = _decode_legacy(raw)
    return _check(text, enc), enc


def _decode_legacy(raw: bytes) -> tuple[str, str]:
    # mostly UTF-8 with a few cp1252 bytes (pasted from two places): decode line by line
    lines = raw.split(b"\n")
    bad = 0
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            bad += 1
            out.append(line.decode("cp1252", errors="replace"))
    has_utf8 = re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw) is not None
    if has_utf8 and bad < len(lines):
        return "\n".join(out), "utf-8+cp1252"
    enc = _legacy_encoding(raw[:200_000])
    if enc is not None:
        try:
            return raw.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise BadInput("undecodable bytes: no text encoding fits this file") from None


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte order mark: one byte of each pair is NUL for Latin text."""
    sample = raw[:8192]
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4:
        return None
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) > 0.3 * len(zeros) and other.count(0) < 0.05 * len(other):
            try:
                text = raw[: len(raw) // 2 * 2].decode(enc)
            except UnicodeDecodeError:
                return None
            return _check(text, enc), enc
    return None


# Western European legacy encodings; cp1252 is the superset for the printable range (curly quotes, dashes)
_WESTERN = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"}
_WESTERN_EXTRA = set("‘’‚“”„–—…•€£¥°«»§©®™¡¿·¢¤¦¨ª¬¯±²³´µ¶¸¹º¼½¾ \u00a0")


def _legacy_encoding(raw: bytes) -> str | None:
    """The legacy encoding of bytes that are not UTF-8. charset-normalizer ranks candidates, but
    it often ties Western text between cp1252 and cp1250/cp775/cp1257 (or has no language evidence
    at all for short text) and then picks another code page ("café" -> "cafķ"): on a tie, or
    without evidence, Western text that reads plausibly as cp1252 is cp1252."""
    results = from_bytes(raw)
    best = results.best()
    if best is None or not best.encoding:
        return "cp1252" if _plausible_cp1252(raw) else None
    if best.encoding in _WESTERN:
        return "cp1252"
    tied = best.coherence == 0 or any(
        m.encoding in _WESTERN and m.chaos <= best.chaos and m.coherence >= best.coherence - 0.03 for m in results
    )
    return "cp1252" if tied and _plausible_cp1252(raw) else str(best.encoding)


def _plausible_cp1252(raw: bytes) -> bool:
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    extra = [c for c in text if ord(c) > 127]
    if any(not (c.isalpha() or c in _WESTERN_EXTRA) for c in extra):
        return False
    letters = sum(c.isalpha() for c in text)
    accented = sum(c.isalpha() for c in extra)
    return accented <= 0.3 * max(letters, 1)  # Cyrillic or Greek read as cp1252 is all accented letters


def _check(text: str, encoding: str) -> str:
    sample = text[:100_000]
    controls = len(_CONTROL.findall(sample))
    if controls > MAX_CONTROL_RATIO * max(len(sample), 1) + 2:
        raise BadInput(f"binary file: decoded as {encoding} it is mostly control characters")
    if "\ufffd" in sample and sample.count("\ufffd") > 0.05 * len(sample):
        raise BadInput(f"undecodable bytes: too many invalid characters for {encoding}")
    return text


def normalize(text: str) -> str:
    """Repair mojibake, NFC, unify line breaks and spaces; curly quotes are kept as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) < 2_000_000 and is_bad(text):  # repairing is slow: only when mojibake is there
        text = ftfy.fix_text(text, _FTFY)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
