"""Who speaks a cue: the subject of a speech verb from the dependency parse, inherited through "and",
"saying", relative clauses, participles and reported clauses; a modal that is a name ("Will wrote")."""

from __future__ import annotations

from spacy.tokens import Token

from worker.pipeline.extract.quotes.antecedents import who_refers_to
from worker.pipeline.extract.quotes.misread import subject_listed_before
from worker.pipeline.extract.quotes.rules import (
    AGENT_SPEAKS,
    COMPLEMENT_DEPS,
    INHERIT_DEPS,
    NAME_MODALS,
    PERSON_NOUNS,
    READERS,
    RELAYED,
    REPORTING_VERBS,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    WEEKDAYS,
)
from worker.pipeline.extract.quotes.voice import after_a_report, passive_target, speaking_noun


def subject_of(verb: Token) -> Token | None:
    outer = subject_listed_before(verb) or _reporter_of_conjunct(verb) or _reporter_of_participle(verb)
    if outer is not None:
        return outer
    described = description_before(verb)
    if described is not None:
        return described
    if not any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        series = _series_subject(verb)
        if series is not None:
            return series
        for child in verb.children:
            if child.dep_ == "aux" and child.tag_ == "MD" and child.text in NAME_MODALS and child.i < verb.i:
                return child  # "Will wrote", "May said": a name read as the modal (a question has a subject)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if by is not None and verb.lower_ in AGENT_SPEAKS and by.lower_ not in READERS:
        return by  # "Asked by Thrush if Clinton “gets” race", "as described by Comey": the passive's agent
    node = verb
    for _ in range(4):
        # the subject nearest the verb: a parse that ran a headline or a previous paragraph into the sentence
        # gives the verb a subject there too ("Kasich: ‘...’ / ... Gov. John Kasich (R-OH), said")
        for child in sorted(node.children, key=lambda c: abs(c.i - node.i)):
            if child.dep_ in SUBJECT_DEPS:
                if child.dep_ == "nsubjpass" and (node.lower_ in ("asked", "told") or passive_target(node, verb)):
                    # "Trump was asked" / "Reporters were told": the subject heard the words; "the church was
                    # criticised for ...": a passive speech verb's subject is its target, the agent speaks
                    agent = next((c for c in node.children if c.dep_ == "agent" and node.lower_ not in RELAYED), None)
                    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                if child.lower_ in ("who", "which", "that") and node.dep_ == "relcl":
                    return who_refers_to(node.head) if child.lower_ == "who" else node.head  # "Sun Yun, who said"
                if child.lower_ in ("who", "which") and verb.lower_ in SPEECH_VERBS and _relative(node) is not None:
                    # "Kingson, who is running for Congress and who worked the crowd, praising “...”"
                    return _relative(node)
                if child.lower_ in WEEKDAYS:
                    return _named_in(child)
                before = child.doc[child.i - 1] if child.i > 0 else child
                if child.tag_ == "NNS" and child.lower_ in SPEECH_VERBS and before.text in NAME_MODALS:
                    return before  # "which Will claims affirmed ...": the name read as a modal, its verb as a noun
                return _described_by_copula(verb, node, child) or _second_clause(child)
        if node.dep_ == "acl" and node.head.pos_ == "NOUN" and node.head.lower_ in READERS:
            return node.head  # "she released a statement saying ...": the statement, then its issuer
        if node is verb and speaking_noun(verb):
            return verb.head  # "Students chanting “...” clapped", "crowds shouting “...”": the noun speaks
        if node.dep_ == "acl" and node.head.dep_ == "pobj" and node.head.head.dep_ == "prep":
            # "blasted out an email to supporters stating, “...”": the document, or the object of the verb the
            # parse hung "to supporters" on
            document = node.head.head.head
            if document.pos_ == "VERB":
                document = next((c for c in document.children if c.dep_ == "dobj"), document)
            if document.pos_ == "NOUN" and document.lower_ in READERS:
                return document
        if node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.head.head.pos_ in ("VERB", "AUX"):
            node = node.head.head  # "in explaining why ..., Clinton described", "after saying ..."
            continue
        if (
            node.dep_ == "pcomp"
            and node.head.dep_ == "prep"
            and node.head.head.dep_ == "dobj"
            and node.head.head.head.pos_ in ("VERB", "AUX")
        ):
            node = node.head.head.head  # "he made a point of saying ...", "took the opportunity of noting ..."
            continue
        if (
            node.dep_ == "pcomp"
            and node.head.dep_ == "prep"
            and node.head.head.dep_ == "acomp"
            and node.head.lower_ != "to"
        ):
            node = node.head.head.head  # "People are especially keen on telling women to stop “moaning”"
            continue
        if node.dep_ == "xcomp" and node.head.dep_ == "acomp" and node.head.head.pos_ in ("VERB", "AUX"):
            node = node.head.head  # "Trump was quick to add", "she was careful to note"
            continue
        if node.dep_ == "acl" and node.tag_ == "VBD" and node.head.i == node.i - 1 and person_noun(node.head):
            return node.head  # "when Rubio said ..., a man yelled “...”": a past tense the parse hung on its subject
        if node.dep_ == "dobj" and node.tag_ == "VBG" and any(c.dep_ == "auxpass" for c in node.head.children):
            node = node.head  # "the cleric, who ..., is shown lecturing: “...”": the parse made it the passive's object
            continue
        clause = _clause_of_participle(node)
        if clause is not None:
            node = clause  # "Clinton ended the debate with a reference to ..., remarking, “...”"
            continue
        purpose = _purpose_of(node)
        if purpose is not None:
            node = purpose  # "The judge pointed to a previous case to say that ...": the infinitive is the judge's
            continue
        if node is verb and after_a_report(verb, may_speak):
            node = node.head.head
            continue
        if node.dep_ == "advcl" and _name_read_as_root(node.head):
            return node.head  # "Trump defended eminent domain, calling ...": the parse took "defended" for an adjective
        if node.dep_ not in INHERIT_DEPS or node.head is node or node.head.pos_ not in ("VERB", "AUX"):
            return None
        controller = _object_control(node)
        if controller is not None:
            return controller  # "That prompted Rubio to make a joke ... and call Trump “...”": Rubio calls
        sibling = _subject_conjunct(node)
        if sibling is not None:
            node = sibling  # "Hastily politicizing the tragedy, Trump cast the blame ..., and emphasized ..."
            continue
        participle = node.tag_ == "VBG" and node.dep_ == "conj"
        node = node.head
        if participle:
            # "saying that the bill had ... but was waylaid ... - and arguing that ...": past the other
            # conjuncts of the reported clause
            first = node
            while first.dep_ == "conj" and first.head.pos_ in ("VERB", "AUX") and first.head.i < first.i:
                first = first.head
            node = first if first.dep_ in COMPLEMENT_DEPS else node
        while participle and node.dep_ in COMPLEMENT_DEPS and node.head.pos_ in ("VERB", "AUX"):
            # "Rubio pushed back, saying that the bill had ... - and arguing that ...": the parse joined
            # "arguing" to the reported clause; the participle is the main clause's
            node = node.head
    return None


