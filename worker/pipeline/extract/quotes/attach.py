"""Step 4, attaching a quote to its cue: the attribution right after it, the cue that governs it, a
split quote's cue, a colon introduction, a signature line (a quote inside a sentence: embedded.py)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.cues import Cue
from worker.pipeline.extract.quotes.marks import Segment
from worker.pipeline.extract.quotes.nearby import cue_above, frames, participle_before, people
from worker.pipeline.extract.quotes.rules import (
    DOUBLE_APOSTROPHE,
    MAX_ANCESTOR_STEPS,
    NAMING_VERBS,
    PERSON_NOUNS,
    QUOTE_NOUNS,
    SUBJECT_DEPS,
)
from worker.pipeline.extract.quotes.speakers import Resolver
from worker.pipeline.extract.quotes.subjects import main_verb, subject_of


def introduced(
    doc: Doc,
    text: str,
    seg: Segment,
    lo: int,
    cues_by_sent: dict[int, list[Cue]],
    sent_of: list[int],
    resolver: Resolver,
) -> Cue | None:
    """The clause before a colon that opens the quote, in its paragraph or closing the one before:
    "Cruz continued:", "Republican pollster Daron Shaw: “...”", "Trump issued the following statement:"."""
    mark = seg.start - 1
    while mark > 0 and text[mark].isspace():
        mark -= 1
    if mark <= 0 or text[mark] not in '“"' + DOUBLE_APOSTROPHE:
        return None
    before = text[:mark].rstrip()
    if not before.endswith(":"):
        return None
    colon = resolver.tokens(len(before) - 1, len(before))[0]
    if colon >= len(doc) or doc[colon].text != ":":
        return None
    k = sent_of[colon]
    start = colon
    while start > 0 and sent_of[start - 1] == k:
        start -= 1
    # "... he tweeted about ... Donald Trump: “...”": a name alone before the colon is a label, not the end of
    # the sentence before
    label = colon - start <= 4 and all(doc[i].pos_ in ("PROPN", "PUNCT") for i in range(start, colon))
    for cands in (cues_by_sent.get(k, []), [] if label else cues_by_sent.get(k - 1, [])):
        named = [
            c
            for c in cands
            if c.speaker is not None
            and c.token.i < colon
            and not any(doc[i].text in (".", "?", "!") for i in range(c.token.i, colon))
        ]
        if named:
            return named[-1]
        if cands:
            break
    # a name right before the colon: "Rep. Trey Gowdy (R-S.C.): “...”", "doesn't surprise pollster Daron Shaw:"
    t = colon - 1
    if t >= 0 and doc[t].text.endswith(")"):  # "(R-S.C.)" ends in one token
        t = next((u - 1 for u in range(t - 1, max(-1, t - 10), -1) if doc[u].text == "("), t)
    addressee = t >= 0 and doc[t].dep_ == "pobj" and doc[t].head.lower_ in ("to", "for", "at", "toward", "towards")
    if (
        t >= 0
        and not addressee  # "McConnell delivered a blunt message to Trump:" is McConnell's
        and (
            (resolver.ent_of[t] >= 0 and resolver.entities[resolver.ent_of[t]].type in ("person", "organization"))
            or _signed_line(doc, t) is not None
        )
    ):
        cue = Cue(doc[colon], doc[colon].idx + 1, doc[t])
        resolver.resolve(cue)
        signed_from = _signed_line(doc, t)
        if signed_from is not None and cue.speaker_entity is None:
            name = doc[signed_from : t + 1]  # the capitalized words only, not what the parse hung on them
            cue.speaker, cue.speaker_start, cue.speaker_end = name.text, name.start_char, name.end_char
        if cue.speaker is not None:
            return cue
    source = _from_source(doc, start, colon)
    if source is not None:
        cue = Cue(doc[colon], doc[colon].idx + 1, source)
        resolver.resolve(cue)
        if cue.speaker is not None:
            return cue
    # "Trump issued the following statement:": the subject of the introducing sentence, when a name
    root = _clause_verb(doc, colon - 1, resolver.in_quote)
    main = doc[colon].sent.root  # "the Daily News focuses on how many people ... were able to kill ...:"
    root = main if start <= main.i < colon and main.pos_ == "VERB" and not resolver.in_quote[main.i] else root
    subj = subject_of(root) if root is not None else None
    if root is not None and subj is not None and subj.tag_ in ("WP", "WDT") and root.dep_ == "pcomp":
        # "Clinton has since apologized for what happened:": the clause the "what" clause hangs on
        outer = _clause_verb(doc, root.head.i, resolver.in_quote)
        if outer is not None and outer.i < root.i:
            root, subj = outer, subject_of(outer)
    person = subj is not None and subj.lower_ in ("he", "she")  # "He then listed the qualities he wants:"
    if root is None or subj is None or not (person or subj.pos_ in ("PROPN", "NOUN")) or resolver.in_quote[subj.i]:
        return None
    cue = Cue(root, root.idx + len(root), subj)
    resolver.resolve(cue, record=False)
    people = subj.tag_ == "NNS" and subj.lower_[:-1] in PERSON_NOUNS  # "Obama's first five questioners ranged ...:"
    if cue.speaker is None or (subj.pos_ == "NOUN" and cue.speaker_entity is None and not people):
        return None  # "The message was clear:" names nobody
    resolver.history.append(cue)
    return cue


def _from_source(doc: Doc, start: int, colon: int) -> Token | None:
    """ "... - More from the report:", "From the study:": a digest's label naming where the quote comes from, at the
    sentence's start or after a dash."""
    k = next((i + 1 for i in range(colon - 1, start - 1, -1) if doc[i].text in ("-", "–", "—")), start)
    if k < colon and doc[k].lower_ == "more":
        k += 1
    if k >= colon or doc[k].lower_ != "from" or colon - k > 6:
        return None
    if any(doc[i].pos_ in ("VERB", "AUX") or doc[i].text == "," for i in range(k + 1, colon)):
        return None
    return next((c for c in doc[k].children if c.dep_ == "pobj" and c.i < colon), None)


