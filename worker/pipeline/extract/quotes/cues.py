"""Step 2, speech cues: verbs of saying ("said", "told", "added", "wrote", ...) with their subject from
the dependency parse (subjects.py: inherited through "and"/"saying"), "according to X", nominal cues ("Trump's
claim"); nearby.py finds the name next to a cue the parse gave no subject."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from worker.pipeline.extract.quotes.misread import infinitive_read_as_noun, relation_on_verb, verb_ending_phrase
from worker.pipeline.extract.quotes.rules import (
    INVERTED_CUES,
    NAME_DEPS,
    NOMINAL_CUES,
    NON_SPEAKERS,
    POINT_FORMS,
    READERS,
    SPEECH_VERBS,
)
from worker.pipeline.extract.quotes.subjects import may_speak, nominal, root_participle, subject_of, view_of


@dataclass
class Cue:
    token: Token  # the speech verb, or "according"
    end: int  # char end of the cue ("according to")
    subject: Token | None
    speaker: str | None = None
    speaker_entity: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    is_person: bool = False
    gender: str | None = None
    nominal: bool = False  # "Trump's claim": marks the words it governs, is no attribution of its own


def find_cues(doc: Doc) -> list[Cue]:
    cues: list[Cue] = []
    for token in doc:
        low = token.lower_
        if low == "according" or view_of(token):  # "according to X", "To Sharp, Trump is the “...” man"
            to = token if low == "to" else next((c for c in token.children if c.lower_ == "to"), None)
            if to is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                to = doc[token.i + 1]
            if to is None:
                continue
            obj = next((c for c in to.children if c.dep_ == "pobj"), None)
            cues.append(Cue(token, to.idx + len(to), obj))
        elif (
            low in SPEECH_VERBS or (low in POINT_FORMS and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "out")
        ) and token.pos_ in ("VERB", "AUX"):
            if _writers_aside(token):
                continue
            if token.dep_ == "acl" and _subject_after_quote(doc, token.head):
                # "“...!” the presumptive GOP nominee, Donald Trump, tweeted Sunday": the parse made the
                # verb a participle of its own subject
                cues.append(Cue(token, token.idx + len(token), token.head))
                continue
            if root_participle(token):
                # "Beruff, a Scott ally, called Florida's standards “strong.”": the sentence's verb read as a
                # participle of its subject, which the parse made the root
                cues.append(Cue(token, token.idx + len(token), token.head))
                continue
            if token.dep_ == "amod" or (token.tag_ == "VBN" and token.dep_ == "acl"):
                named = _person_after(doc, token) if after_quote(doc, token) else None
                if named is not None:
                    # "“Debate recap,” tweeted Rubio spokesman Alex Conant.": the parse took the verb for an
                    # adjective of the name after it
                    cues.append(Cue(token, token.idx + len(token), named))
                continue
            cues.append(Cue(token, token.idx + len(token), cue_subject(doc, token)))
        elif (
            low in ("put", "puts")
            and token.pos_ == "VERB"
            and any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children)
        ):
            cues.append(Cue(token, token.idx + len(token), subject_of(token)))  # "as prosecutor Marc Trévidic put it"
        elif low in ("agree", "agrees", "agreed", "disagrees", "disagreed") and after_quote(doc, token):
            cues.append(Cue(token, token.idx + len(token), cue_subject(doc, token)))  # “...,” agrees Stevens
        elif token.tag_ == "VBD" and after_quote(doc, token) and _person_after(doc, token) is not None:
            # “...?” reacted Trump: any verb between a quote and a person's name attributes it
            cues.append(Cue(token, token.idx + len(token), _person_after(doc, token)))
        elif _bare_attribution(doc, token):
            # “...?” Hannity pressed. / Bystrom agreed. “...”: a person and a verb alone next to a quote
            cues.append(Cue(token, token.idx + len(token), subject_of(token)))
        elif _verb_read_as_noun(doc, token):
            # "“...,” the Saudis state in the white paper": the tagger took the verb for a noun the name modifies
            cues.append(Cue(token, token.idx + len(token), doc[token.i - 1]))
        elif (ending := verb_ending_phrase(doc, token)) is not None:
            cues.append(Cue(token, token.idx + len(token), ending))  # "“...,” a voice-over in the ad states."
        elif infinitive_read_as_noun(token):
            # "That record prompted the Atlas to state, “...”": who was prompted speaks
            obj = next((c for c in token.head.children if c.dep_ == "dobj"), None)
            cues.append(Cue(token, token.idx + len(token), obj))
        elif low in NOMINAL_CUES and token.pos_ == "NOUN":
            poss = next((c for c in token.children if c.dep_ == "poss"), None)
            if poss is not None and poss.pos_ in ("PROPN", "PRON", "NOUN"):
                cues.append(Cue(token, token.idx + len(token), poss, nominal=True))
                be = token.head
                if token.dep_ == "nsubj" and be.lemma_ == "be" and any(_that_clause(c, be) for c in be.children):
                    # "Ortiz's answer was that the plan “will never pass”": the copula reports the clause
                    cues.append(Cue(be, be.idx + len(be), poss))
        elif (
            low in ("issued", "issues", "released", "releases")
            and token.pos_ == "VERB"
            and any(c.dep_ == "dobj" and c.lower_ == "statement" for c in token.children)
        ):
            # "the DNC issued a statement apologizing ... / “...”": the quote-only paragraph after is the statement
            cues.append(Cue(token, token.idx + len(token), subject_of(token)))
        elif low in ("read", "reads") and token.pos_ == "VERB":
            subj = cue_subject(doc, token)
            if subj is not None and (subj.lower_ in READERS or after_quote(doc, token)):
                cues.append(Cue(token, token.idx + len(token), subj))
        elif (
            low in ("went", "goes", "go", "going", "shot", "shoots", "fired", "fires")
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ in ("on", "back")
        ):
            on = doc[token.i + 1]  # "Trump went on", "Trump shot back"
            cues.append(Cue(token, on.idx + len(on), subject_of(token)))
    return cues


def _that_clause(clause: Token, verb: Token) -> bool:
    """ "... was that the plan ...": a clause opened by "that" after the verb."""
    return (
        clause.dep_ == "ccomp"
        and clause.i > verb.i
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)
    )


def _verb_read_as_noun(doc: Doc, token: Token) -> bool:
    """A speech verb tagged as a noun right after a quote's closing mark and a name: "“...,” the Danes state"."""
    if token.pos_ != "NOUN" or token.lower_ not in SPEECH_VERBS or token.dep_ in ("nsubj", "nsubjpass"):
        return False
    name = doc[token.i - 1] if token.i > 0 else None
    return (
        name is not None
        and name.pos_ == "PROPN"
        and name.dep_ == "compound"
        and name.head.i == token.i
        and _subject_after_quote(doc, token)
    )