def description_before(verb: Token) -> Token | None:
    """ "In the letter to the inspector general, Harold Benning - the Utah Republican asks ...": right before the
    verb, a description the parse made an appositive of a name in the sentence's opening phrase is the subject."""
    if verb.pos_ != "VERB":
        return None
    k = verb.i - 1
    while k > verb.sent.start and verb.doc[k].dep_ == "advmod" and verb.doc[k].head == verb:
        k -= 1  # "the Utah Republican also asks"
    described = verb.doc[k]
    if described.dep_ != "appos" or described.head.pos_ != "PROPN" or verb.sent[0].pos_ not in ("ADP", "SCONJ"):
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in described.children):
        return None
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    return described if subject in (None, described.head) else None


def subject_after(noun: Token) -> bool:
    """The appositive is in fact the subject of the verb right after it (``description_before``), no role of
    the name it follows."""
    k = noun.i + 1
    while k < len(noun.doc) and noun.doc[k].dep_ == "advmod" and noun.doc[k].head.pos_ == "VERB":
        k += 1
    return k < len(noun.doc) and description_before(noun.doc[k]) == noun


def _named_in(when: Token) -> Token | None:
    """ "Saturday at the state party's convention Sen. Rachel Stone (D-OR) said": a day is no speaker; the person
    the parse hung inside it is."""
    names = [t for t in when.subtree if t.ent_type_ == "PERSON" and t.dep_ in ("appos", "nsubj") and t.i > when.i]
    return names[-1] if names else None


