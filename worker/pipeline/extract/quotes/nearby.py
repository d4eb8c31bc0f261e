"""Step 2, the name next to a speech cue the parse gave no subject: after a quote ("“...,” Ramos, 58, told AFP"),
before an aside set off by commas, or the nearest name-like word in the cue's clause and paragraph."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.cues import Cue, can_speak
from worker.pipeline.extract.quotes.rules import DID, PERSON_NOUNS, SPEECH_VERBS
from worker.pipeline.extract.quotes.subjects import subject_of

DASHES = frozenset({"-", "—", "–", "--"})
# how far before the quote the "that" of a report may stand, and how long an aside between dashes may be
THAT_GAP = 30
ASIDE_MAX = 6


def nearby_name(doc: Doc, verb: Token, in_quote: list[bool], surnames: frozenset[str] = frozenset()) -> Token | None:
    """A name next to a cue the parse gave no subject: "“...,” Ramos, 58, told AFP", "said Ramos"; a person's
    ``surnames`` the tagger read as another word right before the verb ("..., Early described it as")."""
    if verb.lower_ == "according":
        return None
    surname = _surname_before(doc, verb, surnames)  # (the tagger may read its verb as a participle too)
    if surname is None and verb.tag_ == "VBN" and in_quote[verb.head.i]:
        # "“...,” Nate Silver, the polling guru who founded ... tweeted": a past tense read as a participle of
        # the quote's words
        return _name_after_quote(doc, verb, in_quote)
    if surname is not None or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return surname
    sent = verb.sent
    named = (
        _name_after_quote(doc, verb, in_quote)
        or _name_before_aside(doc, verb, in_quote)
        or name_right_before(doc, verb)
    )
    if named is not None:
        return named
    found: Token | None = None
    i = verb.i - 1
    while i > sent.start and (doc[i].is_punct or doc[i].pos_ == "ADV") and not doc[i].is_quote:
        i -= 1
    node = doc[i]
    for _ in range(8):  # "a White House official who spoke anonymously to discuss strategy said"
        if node.dep_ == "relcl" and node.head.i < node.i and node.head.pos_ in ("NOUN", "PROPN"):
            if not in_quote[node.head.i]:
                return _owner_of_aside(node)
            break
        if node.head is node or node.head.i > verb.i:
            break
        node = node.head
    i = verb.i - 1
    while i >= max(sent.start, verb.i - 20):
        tok = doc[i]
        if in_quote[i] or tok.is_quote or tok.text in (";", ":") or (tok.pos_ in ("VERB", "AUX") and i < verb.i - 1):
            break
        if tok.is_space and "\n" in tok.text:
            break  # a name in the paragraph before is not this verb's subject
        if _name_like(tok) and not _role_after_as(tok):
            found = tok  # keep the leftmost: the subject comes before its appositive
        i -= 1
    if found is None:
        for j in range(verb.i + 1, min(sent.end, verb.i + 4)):
            tok = doc[j]
            if in_quote[j] or tok.is_quote:
                break
            if _name_like(tok):
                found = tok
                break
    if found is None:
        return None
    while found.dep_ in ("compound", "flat") and found.head.pos_ == "PROPN" and 0 < found.head.i - found.i <= 3:
        found = found.head
    return found


def name_right_before(doc: Doc, verb: Token) -> Token | None:
    """ "At a rally in Ohio, 62-year-old Brenda Johnson also railed against ...": a person's name right before the
    sentence's main verb (past its adverbs), which the parse hung on the phrase before; not a name further left."""
    i = verb.i - 1
    while i > 0 and doc[i].pos_ == "ADV":
        i -= 1
    name = doc[i]
    if verb.dep_ != "ROOT" or name.pos_ != "PROPN" or name.ent_type_ != "PERSON" or name.i <= verb.sent.start:
        return None
    return name


def _surname_before(doc: Doc, verb: Token, surnames: frozenset[str]) -> Token | None:
    """ "Told of the poll, Early described it as “...”": a person's surname right before the verb, inside its
    sentence (so not capitalized for opening it), that the tagger read as an adverb or an adjective."""
    if verb.i < 2:
        return None
    tok, prev = doc[verb.i - 1], doc[verb.i - 2]
    if tok.text not in surnames or tok.pos_ not in ("ADV", "ADJ") or not tok.is_title:
        return None
    return None if prev.is_quote or prev.text in (".", "!", "?") or "\n" in prev.text else tok