def _signed_line(doc: Doc, t: int) -> int | None:
    """Where a capitalized name alone after a dash or at a paragraph's start, before the colon that opens a
    quote, begins: "... are problematic - Pew Research: “...”" (a name the entity pass missed)."""
    if not (doc[t].is_title and doc[t].pos_ in ("PROPN", "NOUN")):
        return None
    k = t
    while k > 0 and doc[k - 1].is_title and doc[k - 1].pos_ in ("PROPN", "NOUN") and t - k < 3:
        k -= 1
    return k if k == 0 or doc[k - 1].text in ("-", "–", "—") or "\n" in doc[k - 1].text else None


def _clause_verb(doc: Doc, i: int, in_quote: list[bool]) -> Token | None:
    """The verb of the clause that token ``i`` ends (the parse may join it to the quote after it)."""
    node = doc[i]
    for _ in range(12):
        if (node.pos_ in ("VERB", "AUX") or _verb_s(node)) and not in_quote[node.i]:
            return node
        if node.head is node or node.head.i > i:
            break
        node = node.head
    return None


def _verb_s(tok: Token) -> bool:
    """ "Here’s Clinton in 1992:": a curly "’s" the tagger read as a possessive, with a subject of its own."""
    return tok.lower_ in ("’s", "'s") and any(c.dep_ in SUBJECT_DEPS for c in tok.children)