def _purpose_of(verb: Token) -> Token | None:
    """The verb whose object an infinitive of saying was hung on ("pointed to a case to say", "used the
    interview to argue"): the parse made the infinitive a relative clause of the object noun."""
    noun = verb.head
    if verb.dep_ not in ("relcl", "acl") or verb.lower_ not in SPEECH_VERBS or noun.pos_ != "NOUN":
        return None
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    if any(c.dep_ == "prep" and c.lower_ == "by" for c in noun.children):
        return None  # "any attempt by party leaders to declare ...": theirs
    governor = noun.head.head if noun.dep_ == "pobj" and noun.head.dep_ == "prep" else noun.head
    subject = next((c for c in governor.children if c.dep_ == "nsubj"), None)
    if noun.dep_ not in ("pobj", "dobj") or governor.pos_ != "VERB" or subject is None or not may_speak(subject):
        return None
    return governor


def _clause_of_participle(verb: Token) -> Token | None:
    """The verb of the clause a speech participle after a comma belongs to, when the parse hung the participle on
    a thing in that clause (a "reference", a "debate"), not on a person or a document."""
    noun = verb.head
    if verb.dep_ != "acl" or verb.tag_ != "VBG" or verb.lower_ not in SPEECH_VERBS or verb.doc[verb.i - 1].text != ",":
        return None
    if noun.pos_ != "NOUN" or may_speak(noun) or noun.lower_ in READERS:
        return None
    node = noun
    while node.dep_ in ("pobj", "prep", "dobj") and node.head is not node:
        node = node.head
        if node.pos_ == "VERB":
            return node
    return None


def _name_read_as_root(head: Token) -> bool:
    """A name opening its sentence that the parse made the root, its verb read as an adjective after it."""
    nxt = head.doc[head.i + 1] if head.i + 1 < len(head.doc) else None
    return (
        head.dep_ == "ROOT"
        and head.i == head.sent.start
        and head.text[:1].isupper()
        and (head.ent_type_ in ("PERSON", "ORG") or head.tag_ in ("NN", "NNP"))
        and nxt is not None
        and nxt.tag_ in ("VBN", "VBD")
        and nxt.head.head == head
    )


def _object_control(verb: Token) -> Token | None:
    """The object of the verb an infinitive complements ("prompted Rubio to call", "urged him to say"): who does
    what the infinitive says, when that object may speak."""
    if verb.dep_ != "xcomp" or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
    return obj if obj is not None and may_speak(obj) else None


def _subject_conjunct(verb: Token) -> Token | None:
    """The conjunct before ``verb`` with a subject of its own, when the parse joined both to a head that has none
    (an opening participle read as the root: "Hastily politicizing ..., Trump cast ... and emphasized ...")."""
    head = verb.head
    if verb.dep_ != "conj" or any(c.dep_ in SUBJECT_DEPS for c in head.children):
        return None
    return next(
        (
            c
            for c in sorted(head.children, key=lambda c: -c.i)
            if c.dep_ == "conj" and c.i < verb.i and c.pos_ == "VERB" and any(s.dep_ == "nsubj" for s in c.children)
        ),
        None,
    )