def _writers_aside(verb: Token) -> bool:
    """ "The mayor said, and I quote, “...”": the writer vouching for the words is no cue of its own."""
    return (
        verb.lower_ == "quote"
        and verb.dep_ in ("conj", "parataxis")
        and verb.head.lower_ in SPEECH_VERBS
        and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in verb.children)
    )


def _bare_attribution(doc: Doc, verb: Token) -> bool:
    """ "“...,” Trump answered." or "Bystrom agreed. “...”": a clause of only a person's name and a verb (and
    an adverb), right after a quote's closing mark or right before an opening one."""
    if verb.tag_ not in ("VBD", "VBZ") or verb.i == 0 or not _named(doc[verb.i - 1]):
        return False  # cheap tests first: this runs on every token
    subj = next((c for c in verb.lefts if c.dep_ == "nsubj"), None)
    if subj is None or not _named(subj):
        return False
    end = verb.i + 1
    while end < len(doc) and doc[end].pos_ == "ADV":
        end += 1
    if end + 1 >= len(doc) or doc[end].text not in (".", ",") or subj.right_edge.i + 1 != verb.i:
        return False
    start = subj.left_edge.i
    after = start >= 2 and doc[start - 1].is_quote and doc[start - 2].text in (",", "?", "!")
    return after or (doc[end].text == "." and doc[end + 1].is_quote)


def _named(token: Token) -> bool:
    """A person's name, or a name the small model typed as a body ("an angry Hollande" as ORG) or tagged as a
    common noun ("“...?” Hannity pressed.")."""
    if token.ent_type_ == "PERSON":
        return True
    return token.ent_type_ in ("ORG", "") and (token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.is_title))


def _person_after(doc: Doc, verb: Token) -> Token | None:
    subj = _subject_after(doc, verb)
    if subj is None or subj.ent_type_ != "PERSON" or subj.i > verb.i + 4 or not _ends_clause(doc, subj):
        return None  # “Scandal,” thanked Obama for ...: Obama is thanked
    return subj


def _subject_after_quote(doc: Doc, noun: Token) -> bool:
    """The noun phrase opens right after a quote's closing mark, which a comma, "!" or "?" ends."""
    i = noun.left_edge.i
    return (
        (noun.pos_ == "PROPN" or nominal(noun))
        and i >= 2
        and doc[i - 1].is_quote
        and doc[i - 2].text in (",", "!", "?")
    )


