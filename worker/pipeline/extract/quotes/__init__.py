"""Quotes of one article and who said them, from the one spaCy parse of the clean text.

``extract_quotes(doc, entities)`` returns direct, partial and indirect quotes (and, when asked,
quoted terms). One module per step, each a function of the Doc (and the steps before), in the
spirit of spaCy components and textacy's ``extract`` functions:

1. ``marks``: quotation marks paired into quoted segments;
2. ``cues``: speech cues and their grammatical subjects (``nearby``: the name next to a cue the parse gave
   no subject);
3. ``speakers``: each cue's subject resolved to an entity (names, pronouns; ``describe``: descriptions);
4. ``attach``: each quoted segment attached to the cue that introduces it;
5. ``kind``: direct, partial, term, and the span of an indirect quote;
``core`` runs the steps in order; ``rules`` holds the word lists they read.
"""

from worker.pipeline.extract.quotes.core import extract_quotes
from worker.pipeline.extract.quotes.marks import pair_marks

__all__ = ["extract_quotes", "pair_marks"]
