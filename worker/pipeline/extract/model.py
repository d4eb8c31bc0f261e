"""What the extract stage produces: plain dataclasses, no database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

QuoteKind = Literal["direct", "partial", "indirect", "term"]
# person, organization, place, date, money, quantity, event, work, group, law, product, other
EntityType = str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    # roles and affiliations stated at this mention, e.g. {"role": "Commerce Secretary"}
    attributes: dict[str, str] = field(default_factory=dict)
    in_title: bool = False  # offsets into the headline, not the clean text


@dataclass
class Entity:
    name: str  # the fullest name the article gives
    type: EntityType
    mentions: list[Mention]


@dataclass(frozen=True)
class Quote:
    text: str  # without the enclosing quotation marks
    start: int  # offsets into the clean text, of ``text``
    end: int
    kind: QuoteKind
    speaker: str | None = None  # resolved fullest name, or None when the article gives none
    speaker_start: int | None = None  # the mention that attributes the quote ("he", "Ms. Rollins")
    speaker_end: int | None = None
    cue: str | None = None  # speech verb or "according to"
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_entity: int | None = None  # index into Extraction.entities


@dataclass
class Extraction:
    quotes: list[Quote]
    entities: list[Entity]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