def continues(doc: Doc, text: str, p_hi: int, lo: int, in_quote: list[bool], cue_sent: int, sent_of: list[int]) -> bool:
    """Only the last attribution lies between the last attributed quote and this one (quote-only
    paragraphs, "“X,” she said. “Y.”"), or both are in one paragraph: the same speaker goes on."""
    if "\n" not in text[doc[p_hi - 1].idx : doc[lo].idx]:
        return True
    for i in range(p_hi, lo):
        if in_quote[i] or doc[i].is_punct or doc[i].is_space or sent_of[i] == cue_sent:
            continue
        # a sentence about the speaker in between: "“We will build a wall,” Trump added. He then had a
        # question for the crowd. / “Who's going to pay for it?”"
        subj = next((c for c in doc[i].sent.root.children if c.dep_ in SUBJECT_DEPS), None)
        if subj is None or subj.lower_ not in ("he", "she") or doc[i].sent.end > lo:
            return False
    return True


def signed(doc: Doc, text: str, seg: Segment, hi: int, resolver: Resolver) -> Cue | None:
    """A quote-only paragraph signed by the next one ("- Bernie Sanders." in fact-check layout), or a
    pull quote signed on its own line: "“...” — Anne Kovac, mayor of Oakville"."""
    end = text.find("\n", seg.end)
    end = len(text) if end < 0 else end
    after = text[seg.end : end].strip()
    if after[:1] in ("”", '"', "'") and after.lstrip("”\"'").lstrip()[:1] in ("-", "–", "—"):
        nxt_start = seg.end + text[seg.end : end].index(after) + len(after) - len(after.lstrip("”\"'").lstrip())
    elif end >= len(text) or after not in ("”", '"', DOUBLE_APOSTROPHE, ""):
        return None
    else:
        nxt_start = end
    while nxt_start < len(text) and text[nxt_start].isspace():
        nxt_start += 1
    nxt_end = text.find("\n", nxt_start)
    nxt_end = len(text) if nxt_end < 0 else nxt_end
    line = text[nxt_start:nxt_end].strip()
    signer = line.split(",")[0]  # "-President Obama, tweeting after Clinton's speech."
    if line[:1] not in ("-", "–", "—") or len(signer.split()) > 6:
        return None
    lo_t, hi_t = resolver.tokens(nxt_start, nxt_start + len(signer))
    names = [i for i in range(lo_t, hi_t) if doc[i].pos_ == "PROPN"]
    if not names:
        return None
    head = doc[names[-1]]
    cue = Cue(doc[lo_t], doc[lo_t].idx + len(doc[lo_t]), head)
    resolver.resolve(cue)
    n = cue.speaker_entity
    if n is not None and resolver.ent_of[head.i] != n:
        # "-Michelle Marks, Philadelphia.": a name the entity pass missed, not the place after its comma
        name = doc[names[0] : names[-1] + 1]
        cue.speaker, cue.speaker_entity = name.text.lstrip("-–—"), None
        cue.speaker_start, cue.speaker_end, cue.is_person = name.end_char - len(cue.speaker), name.end_char, True
    return cue if cue.speaker is not None else None


def signed_inside(doc: Doc, text: str, seg: Segment, resolver: Resolver) -> Cue | None:
    """A pull quote signed on its own line inside its marks: "“... tax cuts.\nDean Baker, Center for Economic and
    Policy Research.”" (the quoted text stops at the line's end; the closing mark follows the signature)."""
    if text[seg.end : seg.end + 1] != "\n" or text[seg.end + 1 : seg.end + 2] == "\n":
        return None
    start = seg.end + 1
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end].rstrip()
    signer = line.split(",")[0]
    if line[-1:] not in ('"', "”") or "," not in line or not 2 <= len(signer.split()) <= 4 or not signer.istitle():
        return None
    lo_t, hi_t = resolver.tokens(start, start + len(signer))
    names = [i for i in range(lo_t, hi_t) if doc[i].pos_ == "PROPN"]
    if not names:
        return None
    cue = Cue(doc[lo_t], doc[lo_t].idx + len(doc[lo_t]), doc[names[-1]])
    resolver.resolve(cue)
    if cue.speaker_entity is None:  # a name the entity pass missed: the words of the line, not the parse's
        cue.speaker, cue.speaker_start, cue.speaker_end, cue.is_person = signer, start, start + len(signer), True
    return cue


