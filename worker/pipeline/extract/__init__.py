"""extract: quotes with their speakers, and named entities with their mentions."""

from worker.pipeline.extract.core import extract_doc, extract_texts
from worker.pipeline.extract.model import Entity, Extraction, Mention, Quote
from worker.pipeline.extract.nlp import load_nlp

__all__ = ["Entity", "Extraction", "Mention", "Quote", "extract_doc", "extract_texts", "load_nlp"]
