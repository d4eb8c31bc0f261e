"""Step 2, the name next to a speech cue the parse gave no subject: after a quote ("“...,” Ramos, 58, told AFP"),
before an aside set off by commas, or the nearest name-like word in the cue's clause and paragraph."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.cues import can_speak


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
                return node.head
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
        if _name_like(tok):
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
            return name if someone and not in_quote[name.i] else None
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


def _name_like(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.ent_type_ in ("PERSON", "ORG", "NORP", "") and not tok.is_quote
