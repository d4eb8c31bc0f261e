"""One ``Entity`` per cluster of spans: mentions as character offsets, named by the fullest form."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from worker.pipeline.extract.entities.spans import Span
from worker.pipeline.extract.model import Entity, Mention


def to_entity(doc: Doc, etype: str, members: list[Span]) -> Entity:
    members = sorted(members, key=lambda s: s.start)
    mentions = [
        Mention(
            doc[s.start].idx,
            doc[s.end - 1].idx + len(doc[s.end - 1]),
            doc[s.start : s.end].text,
            dict(s.attrs) if etype == "person" else {},
        )
        for s in members
    ]
    names = [m.text for m in mentions if "epithet" not in m.attributes] or [m.text for m in mentions]
    return Entity(name=_best_name(etype, names), type=etype, mentions=mentions)


def _best_name(etype: str, texts: list[str]) -> str:
    """The fullest form; a normally cased one over an all-caps one ("WASHINGTON" dateline), then the
    most frequent, then the first."""
    counts = Counter(texts)

    def score(item: tuple[int, str]) -> tuple[bool, int, int, int]:
        n, text = item
        size = len(text.split()) if etype == "person" else len(text)
        return (not text.isupper() or len(text) <= 3, size, counts[text], -n)

    return max(enumerate(texts), key=score)[1]