def _series_subject(verb: Token) -> Token | None:
    """ "Clinton supports “appropriate pay raises,” opposes “...” and recalled ...": the parse made the first verb of
    the series a clausal complement of the second, which has no subject: the first verb's subject is its."""
    first = next((c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i), None)
    if first is None or verb.doc[verb.i - 1].text not in (",", "”", '"') or first.right_edge.i + 3 < verb.i:
        return None
    subj = next((c for c in first.children if c.dep_ == "nsubj" and c.i < first.i), None)
    # (the series opens the sentence: not "Trump, later alleging ... that Obama wanted to ..., said")
    if subj is None or subj.pos_ != "PROPN":
        return None
    start = subj.left_edge.i
    return subj if start == verb.sent.start or "\n" in verb.doc[start - 1].text else None


def view_of(token: Token) -> bool:
    """ "To Sharp, Trump is the “kind-hearted” man ...", "because to him, liberals pose ...": a "to" phrase opening a
    clause with a person and a comma gives that person's view, like "according to"."""
    doc, verb = token.doc, token.head
    if token.lower_ != "to" or token.dep_ != "prep" or verb.pos_ not in ("VERB", "AUX") or verb.i < token.i:
        return False
    obj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if obj is None or obj.i + 1 >= len(doc) or doc[obj.i + 1].text != "," or obj.right_edge.i != obj.i:
        return False
    before = doc[token.i - 1] if token.i > token.sent.start else None
    opens = before is None or before.lower_ in ("because", "that", "but", "and", ",") or "\n" in before.text
    named = obj.pos_ == "PROPN" and obj.ent_type_ not in ("GPE", "LOC", "DATE")  # not "To Washington, ..."
    person = named or obj.lower_ in ("him", "her", "them")
    return opens and person and any(c.dep_ in SUBJECT_DEPS and c.i > obj.i for c in verb.children)


def _described_by_copula(verb: Token, node: Token, subj: Token) -> Token | None:
    """ "This was the Trump we all knew, the Trump who questions ..., claims that ...": a speech verb the parse joined
    to a copula whose subject is "this"/"that"/"it" is said by the named person the copula describes."""
    if verb is node or subj.lower_ not in ("this", "that", "it") or node.lemma_ != "be" or verb.dep_ != "conj":
        return None
    attr = next((c for c in node.children if c.dep_ == "attr"), None)
    return attr if attr is not None and attr.pos_ == "PROPN" and attr.ent_type_ == "PERSON" else None


def _second_clause(subj: Token) -> Token:
    """ "a group of rabbis called for a boycott ..., and the Anti-Defamation League denounced ... and said": the
    parse read the first clause's verb as a participle of its subject and joined the two subjects; the verb's is
    the one after ", and"."""
    doc = subj.doc
    finite = [c for c in subj.children if c.dep_ == "acl" and c.tag_ == "VBD"]
    if not any(o.dep_ in ("dobj", "prep") for c in finite for o in c.children):
        return subj
    conj = next((c for c in subj.children if c.dep_ == "conj" and doc[c.left_edge.i - 1].lower_ == "and"), None)
    return conj if conj is not None and doc[conj.left_edge.i - 2].text == "," else subj


def _relative(verb: Token) -> Token | None:
    """The noun a relative clause is about, also from a later conjunct of the clause."""
    while verb.dep_ == "conj" and verb.head.i < verb.i:
        verb = verb.head
    return verb.head if verb.dep_ == "relcl" else None


def _reporter_of_conjunct(verb: Token) -> Token | None:
    """ "De Blasio said the move was made by Bratton and said, “...”", "Suu Kyi said it was too early but
    added, “...”": the parse joined the second speech verb to the reported clause, whose subject ("the
    move", "it") says nothing; the speaker is the reporter's subject. A reported clause whose subject is
    a person keeps it ("Trump said Clinton called him and said ..." is Clinton's)."""
    clause = verb.head
    if (
        verb.dep_ != "conj"
        or verb.lower_ not in SPEECH_VERBS
        or clause.dep_ != "ccomp"
        or clause.head.lower_ not in SPEECH_VERBS
        or clause.head.i > verb.i
    ):
        return None
    inner = next((c for c in clause.children if c.dep_ in SUBJECT_DEPS), None)
    if inner is None or may_speak(inner):
        return None
    return subject_of(clause.head)


