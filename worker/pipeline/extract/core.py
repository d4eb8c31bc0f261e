"""Entry point of the extract stage: a spaCy Doc of the clean text in, an Extraction out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from worker.pipeline.extract.model import Entity, Extraction, Mention, Quote

ENTITY_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "DATE": "date",
    "MONEY": "money",
    "QUANTITY": "quantity",
    "PERCENT": "quantity",
    "EVENT": "event",
    "WORK_OF_ART": "work",
    "LAW": "law",
    "PRODUCT": "product",
}
_QUOTED = re.compile(r"[\"“]([^\"“”]{2,}?)[\"”]")


def extract_texts(nlp: Language, texts: Iterable[str], batch_size: int = 8) -> Iterator[Extraction]:
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield extract_doc(doc)


def extract_doc(doc: Doc) -> Extraction:
    entities = extract_entities(doc)
    return Extraction(quotes=extract_quotes(doc.text), entities=entities)


def extract_entities(doc: Doc) -> list[Entity]:
    by_key: dict[tuple[str, str], Entity] = {}
    for ent in doc.ents:
        etype = ENTITY_TYPES.get(ent.label_)
        if etype is None:
            continue
        key = (normalize_name(ent.text), etype)
        mention = Mention(ent.start_char, ent.end_char, ent.text)
        if key in by_key:
            by_key[key].mentions.append(mention)
        else:
            by_key[key] = Entity(name=ent.text, type=etype, mentions=[mention])
    return list(by_key.values())


def extract_quotes(text: str) -> list[Quote]:
    return [Quote(text=m.group(1), start=m.start(1), end=m.end(1), kind="direct") for m in _QUOTED.finditer(text)]


def normalize_name(name: str) -> str:
    return " ".join(re.sub(r"[’']s$", "", name).casefold().split())
