"""Step 3, speakers: a quote paragraph with no cue, right after a paragraph that introduces a person ("Darin
Schroeder, of the American Bird Conservancy, agreed with the decision. / “We are gratified ...”"): that
person speaks, not the last speaker of the article."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc

from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.marks import Segment

if TYPE_CHECKING:
    from worker.pipeline.extract.quotes.speakers import Resolver


def lead_in(doc: Doc, text: str, seg: Segment, resolver: Resolver) -> Cue | None:
    """The person who is the main subject of the paragraph before, when that paragraph is one sentence that quotes
    nobody (its own cue, if any, was already tried) and the quote opens its own paragraph."""
    opening = text.rfind("\n", 0, seg.start) + 1
    if text[opening : seg.start].strip(" “\"'‘") or seg.continues:
        return None
    closing = text.find("\n", seg.end)
    after = resolver.tokens(seg.end, len(text) if closing < 0 else closing)
    if any(doc[i].is_alpha and not resolver.in_quote[i] for i in range(*after)):
        return None  # “...,” the Rev. Larry Kroon said: a paragraph that names its own speaker
    end = len(text[:opening].rstrip())
    if end == 0:
        return None
    lo, hi = resolver.tokens(text.rfind("\n", 0, end) + 1, end)
    if hi <= lo or any(doc[i].is_quote or resolver.in_quote[i] for i in range(lo, hi)):
        return None
    if any(doc[i].is_sent_start for i in range(lo + 1, hi)):
        return None  # more than one sentence: a narrative, not an introduction
    # the paragraph's own clause, where the parse ran the paragraph before into it
    heads = [t for t in doc[lo:hi] if not lo <= t.head.i < hi or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    if len(verbs) != 1:
        return None
    root = verbs[0]
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    n = resolver.ent_of[subj.i] if subj is not None else -1
    if subj is None or n < 0 or resolver.entities[n].type != "person":
        return None
    cue = Cue(root, root.idx + len(root), subj)
    resolver.resolve(cue, record=False)
    if cue.speaker is None or not cue.is_person:
        return None
    resolver.history.append(cue)
    return cue
