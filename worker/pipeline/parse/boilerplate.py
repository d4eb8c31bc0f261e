"""Recognisers for text that is not the story: mailing-list chrome, captions and credits, links, footers."""

from __future__ import annotations

import re

from worker.pipeline.parse.model import RemovedBlock

_CHROME = re.compile(
    r"^(?:\d+\s+(?:views?|new messages?|messages?|replies|repl(?:y|ies)|comments?|shares?)|unread,?|"
    r"skip to (?:first unread message|main content|content|navigation)|reply all|reply to author|reply|forward|"
    r"to|to:?\s*me|cc|bcc|show quoted text|hide quoted text|show original|sign in|"
    r"(?:-+\s*)?forwarded message(?:\s*-+)?|begin forwarded message:?|-{2,}\s*original message\s*-{2,}|"
    r"from:.*|sent:.*|to:.*|cc:.*|subject:.*|date:.*|"
    r"you received this message because you are subscribed to .*|to unsubscribe from this group.*|"
    r"to view this discussion (?:on the web )?visit.*|---+|"
    r"_{3,}|\*{3,}|(?:.* )?\(\d+ (?:days?|hours?|minutes?) ago\).*)$",
    re.I,
)
_RELATED = re.compile(
    r"^(?:earlier|read more|read also|also read|related|related coverage|related articles?|see also|more|more from|"
    r"recommended|watch|listen|click here|opinion|previously|trending|most read|don['’]t miss)\s*(?:[:|>»-]|…)\s*\S.*$",
    re.I,
)
_FOOTER = re.compile(
    r"^(?:subscribe\b.*|sign up\b.*|unsubscribe\b.*|follow (?:us|me|him|her)\b.*|share (?:this|on)\b.*|"
    r"(?:share|tweet|email|print|facebook|twitter|linkedin|whatsapp|pinterest|reddit|copy link|save)"
    r"(?:\s*[|/·•,]\s*(?:share|tweet|email|print|facebook|twitter|linkedin|whatsapp|pinterest|reddit|copy link|save))*|"
    r"(?:©|copyright\b|\(c\)\s*\d{4}).{0,200}|all rights reserved\.?|advertisement|supported by|"
    r"this (?:article|story) (?:originally )?appeared (?:on|in)\b.*|get (?:the|our) .{0,60}newsletter.*|"
    r".{0,80}\bnewsletter\b.{0,80}\b(?:sign up|subscribe|inbox)\b.*|"
    r".{0,80}\b(?:sign up|subscribe)\b.{0,80}\bnewsletter\b.*|"
    r"view in (?:your )?browser|"
    r"manage (?:your )?(?:subscriptions?|preferences)|privacy policy.*|terms of (?:use|service).*)$",
    re.I,
)
# "Haiyun Jiang/The New York Times", "(REUTERS)", "(AP Photo/Evan Vucci)", "Photo: Getty Images", "Credit: ..."
_CREDIT_TAIL = re.compile(
    r"(?:(?:^|[\s.)])(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+\s*/\s*(?:The\s+)?[A-Z][\w&.]*(?:\s+[A-Z][\w&.]*){0,4}"
    r"|\(\s*(?:REUTERS|Reuters|AFP|AP|UPI|EPA|Getty(?: Images)?|AP Photo[^)]*|[A-Z][\w .'’-]*/"
    r"(?:AFP|Reuters|AP|Getty Images"
    r"|EPA|Bloomberg)[^)]*|Photo(?:graph)?:?[^)]*|Image:?[^)]*|File photo[^)]*)\s*\)"
    r"|(?:Photo(?:graph)?|Image|Credit|Photo credit|Illustration|Video)\s*(?:by|:)\s*.{2,80}"
    r"|\bGetty Images(?: for [\w ]+)?|\bShutterstock|\bAlamy(?: Stock Photo)?)\s*\.?$"
)
# Page furniture inside the body: a pointer past an ad or a break, never a sentence of the story.
# "Article Continued Below", "Story continues below advertisement", "Continue reading the main story",
# "Advertisement - scroll to continue", "(Story continues below)", "Sponsored content", "Ad Feedback".
_FURNITURE = re.compile(
    r"^[\[(]?\s*(?:(?:the\s+)?(?:article|story|content|text|post|report|page|reading)\s+continu(?:es|ed|ing)\b"
    r"(?:\s+(?:below|after|on|under|underneath|beneath|here|following))?(?:\s+(?:the|this))?"
    r"(?:\s+(?:advertisement|advert|ad|ads|video|image|photo|gallery|break|page|sponsored\s+content))?"
    r"|continue\s+reading\b.{0,40}|(?:advertisement|advert|ad|sponsored|sponsored content|paid content|"
    r"partner content|ad feedback|scroll to continue(?: with content)?|skip advertisement|"
    r"report an (?:error|ad|issue)|editorial standards|trending now)"
    r"(?:\s*[-–—:|]\s*(?:scroll|story|article|continue|skip)\b.{0,40})?)\s*[\])]?\s*[.:…]?$",
    re.I,
)
_ALT_START = re.compile(
    r"^(?:An?|The|Two|Three|Several)?\s*(?:[\w.'’-]+\s+){0,10}(?:standing|sitting|walking|speaking|"
    r"shaking|holding|waving|smiling|looking|arriving|gesturing|talking|pictured|seen|posing)\b",
    re.I,
)