def _name_before_aside(doc: Doc, verb: Token, in_quote: list[bool]) -> Token | None:
    """ "Columnist Margaret Sullivan, in an attempt to draw attention to Clinton's ..., wrote", "One attendee,
    who like others spoke on the condition of anonymity ..., said": who is named before a parenthetical set off
    by commas right before the verb (and its adverbs: "Clinton, exasperated, famously responded"), past an
    adverb set off by commas after the name."""
    end = verb.i - 1
    while end > 0 and doc[end].pos_ == "ADV":
        end -= 1
    if end < 2 or doc[end].text != ",":
        return None
    for k in range(end - 1, max(0, end - 29), -1):
        tok = doc[k]
        if in_quote[k] or tok.is_quote or (tok.is_space and "\n" in tok.text) or tok.text in (";", ":", "."):
            return None
        if tok.text == ",":
            name = doc[k - 1]
            while name.pos_ == "ADV" and name.i > 1 and doc[name.i - 1].text == ",":
                name = doc[name.i - 2]  # "Sanders, meanwhile, who has no such endorsements, said"
            someone = name.ent_type_ in ("PERSON", "ORG") or (name.pos_ == "NOUN" and can_speak(name))
            if end < verb.i - 1:  # past adverbs not to a body: "..., National Nurses United, ..., also said"
                someone = someone and name.ent_type_ != "ORG"
            if not someone or in_quote[name.i]:
                return None
            # a relative clause is an aside on the name (not "The vice president of the union, Elias V., told")
            return _holder(name) if doc[k + 1].lower_ in ("who", "whose", "which") else name
    return None


def _name_after_quote(doc: Doc, verb: Token, in_quote: list[bool]) -> Token | None:
    """ "“...,” Trump, the 2016 GOP front-runner ..., said": the person named right after the closing mark
    of a quote that ends with a comma, however long the appositive before the cue."""
    for k in range(verb.i - 1, max(verb.sent.start, verb.i - 40), -1):
        if not (doc[k].is_quote and in_quote[k - 1] and doc[k - 1].text in (",", "!", "?", "—")):
            continue
        name: Token | None = None  # the last name before the appositive: "Sanders campaign manager Jeff Weaver"
        for j in range(k + 1, min(verb.i, k + 8)):
            if (doc[j].text == "," and j > k + 1) or doc[j].pos_ in ("VERB", "AUX"):
                break
            if doc[j].ent_type_ == "PERSON" and not in_quote[j]:
                name = doc[j]
        return name
    return None


def _role_after_as(tok: Token) -> bool:
    """ "offered the man a job as Secretary of Defense, then says": a title after "as" is a role, not who speaks."""
    node = tok
    for _ in range(4):  # "Secretary", "Defense" of "as Secretary of Defense"
        if node.dep_ == "pobj" and node.head.lower_ == "as":
            return True
        if node.head is node or node.pos_ in ("VERB", "AUX"):
            return False
        node = node.head
    return False


