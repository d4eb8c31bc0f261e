"""parse + extract on one file with no database or broker: ``wirewatch extract PATH --json``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from worker.pipeline.extract import extract_doc, load_nlp
from worker.pipeline.parse import parse_document


def run_local(raw: bytes, filename: str, model: str) -> dict[str, Any]:
    parsed = parse_document(raw, filename)
    result = parsed.to_dict()
    result["quotes"], result["entities"] = [], []
    if parsed.language in (None, "en"):
        nlp = load_nlp(model)
        extraction = extract_doc(nlp(parsed.text), nlp(parsed.title or ""), authors=parsed.authors)
        result["quotes"] = [asdict(q) for q in extraction.quotes]
        result["entities"] = [asdict(e) for e in extraction.entities]
    return result
