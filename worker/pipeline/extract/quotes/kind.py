"""Step 5, kind: ``direct`` (a quote standing as a statement), ``partial`` (a quoted fragment inside
reported speech), ``term`` (a short quoted noun phrase without a cue: scare quotes, titles) and the span
of an ``indirect`` quote (the clausal complement of a speech verb, or the clause with "according to X")."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.marks import Segment
from worker.pipeline.extract.quotes.rules import MAX_TERM_TOKENS, REPORTING_VERBS, SUBJECT_DEPS, TERM_CUES


def is_standalone(doc: Doc, text: str, seg: Segment, lo: int, hi: int, sent: Span) -> bool:
    """The quote stands as a statement: it opens its sentence or paragraph, or follows "said:"/"said,"."""
    if seg.continues:
        return True
    before = text[sent.start_char : seg.start].rstrip("“\"‘' \t")
    para = text.rfind("\n", 0, seg.start)
    if para >= sent.start_char or before.strip() == "":
        return True
    last = before.rstrip()[-1:]
    first = text[seg.start : seg.start + 1]
    if last == ":":
        return True
    if last == "," and first.isupper():
        return True
    words = before.split()
    return bool(words) and words[-1].lower() == "that" and first.isupper() and hi - lo >= 6


def quote_kind(doc: Doc, lo: int, hi: int, cue: Cue | None, standalone: bool, seg: Segment) -> str:
    n = sum(1 for i in range(lo, hi) if not doc[i].is_punct)
    has_verb = any(doc[i].pos_ in ("VERB", "AUX") for i in range(lo, hi))
    prev = doc[lo - 2] if lo >= 2 else None  # lo - 1 is the opening mark
    short_phrase = n <= MAX_TERM_TOKENS and not has_verb and prev is not None
    if (
        short_phrase
        and prev is not None
        # after "so-called"/"dubbed", or after a determiner when no speech cue governs the phrase
        and (prev.lower_ in TERM_CUES or (prev.dep_ == "det" and n <= 3 and not standalone and cue is None))
    ):
        return "term"
    if standalone and (has_verb or n >= 4 or cue is not None or seg.continues):
        return "direct"
    if cue is None and n <= MAX_TERM_TOKENS + 1:
        return "term"
    return "partial"


def indirect_span(doc: Doc, cue: Cue, in_quote: list[bool], text: str | None = None) -> tuple[int, int] | None:
    token = cue.token
    if token.pos_ == "NOUN":
        return None  # a nominal cue ("Trump's claim that ...") marks quoted words, not a reported clause
    text = doc.text if text is None else text
    para_lo = text.rfind("\n", 0, token.idx) + 1
    para_hi = text.find("\n", token.idx)
    para_hi = len(text) if para_hi < 0 else para_hi
    if token.lower_ == "according":
        sent = token.sent
        s_lo, s_hi = sent.start, sent.end
        while s_lo < token.i and doc[s_lo].idx < para_lo:
            s_lo += 1
        while s_hi > token.i + 1 and doc[s_hi - 1].idx >= para_hi:
            s_hi -= 1
        prep = token if token.dep_ == "prep" else token.head if token.head.dep_ == "prep" else token
        skip_lo, skip_hi = prep.left_edge.i, prep.right_edge.i
        if skip_lo <= s_lo:
            lo, hi = skip_hi + 1, s_hi
        elif skip_hi >= s_hi - 2:
            lo, hi = s_lo, skip_lo
        elif _opens_clause(doc, prep):
            lo, hi = skip_hi + 1, prep.head.right_edge.i + 1  # "..., because, according to X, the press would ..."
        else:
            return None
    elif token.lower_ in REPORTING_VERBS:
        comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if comp is None:
            before = _report_before(doc, cue)
            if before is None:
                return None
            lo, hi = before
        else:
            lo, hi = comp.left_edge.i, comp.right_edge.i + 1
        if hi - lo < 3:
            return None
    else:
        return None
    return _trimmed(doc, lo, hi, in_quote, para_lo, para_hi)


def _opens_clause(doc: Doc, prep: Token) -> bool:
    """ "according to X" opens the clause of the verb it hangs on (after its conjunction or commas)."""
    head = prep.head
    if head.pos_ not in ("VERB", "AUX") or head.i < prep.i:
        return False
    return all(doc[i].is_punct or doc[i].dep_ in ("mark", "cc") for i in range(head.left_edge.i, prep.left_edge.i))


def _report_before(doc: Doc, cue: Cue) -> tuple[int, int] | None:
    """A report the attribution follows after a comma: "The service is stretched thin, argued Palvetzian",
    "A girl was pepper-sprayed, police said": the sentence up to that comma; or the whole sentence
    around an attribution set off by commas."""
    token, subj = cue.token, cue.subject
    start = token.i if subj is None or subj.i > token.i else min(token.i, subj.left_edge.i)
    if subj is None or start < 1 or doc[start - 1].text not in (",", "—", "–"):
        return None
    if token.dep_ not in ("parataxis", "ccomp", "advcl", "conj", "ROOT") or any(
        c.dep_ in ("dobj", "xcomp") and c.i != subj.i for c in token.children
    ):
        return None
    end = max(token.i, subj.right_edge.i) + 1
    if end < token.sent.end - 3 and doc[end].text == "," and not any(t.is_quote for t in doc[end : token.sent.end]):
        return token.sent.start, token.sent.end  # "Otherwise, she said, countries may ...": the whole sentence
    if not any(t.dep_ in SUBJECT_DEPS for t in doc[token.sent.start : start - 1]):
        return None  # "Fueled by frustration, Trump explained ...": an adjunct, not a clause anyone reports
    return token.sent.start, start - 1


def _trimmed(doc: Doc, lo: int, hi: int, in_quote: list[bool], para_lo: int, para_hi: int) -> tuple[int, int] | None:
    while lo < hi and doc[lo].idx < para_lo:
        lo += 1
    while hi > lo and doc[hi - 1].idx >= para_hi:
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].lower_ == "that"):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    if hi - lo < 3:
        return None
    inside = sum(1 for i in range(lo, hi) if in_quote[i])
    if inside > (hi - lo) / 2:
        return None  # the complement is a direct quote
    if not any(doc[i].pos_ in ("VERB", "AUX") for i in range(lo, hi)):
        return None
    return doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
