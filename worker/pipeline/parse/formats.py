"""Containers to text + hints: Markdown, HTML (trafilatura), JSON (scraper output) and e-mail (RFC 822).

JSON: one article object (or a one-element list, or an object under "article"/"data"/"item"). Field names
accepted, first match wins (case-insensitive):
  title: title, headline, name, og:title
  body: maintext, text, body, content, article_body, articleBody, full_text, description (last resort)
  subtitle: description, subtitle, deck, summary, dek, standfirst
  published: date_publish, published, published_at, publishedAt, datePublished, pubDate, date, created_at, time
  authors: authors, author, byline, creator, writers (string, list of strings, or objects with "name")
  outlet: source_domain, outlet, publisher, source, site_name, siteName, domain (string or object with "name")
  language: language, lang
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from typing import Any

from worker.pipeline.parse.dates import parse_date
from worker.pipeline.parse.metadata import split_names
from worker.pipeline.parse.model import BadInput, RemovedBlock
from worker.pipeline.parse.text import Hints

TEXT_EXT = {"txt", "text", "md", "markdown", "html", "htm", "xhtml", "json", "eml", "msg", ""}
_HTML_SNIFF = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.I | re.S
)
_EMAIL_HEADER = re.compile(
    r"^(?:From|To|Subject|Date|Received|Return-Path|Message-ID|MIME-Version|Delivered-To|"
    r"Content-Type|X-[\w-]+):",
    re.I,
)


def sniff(text: str, ext: str) -> str:
    """The format the content really has; the extension only breaks ties."""
    head = text[:4000].lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped[:1] in "{[":
        try:
            json.loads(text)
            return "json"
        except ValueError:
            pass
    if _HTML_SNIFF.match(head) or (ext in ("html", "htm", "xhtml") and re.search(r"<(?:p|div|body)\b", head, re.I)):
        return "html"
    lines = head.split("\n", 12)[:12]
    headers = [ln for ln in lines if _EMAIL_HEADER.match(ln)]
    if len(headers) >= 3 and _EMAIL_HEADER.match(lines[0]):
        return "eml"
    if ext in ("md", "markdown") or (
        re.search(r"^#{1,3} \S", head, re.M) and re.search(r"\[[^\]]+\]\([^)]+\)|\*\*", head)
    ):
        return "md"
    return "txt"


# ---- Markdown -------------------------------------------------------------------------------------------------
def from_markdown(text: str, hints: Hints) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", line)
        if m:
            heading = _md_inline(m.group(2), hints)
            if m.group(1) == "#" and hints.title is None:
                hints.title = heading
                hints.sources["title"] = "header"
                continue
            hints.headings.add(heading)
            out.extend(["", heading, ""])
            continue
        if re.match(r"^\s*(?:[-*_]\s*){3,}$", line):
            out.append("")
            continue
        line = re.sub(r"^\s*>\s?", "", line)
        line = re.sub(r"^\s*[-*+]\s+", "", line)
        out.append(_md_inline(line, hints))
    return "\n".join(out)


def _md_inline(s: str, hints: Hints) -> str:
    for alt in re.findall(r"!\[([^\]]*)\]\([^)]*\)", s):
        if alt.strip():
            hints.removed.append(RemovedBlock(alt.strip(), "image-alt"))
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", s)
    s = re.sub(r"`([^`]+)`", r"\1", s)
    return s.strip()


# ---- HTML -----------------------------------------------------------------------------------------------------
def from_html(html: str, hints: Hints) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_formatting=False,
        include_links=False,
        favor_precision=True,
    )
    if doc is None:
        raise BadInput("HTML page without readable main content")
    meta: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = meta.get("text") or ""
    if not text.strip():
        raise BadInput("HTML page without readable main content")
    _set(hints, "title", meta.get("title"), "html-meta")
    _set(hints, "subtitle", meta.get("description"), "html-meta")
    date = meta.get("date")
    if date:
        _set(hints, "published", _html_date(html) or date, "html-meta")
    authors = meta.get("author")
    if authors:
        names = [a.strip() for a in re.split(r";|,| and ", authors) if a.strip()]
        hints.authors = [n for n in names if len(n.split()) <= 5 and not re.search(r"\d|@|http", n)]
        if hints.authors:
            hints.sources["authors"] = "html-meta"
    _set(hints, "outlet", meta.get("sitename"), "html-meta")
    lang = meta.get("language")
    if lang:
        hints.language = str(lang).split("-")[0].lower()
        hints.sources["language"] = "html-meta"
    # a description that merely repeats the lead is no deck
    if hints.subtitle and text.strip().startswith(hints.subtitle.strip()[:60]):
        hints.subtitle = None
    return text


def _html_date(html: str) -> str | None:
    """The full timestamp with its offset from article:published_time when the page has one."""
    m = re.search(
        r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|pubdate)["'][^>]*>""",
        html,
        re.I,
    )
    if m:
        c = re.search(r"""content=["']([^"']+)["']""", m.group(0))
        if c and re.match(r"\d{4}-\d{2}-\d{2}", c.group(1)):
            return _iso(c.group(1))
    m = re.search(r'"datePublished"\s*:\s*"([^"]+)"', html)
    if m and re.match(r"\d{4}-\d{2}-\d{2}", m.group(1)):
        return _iso(m.group(1))
    return None


