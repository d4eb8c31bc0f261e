"""Step 5, kind: ``direct`` (a quote standing as a statement), ``partial`` (a quoted fragment inside
reported speech), ``term`` (a short quoted noun phrase without a cue: scare quotes, titles) and the span
of an ``indirect`` quote (the clausal complement of a speech verb, or the clause with "according to X")."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.marks import Segment
from worker.pipeline.extract.quotes.names import labels_subject, quoted_name
from worker.pipeline.extract.quotes.rules import (
    MAX_TERM_TOKENS,
    REPORTING_VERBS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    TELLING,
    TERM_CUES,
)
from worker.pipeline.extract.quotes.works import follows_a_work_noun, names_a_work

# what a speech verb's own clause holds when it is no relative clause: its object or complement
COMPLEMENTS = frozenset({"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative", "parataxis"})


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
    if not standalone and (quoted_name(doc, lo, hi) or labels_subject(doc, lo, hi)):
        return "term"  # Adam “Pacman” Jones, "known as the “bagman”", "the “Deep Throat” source": nobody's words
    if standalone and not has_verb and follows_a_work_noun(doc, lo, hi):
        return "term"  # "in her memoir, “Quiet Hands: The Story of X”": a title the parse made a sentence
    if standalone and (has_verb or n >= 4 or cue is not None or seg.continues):
        return "direct"
    if cue is None and n <= MAX_TERM_TOKENS + 1:
        return "term"
    if (cue is None or cue.speaker is None) and not standalone and not has_verb and _named_thing(doc, lo, hi, n):
        # "was criticised for promoting a “Love Won Out Conference”": a name nobody is said to say, no one's words
        return "term"
    if not standalone and names_a_work(doc, lo, hi):
        # "Reid starred in “American Pie”", "her role on “Scrubs”": a title, even with the person's speech nearby
        return "term"
    return "partial"


def _named_thing(doc: Doc, lo: int, hi: int, n: int) -> bool:
    """Two words or more, each capitalized but short function words (an event, a book, a law), that no speech
    verb takes as its object ("protesters chanted “Lock Her Up”" says them)."""
    words = [t for t in doc[lo:hi] if t.is_alpha]
    if n > MAX_TERM_TOKENS or len(words) < 2 or not words[0].text[0].isupper():
        return False
    if not all(t.text[0].isupper() or (t.is_stop and len(t) <= 4) for t in words):
        return False
    inside = [t for t in doc[lo:hi] if not lo <= t.head.i < hi]
    if any(t.head.i >= hi and t.head.pos_ in ("NOUN", "PROPN") for t in inside):
        return False  # a slogan that names a kind of thing ("the “Never Trump” movement") is someone's words
    return not any(t.head.lower_ in SPEECH_VERBS and t.dep_ in ("dobj", "ccomp", "xcomp", "oprd") for t in inside)


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
        # (in the cue's paragraph: a parse that ran the headline into the sentence hangs it on the verb too)
        comps = [c for c in token.children if c.dep_ == "ccomp"]
        comp = next((c for c in comps if para_lo <= c.idx < para_hi), comps[0] if comps else None)
        comp, joined = _past_conjunction(doc, token, comps, comp)
        if comp is not None and _relative_read_as_report(token, comp):
            return None
        head = token.head
        if token.dep_ == "ccomp" and head.lower_ in REPORTING_VERBS and _relative_read_as_report(head, token):
            # the relative clause is its own subject's report: "the campaign estimated (the crowd) at 3,000"
            return _trimmed(doc, token.left_edge.i, token.right_edge.i + 1, in_quote, para_lo, para_hi)
        if comp is None:
            before = _report_before(doc, cue)
            if before is None:
                return None
            lo, hi = before
        else:
            lo, hi = comp.left_edge.i, _listed_after(doc, token, comp) or comp.right_edge.i + 1
            hi = max(hi, joined)
            # "Rubio suggested that ... can't be president, while Cruz said that ...": another report after a
            # comma ends this one
            for c in comp.children:
                own = c.lower_ in REPORTING_VERBS and any(s.dep_ == "nsubj" for s in c.children)
                if c.dep_ == "advcl" and own and lo < c.left_edge.i and doc[c.left_edge.i - 1].text == ",":
                    hi = min(hi, c.left_edge.i - 1)
                if c.dep_ == "conj" and in_quote[lo] and any(s.dep_ in SUBJECT_DEPS for s in c.children):
                    # said: “...,” but in fact Clinton used only one: a clause after the quote the report opens
                    # with closes is the writer's
                    k = c.left_edge.i - 1
                    while k > lo and (doc[k].dep_ == "cc" or doc[k].text == ","):
                        k -= 1
                    if k > lo and doc[k].is_quote:
                        hi = min(hi, k + 1)
        if hi - lo < 3:
            return None
    else:
        return None
    return _trimmed(doc, lo, hi, in_quote, para_lo, para_hi)


def _past_conjunction(doc: Doc, verb: Token, comps: list[Token], comp: Token | None) -> tuple[Token | None, int]:
    """A reported clause never ends with a bare conjunction. "X has collapsed but Y is intact, crews said": the parse
    split one report in two at "but", which joins the next complement of the verb (the end of the last of them).
    "X grounded flights and the union said it ...": a clause "and" joins to the speaker's own sentence is no report,
    the complement after the verb is (none if it has none)."""
    if comp is None:
        return comp, 0
    end = comp.right_edge.i
    if doc[end].dep_ != "cc" or end + 1 >= len(doc):
        return comp, 0
    nxt = _joined(doc, verb, comps, end)
    if nxt is not None:
        last = nxt
        while (after := _joined(doc, verb, comps, last.right_edge.i)) is not None:
            last = after  # "A but B and C": each conjunction joins the next clause
        words = doc[comp.left_edge.i : last.right_edge.i + 1]
        if not any(t.lower_ in SPEECH_VERBS and t.pos_ == "VERB" for t in words):
            return comp, last.right_edge.i + 1  # (not past an attribution of its own: "“A,” she said, but “B”")
    if comp.i < verb.i:
        return next((c for c in comps if c.i > verb.i), None), 0
    return comp, 0


def _joined(doc: Doc, verb: Token, comps: list[Token], end: int) -> Token | None:
    """The complement of the verb a conjunction at ``end`` joins to the one before it: both before the verb
    ("A but B, X said"), or one with its own "that" ("said that A, and that B"); never one that reports someone
    else's words ("said A, and others said B") or a clause of the writer's after a "that" clause ("declared
    that A and Obama expanded B")."""
    if doc[end].dep_ != "cc":
        return None
    nxt = next((c for c in comps if c.left_edge.i == end + 1), None)
    if nxt is None or nxt.lower_ in SPEECH_VERBS:
        return None
    if nxt.i < verb.i or doc[end + 1].lower_ == "that":
        return nxt
    return None


def _listed_after(doc: Doc, token: Token, comp: Token) -> int | None:
    """The end of a list of reported clauses the parse cut after its first: "X went on offense, saying he would
    ..., his view is “...” and he is a “...”" made the clauses after the comma the main clause that the
    participle's own clause is a complement of. None unless so."""
    main = token.head.head
    end = comp.right_edge.i + 1
    if token.dep_ != "advcl" or token.head.dep_ != "ccomp" or main.dep_ != "ROOT" or main.i <= end:
        return None
    if doc[end].text != "," or not any(c.dep_ in SUBJECT_DEPS and c.i > end for c in main.children):
        return None
    if not any(c.dep_ == "cc" for c in main.children) or not any(c.dep_ == "conj" for c in main.children):
        return None
    return main.right_edge.i + 1


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
    # the one told may stand between the verb and the comma: "Instead, Trump told CNN, his policy would be ..."
    hearer = next((c for c in token.children if c.dep_ == "dobj" and token.lower_ in TELLING), None)
    if token.dep_ not in ("parataxis", "ccomp", "advcl", "conj", "ROOT") or any(
        c.dep_ in ("dobj", "xcomp") and c.i not in (subj.i, hearer.i if hearer is not None else -1)
        for c in token.children
    ):
        return None
    end = max(token.i, subj.right_edge.i, hearer.right_edge.i if hearer is not None else 0) + 1
    if (
        end < token.sent.end - 3
        and doc[end].text == ","
        and (hearer is not None or not any(t.is_quote for t in doc[end : token.sent.end]))
    ):
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
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space or doc[hi - 1].dep_ == "cc"):
        hi -= 1  # never ends with a bare conjunction
    if hi - lo < 3:
        return None
    inside = sum(1 for i in range(lo, hi) if in_quote[i])
    if inside > (hi - lo) / 2:
        return None  # the complement is a direct quote
    if not any(doc[i].pos_ in ("VERB", "AUX") for i in range(lo, hi)):
        return None
    return doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])


def _relative_read_as_report(verb: Token, comp: Token) -> bool:
    """ "told a crowd that the campaign estimated at 3,000 people": a "that" right after the verb's object opens a
    clause whose own speech verb has no object or complement (the object it lacks is that noun), a relative clause
    the parse read as the report."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    mark = comp.left_edge
    if obj is None or mark.lower_ != "that" or mark.i != obj.right_edge.i + 1 or comp.lower_ not in SPEECH_VERBS:
        return False
    # (a finite verb of its own: "told his supporters that they should respond by ..." is a report)
    return not any(c.dep_ in COMPLEMENTS or c.dep_.startswith("aux") for c in comp.children)
