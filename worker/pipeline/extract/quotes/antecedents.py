"""Where a he/she looks for its antecedent: subjects, main-clause subjects, and the most salient name of a
sentence (subject > object of the main verb > other, the later one on a tie)."""

from __future__ import annotations

from spacy.tokens import Doc

from worker.pipeline.extract.quotes.rules import SUBJECT_DEPS


def main_subject(doc: Doc, i: int) -> bool:
    node = doc[i]
    for _ in range(4):
        if node.dep_ in SUBJECT_DEPS:
            verb = node.head
            return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
        if node.dep_ not in ("compound", "flat", "appos") or node.head is node:
            return False
        node = node.head
    return False


def is_subject(doc: Doc, i: int) -> bool:
    node = doc[i]
    for _ in range(4):
        if node.dep_ in SUBJECT_DEPS:
            return True
        if node.dep_ not in ("compound", "flat", "appos") or node.head is node:
            return False
        node = node.head
    return False


def salient(doc: Doc, cands: list[tuple[int, int]]) -> tuple[int, int]:
    """Of the names in the last sentence naming any, the subject ("a worker named Antonio Arroyo"), else an
    object of the main verb, else the last: "The rise of Bannon gave Beck new impetus to oppose Trump. He
    said" is Beck."""
    sent = doc[cands[-1][0]].sent.start

    def rank(i: int) -> int:
        node = doc[i]
        for _ in range(5):
            if node.dep_ in SUBJECT_DEPS:
                return 0
            if node.dep_ in ("dobj", "dative") and node.head.dep_ == "ROOT":
                return 1
            if node.dep_ not in ("compound", "flat", "appos", "oprd", "acl") or node.head.i == node.i:
                break
            node = node.head
        return 2

    return min((c for c in cands if doc[c[0]].sent.start == sent), key=lambda c: (rank(c[0]), -c[0]))