def _iso(s: str) -> str:
    s = s.strip()
    s = re.sub(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})", r"\1T\2", s)
    s = re.sub(r"\.\d+(?=[Z+-]|$)", "", s)
    s = re.sub(r"Z$", "+00:00", s)
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)
    return s


def _set(hints: Hints, name: str, value: Any, source: str) -> None:
    if isinstance(value, str) and value.strip() and getattr(hints, name) is None:
        setattr(hints, name, re.sub(r"\s+", " ", value).strip())
        hints.sources[name] = source


# ---- JSON -----------------------------------------------------------------------------------------------------
_J_TITLE = ("title", "headline", "name", "og:title")
_J_BODY = ("maintext", "text", "body", "content", "article_body", "articlebody", "full_text", "fulltext", "article")
_J_SUB = ("description", "subtitle", "deck", "summary", "dek", "standfirst", "lead")
_J_DATE = (
    "date_publish",
    "published",
    "published_at",
    "publishedat",
    "datepublished",
    "pubdate",
    "publish_date",
    "date",
    "created_at",
    "time",
    "date_published",
)
_J_AUTH = ("authors", "author", "byline", "creator", "writers", "by")
_J_OUTLET = ("source_domain", "outlet", "publisher", "source", "site_name", "sitename", "domain", "site")
_J_LANG = ("language", "lang")


def from_json(text: str, hints: Hints) -> str:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadInput(f"invalid JSON: {exc}") from None
    obj = _article_object(data)
    if obj is None:
        raise BadInput("JSON holds no article object (expected fields like title and text/maintext/body)")
    low = {str(k).lower(): v for k, v in obj.items()}

    def first(keys: tuple[str, ...]) -> Any:
        for k in keys:
            v = low.get(k)
            if v not in (None, "", [], {}):
                return v
        return None

    body = first(_J_BODY)
    if isinstance(body, list):
        body = "\n\n".join(str(p) for p in body if isinstance(p, str | int | float))
    if isinstance(body, dict):
        body = first(("text",)) or None
    if not isinstance(body, str) or not body.strip():
        desc = first(_J_SUB)
        if isinstance(desc, str) and desc.strip():
            body = desc
        else:
            raise BadInput("JSON article has no body text (maintext/text/body/content)")
    title = first(_J_TITLE)
    _set(hints, "title", title if isinstance(title, str) else None, "json")
    sub = first(_J_SUB)
    if isinstance(sub, str) and not body.strip().startswith(sub.strip()[:60]):
        _set(hints, "subtitle", sub, "json")
    date = first(_J_DATE)
    if isinstance(date, str):
        _set(
            hints, "published", _iso(date) if re.match(r"\d{4}-\d{2}-\d{2}", date.strip()) else parse_date(date), "json"
        )
    elif isinstance(date, int | float) and 0 < date < 4e12:
        import datetime as dt

        ts = date / 1000 if date > 1e11 else date
        hints.published = dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()
        hints.sources["published"] = "json"
    hints.authors = _names(first(_J_AUTH))
    if hints.authors:
        hints.sources["authors"] = "json"
    outlet = first(_J_OUTLET)
    if isinstance(outlet, dict):
        outlet = outlet.get("name") or outlet.get("title")
    _set(hints, "outlet", outlet if isinstance(outlet, str) else None, "json")
    lang = first(_J_LANG)
    if isinstance(lang, str) and lang.strip():
        hints.language = lang.strip().split("-")[0].lower()[:3]
        hints.sources["language"] = "json"
    return body


def _article_object(data: Any) -> dict[str, Any] | None:
    for _ in range(3):
        if isinstance(data, list):
            objs = [d for d in data if isinstance(d, dict)]
            if len(objs) != 1:
                if not objs:
                    return None
                raise BadInput(f"JSON holds {len(objs)} objects; one article per file is expected")
            data = objs[0]
        if not isinstance(data, dict):
            return None
        keys = {str(k).lower() for k in data}
        if keys & set(_J_BODY) - {"article"} or (keys & set(_J_TITLE) and keys & set(_J_SUB)):
            return data
        for k in ("article", "data", "item", "result", "document", "doc"):
            inner = data.get(k)
            if isinstance(inner, dict | list):
                data = inner
                break
        else:
            return None
    return data if isinstance(data, dict) else None


