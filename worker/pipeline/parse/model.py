"""What the parse stage produces: plain dataclasses, no database, no spaCy."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["paragraph", "heading"]


class BadInput(ValueError):
    """The file cannot become an article (empty, binary, unsupported, too large...).

    Permanent: the task records the message and quarantines the file; it is never retried.
    """


@dataclass(frozen=True)
class Block:
    """A heading or paragraph of the clean text; ``text == article.text[start:end]``."""

    kind: BlockKind
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RemovedBlock:
    """Text dropped from the body, kept so a user can audit why."""

    text: str
    reason: str  # e.g. "email-chrome", "photo-caption", "author-bio", "related-link", "footer",
    # "furniture" (a pointer past an ad or a page break: "Story continues below advertisement"),
    # "markup" (the opening tag of an embedded post left in a plain-text export),
    # "date-stamp" (a line that is only when the story was published or updated: "Updated 9:03am AEST")


@dataclass
class ParsedArticle:
    format: str  # txt, md, html, json, eml
    encoding: str
    text: str
    blocks: list[Block]
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None  # ISO 8601 date or datetime (with offset when known)
    published_inferred: bool = False
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    outlet: str | None = None
    wire: str | None = None
    dateline: str | None = None
    language: str | None = None
    corrections: list[str] = field(default_factory=list)
    removed: list[RemovedBlock] = field(default_factory=list)
    # field name -> where it came from: "header", "byline", "html-meta", "json", "email", "inferred",
    # "title-suffix", "bio", "dateline", "text", "credit", "stamp" (a date-stamp line at the top)
    sources: dict[str, str] = field(default_factory=dict)
    forwarded_by: str | None = None  # who forwarded/posted the copy (mailing list sender); never an author

    @property
    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