def _name_like(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.ent_type_ in ("PERSON", "ORG", "NORP", "") and not tok.is_quote


def participle_before(doc: Doc, k: int, cue_at: dict[int, Cue]) -> Cue | None:
    """ "Trump attacked Romney, calling him, among other things, “a failed candidate.”": a speech participle whose
    own object and phrases are all that stand between it and the quote (the parse made the quote the root)."""
    if k < 0 or (doc[k].is_punct and doc[k].text not in (",", ":")):
        return None
    for j in range(k - 1, max(-1, k - 8), -1):
        cue = cue_at.get(j)
        if cue is not None:
            if cue.token.tag_ != "VBG" or doc[j].dep_ not in ("advcl", "xcomp", "conj"):
                return None
            inside = all(cue.token in doc[i].ancestors for i in range(j + 1, k + 1) if not doc[i].is_punct)
            return cue if inside else None
        if doc[j].pos_ in ("VERB", "AUX") or doc[j].is_quote or doc[j].text in (".", ";", ":"):
            return None
    return None


def cue_above(doc: Doc, k: int, lo: int, cue_at: dict[int, Cue]) -> Cue | None:
    """ "the Stonewall Inn, which President Obama on Friday declared as the first national monument dedicated “to tell
    ...”": the speech verb of a relative clause the words before the quote hang on, where the parse hung the quote
    on the main clause instead."""
    if k > 0 and doc[k].lower_ == "as" and doc[k].head.pos_ in ("NOUN", "PROPN") and doc[k].head.i < k:
        # "In declaring Trump's statements as “not Christian,” the pope ...": the parse made the verb's object the
        # main verb's subject
        cue = cue_at.get(doc[k].head.left_edge.i - 1)
        return cue if cue is not None and not any(c.dep_ == "dobj" for c in cue.token.children) else None
    if k < 0 or doc[k].is_punct or doc[lo].is_ancestor(doc[k]):
        return None
    for node in doc[k].ancestors:
        cue = cue_at.get(node.i)
        if cue is not None:
            relative = node.dep_ == "relcl" and k - node.i <= 8 and not node.is_ancestor(doc[lo])
            return cue if relative and cue.subject is not None and cue.subject.pos_ == "PROPN" else None
        if node.i < doc[k].sent.start:
            break
    return None


def frames(cue: Cue) -> bool:
    """A cue that frames its sentence: "as X put it", "according to X", "To X, ...", and an attribution opening the
    sentence that the parse hung on the main verb ("Instead, Trump told CNN, his policy would be “to go ...”")."""
    verb, subj, doc = cue.token, cue.subject, cue.token.doc
    if verb.lower_ in ("put", "puts", "according", "to"):
        return True
    if verb.dep_ != "ccomp" or verb.i > verb.head.i or subj is None or subj.i > verb.i or subj.dep_ != "nsubj":
        return False
    after = verb.right_edge.i + 1
    lead = doc[verb.sent.start : subj.left_edge.i]  # only "Instead," before the subject
    return (
        after < verb.head.i and doc[after].text == "," and all(t.is_punct or t.pos_ in ("ADV", "CCONJ") for t in lead)
    )


def people(cue: Cue) -> bool:
    """ "leading Clinton advisers to counter that ...": persons' verb, not a participle ("fighters warning of")."""
    subj = cue.subject
    return subj is not None and subj.tag_ == "NNS" and subj.lower_[:-1] in PERSON_NOUNS and cue.token.tag_ != "VBG"


def report_across_aside(doc: Doc, lo: int, cue_at: dict[int, Cue]) -> Cue | None:
    """The speech cue whose "that" clause, after an aside set off by dashes, holds the quote, which the parse
    hung elsewhere: "Trump, who proclaimed in July - falsely - that Christians fleeing Syria “cannot come ...”",
    "by asserting — in one sentence — that such visas are “...”"."""
    that = None
    for i in range(lo - 2, max(lo - 2 - THAT_GAP, 0), -1):
        t = doc[i]
        if t.is_quote or t.text in (".", ";", ":", "!", "?"):
            return None
        if t.lower_ == "that" and t.dep_ == "mark":
            that = t
            if doc[i - 1].lower_ not in ("and", "or"):
                break  # "that he uses ... and that such visas are “...”": on to the first "that"
    if that is None or doc[that.i - 1].text not in DASHES:
        return None
    opening = next((j for j in range(that.i - 2, max(that.i - 2 - ASIDE_MAX, 0), -1) if doc[j].text in DASHES), None)
    if opening is None:
        return None
    k = opening - 1
    while k > 0 and k not in cue_at and doc[k].pos_ in ("ADP", "PROPN", "NOUN", "DET", "NUM") and opening - k <= 4:
        k -= 1  # "proclaimed in July - falsely - that"
    cue = cue_at.get(k)
    return cue if cue is not None and cue.speaker is not None and not cue.nominal else None


def emphatic_did(doc: Doc, cues: list[Cue]) -> None:
    """ "Trump did post on Twitter Friday that ...": a speech word the parse made the object of an emphatic "did"
    is the verb; "did" is the cue's token (its clause holds the report). Added to ``cues`` in token order."""
    for token in doc:
        if token.lower_ in SPEECH_VERBS and token.pos_ == "NOUN" and token.dep_ == "dobj" and token.head.lower_ in DID:
            did = token.head
            at = next((k for k, c in enumerate(cues) if c.token.i > token.i), len(cues))
            cues.insert(at, Cue(did, token.idx + len(token), subject_of(did)))


def _owner_of_aside(relcl: Token) -> Token:
    """The noun a relative clause hangs on, or where the clause is set off by commas, the phrase that holds it."""
    if relcl.left_edge.i < 1 or relcl.doc[relcl.left_edge.i - 1].text != ",":
        return relcl.head
    return _holder(relcl.head)


def _holder(noun: Token) -> Token:
    """Who a verb after an aside on ``noun`` has as subject, where ``noun`` is the object of a preposition: the
    phrase that holds it ("the lawyer acting for the officer, who has been charged, said": the lawyer; "a
    spokesman for the mayor, who ..., said": the spokesman)."""
    node = noun
    while node.dep_ == "pobj" and node.head.dep_ == "prep":
        holder = node.head.head
        if holder.pos_ in ("NOUN", "PROPN"):
            node = holder
        elif holder.pos_ == "VERB" and holder.dep_ in ("acl", "advcl"):
            # "the lawyer acting for ...": the participle's subject, or the noun it modifies
            subj = next((c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < holder.i), None)
            return subj if subj is not None else holder.head if holder.dep_ == "acl" else node
        else:
            break
    return node