def _names(value: Any) -> list[str]:
    items: list[str] = []
    if isinstance(value, str):
        value = re.sub(r"^\s*by\s+", "", value, flags=re.I)
        items = split_names(value) or ([value.strip()] if len(value.split()) <= 4 else [])
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                v = v.get("name") or v.get("title")
            if isinstance(v, str) and v.strip():
                items.append(re.sub(r"^\s*by\s+", "", v.strip(), flags=re.I))
    elif isinstance(value, dict):
        n = value.get("name")
        if isinstance(n, str):
            items = [n.strip()]
    return list(dict.fromkeys(items))


# ---- e-mail ---------------------------------------------------------------------------------------------------
_FWD_MARK = re.compile(
    r"^[ >]*(?:-{3,}\s*Forwarded message\s*-{3,}|Begin forwarded message:|-{3,}\s*Original Message\s*-{3,})"
    r"[ \t]*$",
    re.I | re.M,
)
_INNER_HEADER = re.compile(r"^[ >]*(From|Date|Sent|Subject|To|Cc|Reply-To)\s*:\s*(.*)$", re.I)


def _inner_headers(body: str, hints: Hints) -> str:
    """Read and drop the From/Date/Subject block that opens a forwarded message."""
    lines = body.lstrip("\n").split("\n")
    k = 0
    while k < len(lines) and (m := _INNER_HEADER.match(lines[k])):
        field, value = m.group(1).lower(), m.group(2).strip()
        hints.removed.append(RemovedBlock(lines[k].strip(), "email-chrome"))
        if field == "subject" and value:
            hints.fallback_title = _FWD_SUBJECT.sub("", value).strip() or None
        elif field in ("date", "sent") and value and hints.published is None:
            iso = _mail_date(value)
            if iso:
                hints.published = iso
                hints.sources["published"] = "email"
        elif field == "from" and value:
            name = re.sub(r"\s*<[^>]*>", "", value).strip(" \"'")
            if name and "@" not in name and hints.outlet is None:
                hints.outlet = name
                hints.sources["outlet"] = "email"
        k += 1
    return "\n".join(lines[k:])


def _mail_date(value: str) -> str | None:
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return parse_date(value)


_FWD_SUBJECT = re.compile(r"^\s*(?:(?:fwd?|fw|re|tr|wg|aw)\s*:\s*|\[[^\]]{1,40}\]\s*)+", re.I)


def from_email(raw: bytes, hints: Hints) -> tuple[str, bool]:
    """Body text of the message (or its forwarded article) and whether the body is HTML."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    subject = str(msg.get("subject", "") or "")
    sender = str(msg.get("from", "") or "")
    date_hdr = msg.get("date")
    forwarded = bool(re.match(r"^\s*(?:fwd?|fw)\s*:", subject, re.I))
    body, is_html = _best_part(msg)
    if body is None:
        raise BadInput("e-mail without a text or HTML body")
    fwd = _FWD_MARK.search(body)
    if fwd:
        forwarded = True
        note = body[: fwd.start()].strip()
        if note:
            hints.removed.append(RemovedBlock(note, "forward-note"))
        body = _inner_headers(body[fwd.end() :], hints)
    iso = _mail_date(str(date_hdr)) if date_hdr else None
    if sender:
        name = re.sub(r"\s*<[^>]*>", "", sender).strip(" \"'") or sender
        if forwarded:
            hints.forwarded_by = name
    if forwarded:
        if iso:
            hints.upper_bounds.append(iso)
    elif hints.published is None and iso:
        hints.published = iso
        hints.sources["published"] = "email"
    clean_subject = _FWD_SUBJECT.sub("", subject).strip()
    if clean_subject and hints.title is None and hints.fallback_title is None:
        hints.fallback_title = clean_subject
    if not forwarded and not fwd and sender and hints.outlet is None:
        name = re.sub(r"\s*<[^>]*>", "", sender).strip(" \"'")
        if name and "@" not in name:
            hints.outlet = name
            hints.sources["outlet"] = "email"
    return body, is_html


def _best_part(msg: Message) -> tuple[str | None, bool]:
    if isinstance(msg, EmailMessage):
        body = msg.get_body(preferencelist=("plain", "html"))
        if body is not None:
            content = _content(body)
            if content is not None:
                return content, body.get_content_subtype() == "html"
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            content = _content(part)
            if content is not None:
                return content, part.get_content_subtype() == "html"
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return _best_part(inner[0])
    return None, False


def _content(part: Any) -> str | None:
    try:
        c = part.get_content() if isinstance(part, EmailMessage) else part.get_payload(decode=True)
    except (LookupError, ValueError, AttributeError):
        payload = part.get_payload(decode=True)
        c = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else None
    if isinstance(c, bytes):
        c = c.decode("utf-8", errors="replace")
    return c if isinstance(c, str) else None
