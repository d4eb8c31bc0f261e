"""Entry point of the extract stage: a spaCy Doc of the clean text in, an Extraction out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from worker.pipeline.extract.entities import extract_entities
from worker.pipeline.extract.model import Extraction
from worker.pipeline.extract.quotes import extract_quotes
from worker.pipeline.extract.title import add_title_entities


def extract_texts(nlp: Language, texts: Iterable[str], batch_size: int = 8) -> Iterator[Extraction]:
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield extract_doc(doc)


def extract_doc(doc: Doc, title: Doc | None = None, terms: bool = False, authors: Sequence[str] = ()) -> Extraction:
    """Quotes come from the body; entities from the body and, when given, the headline. Quoted
    terms (scare quotes, titles) only when ``terms``. ``authors`` (the byline) speak for "I" in a
    first-person piece."""
    entities = extract_entities(doc)
    quotes = extract_quotes(doc, entities, terms=terms, authors=authors)
    return Extraction(quotes=quotes, entities=add_title_entities(entities, title))