def subject_in_paragraph(subject: Token, verb: Token, text: str) -> Token | None:
    """A subject never reaches into another paragraph (a subheading or a line of page furniture the parse
    joined to the sentence): a name right before the verb ("Tuesday in New York City, while on the campaign
    trail ..., former president Bill Clinton said"), else the last noun of the subject inside the verb's
    paragraph, if any."""
    para = text.rfind("\n", 0, verb.idx) + 1
    named = verb.doc[verb.i - 1] if verb.i > 0 else None
    if named is not None and named.idx >= para and named.pos_ == "PROPN" and named.ent_type_ in ("PERSON", "ORG", ""):
        return named
    nouns = [t for t in subject.subtree if t.idx >= para and t.i < verb.i and t.pos_ in ("NOUN", "PROPN")]
    return nouns[-1] if nouns else None


def can_speak(token: Token) -> bool:
    """A noun that can say something: not an event or state ("the arrest", "a firestorm" never speak)."""
    low = token.lower_
    return low not in NON_SPEAKERS and not (low.endswith("s") and low[:-1] in NON_SPEAKERS)


def indefinite(token: Token) -> bool:
    """ "a reporter", "one district leader": a new person, not a description of one already named."""
    return any(c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one", "another") for c in token.lefts)


def after_quote(doc: Doc, verb: Token) -> bool:
    """The verb follows a closing quotation mark: "“...,” said Sara Walker", "“...!” beamed Hartley"."""
    i = verb.i - 1
    if verb.tag_ not in ("VBD", "VBZ", "VBP", "VB") or i < 1:
        return False
    return doc[i].text in ("”", '"', "''") and doc[i - 1].text in (",", "!", "?", "—", "–", "-", "…")


def cue_subject(doc: Doc, verb: Token) -> Token | None:
    """The cue's subject; after a quote, the words right after the verb ("“...,” said a person close
    to the Clintons") win over a parse that took a subject from before the quote."""
    subj = subject_of(verb)
    if subj is not None and subj.i > verb.i:
        return subj
    if subj is None or not may_speak(subj):
        subj = _participle_of_clause(doc, verb) or subj
    else:
        subj = _participle_of_relative(doc, verb) or subj
    before = doc[verb.i - 1] if verb.i > 0 else None
    if subj is None and before is not None and _compound_name(before, verb):
        return before  # "“Go back to Univision,” Trump barked": the parse took the verb for a noun
    if after_quote(doc, verb) or (subj is None and verb.i == verb.sent.start) or _inverted(doc, verb):
        after = _subject_after(doc, verb)
        if after is not None:
            return after
    if (
        0 < verb.i < len(doc) - 1
        and doc[verb.i - 1].text == ","
        and verb.lower_ in INVERTED_CUES
        and doc[verb.i + 1].pos_ in ("DET", "PROPN", "ADJ", "NOUN")
        and (subj is None or (subj.pos_ == "NOUN" and subj.ent_type_ != "PERSON"))
    ):
        # "The treaty signals “the end” for the EU, said Geert Wilders, founder of ...": the attribution
        # follows a report without quotation marks; the parse takes a noun of the report as the subject
        after = _subject_after(doc, verb)
        if after is not None and _ends_clause(doc, after):
            return after
    return subj


def _clause_before_comma(doc: Doc, verb: Token) -> Token | None:
    """For a speech participle between a comma and an opening mark (", writing “"), the verb the word
    before the comma hangs on (at most six heads up)."""
    i = verb.i
    if verb.tag_ != "VBG" or i < 2 or doc[i - 1].text != "," or not (i + 1 < len(doc) and doc[i + 1].is_quote):
        return None
    node = doc[i - 2]
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX") or node.head is node:
            break
        node = node.head
    return node


def _participle_of_clause(doc: Doc, verb: Token) -> Token | None:
    """ "Flea shared the news last week, writing “...”", "when Sanders protesters interrupted her speech,
    shouting “...”": a speech participle after a comma, which the parse gave no subject that can speak, is
    said by the subject of the clause right before the comma."""
    i = verb.i
    node = _clause_before_comma(doc, verb)
    if node is None or node.pos_ not in ("VERB", "AUX") or node.i >= i:
        return None
    subj = subject_of(node)
    if subj is None or subj.i >= i or not (may_speak(subj) or (subj.pos_ == "NOUN" and can_speak(subj))):
        return None
    return subj


def _participle_of_relative(doc: Doc, verb: Token) -> Token | None:
    """ "... the casino, where about 50 protesters had gathered on Wednesday, chanting “...”": a speech participle
    right after a relative clause that no comma opened is said by that clause's own subject, whatever verb the
    parse hung the participle on."""
    i = verb.i
    node = _clause_before_comma(doc, verb)
    if node is None or node.dep_ != "relcl" or node.i >= i or node.left_edge.i < 1:
        return None
    if doc[node.left_edge.i - 1].text == ",":
        return None
    subj = next((c for c in node.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or not (may_speak(subj) or can_speak(subj)):
        return None
    return subj


def _compound_name(token: Token, verb: Token) -> bool:
    return token.dep_ == "compound" and token.head.i == verb.i and token.pos_ == "PROPN"


def _ends_clause(doc: Doc, head: Token) -> bool:
    """The noun phrase of ``head`` is followed by a comma or the sentence end, not by a verb of its own."""
    nxt = head.right_edge.i + 1
    return nxt >= len(doc) or doc[nxt].text in (",", ".", ";") or nxt == head.sent.end


def _inverted(doc: Doc, verb: Token) -> bool:
    """An attribution after a report, verb first, that the parse made a conjunct of the report's verb
    (and so gave it the report's subject): "..., argued Palvetzian", "..., insisted Patel"."""
    i = verb.i
    return (
        verb.tag_ == "VBD"
        and verb.dep_ == "conj"
        and 0 < i < len(doc) - 2
        and doc[i - 1].text == ","
        and doc[i + 1].pos_ == "PROPN"
        and doc[i + 2].is_punct
    )


def _subject_after(doc: Doc, verb: Token) -> Token | None:
    j = verb.i + 1
    if j < len(doc) and doc[j].lower_ in ("on", "back", "in", "out"):
        j += 1  # "chimed in", "shot back"
    if j >= len(doc) or doc[j].pos_ not in ("DET", "ADJ", "NUM", "PROPN", "NOUN") or doc[j].is_quote:
        return None
    for k in range(j, min(len(doc), j + 8)):
        if (doc[k].is_punct and doc[k].text not in (".", "-")) or doc[k].pos_ in ("VERB", "AUX", "PRON"):
            break
        if doc[k].ent_type_ == "PERSON":
            while k + 1 < len(doc) and doc[k + 1].ent_type_ == "PERSON" and doc[k + 1].ent_iob_ == "I":
                k += 1
            if not (doc[k].dep_ == "compound" and doc[k].head.pos_ == "NOUN"):
                return doc[k]  # "mused Blaze co-host Stu Burguiere", not "a Trump supporter"
    node = doc[j]
    while node.head.i != node.i and node.head.i != verb.i and j <= node.head.i <= j + 10:
        node = node.head
    if node.pos_ not in ("PROPN", "NOUN") or node.ent_type_ in ("DATE", "TIME") or node.is_quote:
        return None
    return node


def speaker_span(head: Token) -> tuple[int, int]:
    left, right = head.i, head.i
    for child in head.lefts:
        if child.tag_ == "VBG" and child.dep_ == "amod" and child.i > 0 and child.doc[child.i - 1].text == ",":
            continue  # "..., leading Clinton advisers to counter": the verb before them, not a word of who
        if child.dep_ in NAME_DEPS and child.dep_ != "punct":
            left = min(left, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in ("prep", "amod", "acl") and any(
            t.pos_ == "VERB" and t.lower_ in SPEECH_VERBS for t in child.subtree
        ):
            continue  # "a statement saying, “...”": the report is not part of who made it
        if child.lower_ == "as" and any(t.is_quote for t in child.subtree):
            continue  # "seen by organizers as a “lifeboat”": the role is not who gives it
        if child.dep_ in ("compound", "flat") or (child.dep_ in ("prep", "amod", "acl") and head.pos_ != "PROPN"):
            right = max(right, child.right_edge.i)
    right = max(right, relation_on_verb(head))  # "said one longtime adviser to Mark Reyes", "to" hung on "said"
    if head.pos_ == "NOUN":
        right = _group_end(head, right)  # "many marchers and spectators chanting": the whole group
    return left, right + 1


def _group_end(head: Token, right: int) -> int:
    """Where a list of common nouns that ``head`` opens ends ("friends, donors and advisers", "the front-runner and
    former secretary of state"), if "and"/"or" closes it."""
    doc, node, end = head.doc, head, right
    while True:
        nxt = next((c for c in node.children if c.dep_ == "conj" and c.pos_ == "NOUN" and c.i > end), None)
        if nxt is None or nxt.left_edge.i != end + 2 or doc[end + 1].lower_ not in (",", "and", "or"):
            break
        node, end = nxt, nxt.i
    if end == right or doc[node.left_edge.i - 1].lower_ not in ("and", "or"):
        return right
    for prep in node.rights:
        if prep.dep_ == "prep" and not any(t.pos_ == "VERB" or t.is_quote for t in prep.subtree):
            end = max(end, prep.right_edge.i)
    return end