def named_after(doc: Doc, text: str, seg: Segment, hi: int, resolver: Resolver) -> Cue | None:
    """ "“...” That quote from Commissioner Thomas Krebs appeared in ...": the sentence right after the quote names
    whose words they were."""
    j = hi
    while j < len(doc) and doc[j].is_quote:
        j += 1
    if j + 3 >= len(doc) or "\n" in text[seg.end : doc[j].idx]:
        return None
    det, noun, prep = doc[j], doc[j + 1], doc[j + 2]
    if det.lower_ not in ("that", "this", "the") or noun.lower_ not in QUOTE_NOUNS or prep.lower_ not in ("from", "by"):
        return None
    k = j + 3
    while k < len(doc) and doc[k].pos_ == "PROPN" and k - j < 12:
        k += 1
    if k == j + 3:
        return None
    cue = Cue(noun, noun.idx + len(noun), doc[k - 1])
    resolver.resolve(cue, record=False)
    return cue if cue.speaker is not None else None


def same_or_next_paragraph(text: str, a: int, b: int) -> bool:
    return text.count("\n\n", a, b) <= 1


def adjacent_cue(doc: Doc, text: str, seg: Segment, hi: int, cue_at: dict[int, Cue]) -> Cue | None:
    """ "“...,” Trump said" / "“...?” said Trump": the attribution right after the closing mark, which
    the parse may hang under a later verb ("..., Trump said, after Quick said ...")."""
    ending = text[seg.end - 1]
    if ending not in ",?!—–":
        return None
    n = len(doc)
    j = hi
    while j < n and j <= hi + 1 and (doc[j].is_quote or doc[j].text == ","):
        j += 1
    if j >= n or (ending in "?!" and doc[j].is_title and doc[j].pos_ != "PROPN"):
        return None  # “Why now?” She replied ...: a new sentence
    if doc[j].lower_ in ("but", "yet"):
        return None  # "to act “presidential,” but Trump said ...": a new clause, not the quote's attribution
    for k in range(j, min(n, j + 10)):
        tok = doc[k]
        if "\n" in tok.text or tok.is_quote or tok.text in (".", ";", ":", "(", ")"):
            return None
        cue = cue_at.get(k)
        if cue is not None and not cue.nominal:
            subj = cue.subject
            if cue.token.tag_ == "VBG" or not (k == j or (subj is not None and subj.i < k and subj.left_edge.i >= j)):
                return None
            if cue.token.dep_ == "relcl":
                return None  # “...,” and Sanders, who says it is “disastrous”: a clause about someone named next
            if ending in "?!" and _introduces_quote(doc, k):
                return None  # “Why now?” Mills then writes back, “You look cute.”
            return cue
    # a long subject: "“...,” Texas delegate Bill Eastland, wearing a cowboy hat and “Ted Cruz” pins, said"
    for k in range(j + 10, min(n, j + 40)):
        if "\n" in doc[k].text:
            break
        cue = cue_at.get(k)
        if cue is not None and not cue.nominal:
            subj = cue.subject
            return cue if subj is not None and subj.i < k and subj.left_edge.i == j else None
    return None


def cue_before(doc: Doc, lo: int, cue_at: dict[int, Cue]) -> Cue | None:
    """ "Flea shared the news, writing “...”": a cue with a speaker right before the opening mark, which the
    parse did not make an ancestor of the quote."""
    k = lo - 2 if lo >= 2 and doc[lo - 1].is_quote else lo - 1
    if k > 0 and doc[k].text in (",", ":"):
        k -= 1
    if k < 0 or any(doc[j].is_quote for j in range(max(0, k - 4), k)):
        return None  # “...,” she elaborated, “...”: the second part of a split quote
    cue = cue_at.get(k) or participle_before(doc, k, cue_at) or cue_above(doc, k, lo, cue_at)
    return cue if cue is not None and cue.speaker is not None and not cue.nominal else None