def _reporter_of_participle(verb: Token) -> Token | None:
    """ "Trump told Newsmax that Romney “had a crazy policy ...,” adding, “He lost ...”": a speech participle that
    opens a quote of its own, hung by the parse on the reported clause, is the reporter's, not the clause's."""
    doc = verb.doc
    if verb.tag_ != "VBG" or verb.lower_ not in SPEECH_VERBS or verb.dep_ not in ("advcl", "conj", "xcomp"):
        return None
    opens = verb.i + 2 < len(doc) and doc[verb.i + 1].text in (",", ":") and doc[verb.i + 2].is_quote
    # "Cruz said that Trump represents “New York values,” stating ... that they are “...”": the reported clause
    # closed with its quote before the participle
    closed = verb.i > 2 and doc[verb.i - 1].is_quote and doc[verb.i - 2].text == ","
    if not opens and not closed:
        return None
    clause = verb.head
    # (also out of a verb the reported clause governs: "X said Clinton will have to choose ..., saying, “...”")
    while clause.dep_ in ("conj", "advcl", "xcomp") and clause.head.i < clause.i:
        clause = clause.head
    if clause.dep_ != "ccomp" or clause.head.lower_ not in SPEECH_VERBS or clause.head.i > verb.i:
        return None
    return subject_of(clause.head)


def may_speak(subject: Token) -> bool:
    """A subject that could be the one speaking: a person, a body, a name, a pronoun for one."""
    low = subject.lower_
    if subject.pos_ == "PRON":
        return low in ("he", "she", "they", "i", "we", "you", "who")
    return subject.pos_ == "PROPN" or subject.ent_type_ in ("PERSON", "ORG", "NORP") or person_noun(subject)


def person_noun(token: Token) -> bool:
    """ "a reporter for AFP", "the Vermont senator": a description of a person, whom "he" may take up."""
    low = token.lower_
    return token.pos_ == "NOUN" and (
        low in PERSON_NOUNS or (low.endswith(("ist", "ian", "man", "woman", "person")) and low not in ("human",))
    )


def nominal(token: Token) -> bool:
    """A noun, or an adjective or adverb the tagger took for one that heads a phrase with a determiner: "the
    38-year-old", "this Obama look-alike"."""
    if token.pos_ == "NOUN":
        return True
    # not an adjective whose noun comes later: "both the Democratic and the Republican platforms"
    return (
        token.pos_ in ("ADJ", "ADV")
        and not any(c.dep_ in ("conj", "cc") for c in token.children)
        and any(c.dep_ == "det" and c.i < token.i for c in token.children)
    )


def root_participle(token: Token) -> bool:
    """A past tense the parse hung as a participle on the sentence's root, a name with no verb, right after the
    name and its appositive: "Beruff, a Scott ally, called Florida's standards “strong.”"."""
    head = token.head
    if token.tag_ == "VBN" and token.dep_ == "acl" and head.dep_ == "nsubj" and head.i == token.i - 1:
        # "Multiple outlets reported on Wednesday the Secret Service had “...”": the sentence opens with the noun and
        # the parse gave the root a second subject, the reported clause's
        verb = head.head
        second = any(c.dep_ == "nsubj" and c.i > token.i for c in verb.children) and verb.dep_ == "ROOT"
        return second and head.left_edge.i == token.sent.start and token.lower_ in REPORTING_VERBS
    if token.tag_ != "VBN" or token.dep_ != "acl" or head.dep_ != "ROOT" or head.pos_ != "PROPN" or token.i < head.i:
        return False
    between = range(head.i + 1, token.i)
    return all(
        token.doc[k].is_punct or token.doc[k].head.dep_ == "appos" or token.doc[k].dep_ == "appos" for k in between
    )


def main_verb(token: Token) -> bool:
    """The verb of the sentence's main clause, or one the parse hung on a root name (``root_participle``)."""
    return token.dep_ in ("ROOT", "parataxis") or root_participle(token)