def is_chrome(line: str) -> bool:
    return len(line) <= 200 and bool(_CHROME.match(line.strip()))


def is_related(line: str) -> bool:
    return len(line) <= 250 and bool(_RELATED.match(line.strip()))


def is_footer(line: str) -> bool:
    return len(line) <= 300 and bool(_FOOTER.match(line.strip()))


def has_photo_credit(line: str) -> bool:
    """A caption ends in a credit: a "Name/Outlet" pair, a bracketed agency, "Photo: ...", a picture agency."""
    line = line.strip()
    if len(line) > 600:
        return False
    m = _CREDIT_TAIL.search(line)
    if not m:
        return False
    tail = m.group(0)
    if "/" in tail and "(" not in tail:
        # "and/or", "24/7", urls are not credits; the part before the slash must be a capitalised name
        before = re.split(r"[\s.]+", line[: line.rfind("/")])
        if len(before) < 2 or not all(w[:1].isupper() for w in before[-2:]) or "://" in line:
            return False
    return True


def is_furniture(line: str) -> bool:
    """A pointer past an ad or a page break inside the story ("Story continues below advertisement")."""
    return len(line) <= 120 and bool(_FURNITURE.match(line.strip()))


def looks_like_alt_text(line: str) -> bool:
    """A short descriptive sentence about a picture: "X shaking hands with Y. They're standing in front of flags."."""
    return len(line) <= 300 and bool(_ALT_START.match(line))


def strip_credit(line: str) -> tuple[str, str | None]:
    m = _CREDIT_TAIL.search(line)
    if not m:
        return line, None
    return line[: m.start()].rstrip(), m.group(0).strip()


# an element with attributes left in a plain-text export (an embedded post: <tweet author="@x" datetime="...">)
_OPEN_TAG = re.compile(r"""<([A-Za-z][\w:-]*)(?:\s+[\w:-]+\s*=\s*(?:"[^"<>]{0,300}"|'[^'<>]{0,300}'))+\s*/?>""")


def strip_markup(text: str, removed: list[RemovedBlock]) -> str:
    """Drops the tags of elements that carry attributes, and their closing tags, keeping the text inside: the
    attribute values are no story text, and their quotation marks would read as quotes. Each opening tag
    dropped is recorded (reason "markup")."""
    names = {m.group(1) for m in _OPEN_TAG.finditer(text)}
    if not names:
        return text
    removed.extend(RemovedBlock(" ".join(m.group().split()), "markup") for m in _OPEN_TAG.finditer(text))
    alternatives = "|".join(re.escape(n) for n in sorted(names))
    closing = re.compile(rf"</?(?:{alternatives})\s*/?>")
    return closing.sub("", _OPEN_TAG.sub("", text))