def _framed(cue: Cue, cue_at: dict[int, Cue]) -> Cue:
    """ "CNN, Cruz said, called the announcement “highly significant”": an attribution set in the verb's clause
    as an aside frames what the sentence says."""
    for child in cue.token.children:
        aside = cue_at.get(child.i) if child.dep_ == "parataxis" else None
        if aside is None or aside.speaker is None or aside.nominal or aside.subject is None:
            continue
        doc, left = child.doc, aside.subject.left_edge.i
        if left > 0 and doc[left - 1].text == "," and child.i + 1 < len(doc) and doc[child.i + 1].text == ",":
            return aside
    return cue


def _introduces_quote(doc: Doc, k: int) -> bool:
    for i in range(k + 1, min(len(doc), k + 12)):
        if doc[i].text in (".", "\n") or "\n" in doc[i].text:
            return False
        if doc[i].is_quote:
            return True
    return False


def governing_cue(
    doc: Doc,
    lo: int,
    hi: int,
    cue_at: dict[int, Cue],
    cues_by_sent: dict[int, list[Cue]],
    sent_range: range,
    text: str,
    seg: Segment,
    standalone: bool,
) -> Cue | None:
    # a cue among the ancestors of the quote's tokens; a fragment inside nested reported speech
    # belongs to the outermost report ("Israel said Clinton called on members to be “closely coordinated”")
    for i in (lo, (lo + hi) // 2, hi - 1):
        node = doc[i]
        found: Cue | None = None
        for _ in range(MAX_ANCESTOR_STEPS):
            if node.i in cue_at and not (lo <= node.i < hi) and not _named_object(doc, lo, hi, cue_at[node.i]):
                cue = cue_at[node.i]
                if "\n" in text[min(cue.token.idx, seg.start) : max(cue.token.idx, seg.end)]:
                    break
                if standalone:
                    return cue
                if found is None or cue.speaker is not None:
                    found = cue
            if node.head is node or (
                found is not None
                and found.speaker is not None
                and (found.speaker_entity is not None or found.is_person or people(found))  # "a voice that said"
                and node.dep_ not in ("ccomp", "xcomp")
            ):
                break  # out of the reported clause: "Xi called for ..., and Trump said the call was “very good”"
            node = node.head
        if found is not None:
            return _framed(found, cue_at)
    # else the nearest cue in the quote's sentences, within its paragraph; a quoted fragment only
    # takes a main-clause cue: "The two spoke about Ukraine, she said, but “the focus was ...”"
    best: tuple[int, Cue] | None = None
    for k in sent_range:
        for cue in cues_by_sent.get(k, []):
            if cue.nominal:
                continue
            # "as X put it, “...”", "according to X", "As the Post's Ishaan Tharoor wrote, “...”"
            framing = frames(cue) or any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.token.children)
            if not standalone and not framing and (not main_verb(cue.token) or cue.speaker is None):
                continue
            ci = cue.token.i
            dist = lo - ci if ci < lo else ci - hi
            if cue.speaker is None:
                dist += 1000  # a cue that names its speaker first
            if "\n" in text[min(cue.token.idx, seg.start) : max(cue.token.idx, seg.end)]:
                continue
            if best is None or dist < best[0]:
                best = (dist, cue)
    return best[1] if best else None


def _named_object(doc: Doc, lo: int, hi: int, cue: Cue) -> bool:
    """ "Fitton called Clinton's assertion of a “claim of right” “significant”": an adjective after the object of
    a naming verb is what the verb's subject calls it, though the parse hung it inside the possessor's words."""
    head = next((doc[i] for i in range(lo, hi) if not lo <= doc[i].head.i < hi), None)
    verb = cue.token.head
    return (
        cue.nominal
        and head is not None
        and head.pos_ == "ADJ"
        and cue.token.dep_ == "dobj"
        and verb.lower_ in NAMING_VERBS
        and any(c.dep_ == "nsubj" for c in verb.children)
    )
