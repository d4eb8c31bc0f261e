"""The steps of ``extract_entities`` run in order over one Doc: candidates, missed names, roles, the type vote,
attributes, person clusters with their epithets, then the other clusters."""

from __future__ import annotations

from spacy.tokens import Doc

from worker.pipeline.extract.entities.appositives import right_context
from worker.pipeline.extract.entities.assemble import to_entity
from worker.pipeline.extract.entities.candidates import candidate_spans
from worker.pipeline.extract.entities.described import described_people
from worker.pipeline.extract.entities.descriptions import is_description, name_part
from worker.pipeline.extract.entities.missed import acronym_spans, honorific_spans, split_coordinated, surname_spans
from worker.pipeline.extract.entities.others import cluster_others
from worker.pipeline.extract.entities.persons import cluster_persons, epithets_of_people
from worker.pipeline.extract.entities.roles import drop_inside_roles, left_context
from worker.pipeline.extract.entities.rules import NAME_TYPES
from worker.pipeline.extract.entities.spans import coverage
from worker.pipeline.extract.entities.vote import vote_types
from worker.pipeline.extract.epithets import is_epithet
from worker.pipeline.extract.model import Entity


def extract_entities(doc: Doc) -> list[Entity]:
    """Entities of one article, in order of first mention; every mention's text is ``doc.text[start:end]``."""
    spans = candidate_spans(doc)
    covered = coverage(doc, spans)
    spans += honorific_spans(doc, covered)
    covered = coverage(doc, spans)
    for span in spans:
        left_context(doc, span, covered, spans)
    spans = drop_inside_roles(spans)
    vote_types(doc, spans)
    spans = split_coordinated(doc, spans)
    covered = coverage(doc, spans)
    spans += surname_spans(doc, spans, covered)
    spans += acronym_spans(doc, spans, coverage(doc, spans))
    spans.sort(key=lambda s: s.start)
    for span in spans:
        if span.etype == "person":
            right_context(doc, span)
    for span in spans:
        if span.etype == "person":
            name_part(doc, span)
    surnames = {doc[s.end - 1].text for s in spans if s.etype == "person" and s.end - s.start > 1}
    epithets = [s for s in spans if s.etype in NAME_TYPES and is_epithet(doc, (s.start, s.end))]
    spans = [s for s in spans if s not in epithets]
    spans = [s for s in spans if s.etype != "person" or not is_description(doc, s, surnames)]
    groups = cluster_persons(doc, [s for s in spans if s.etype == "person"])
    spans += epithets_of_people(doc, epithets, groups)
    described_people(doc, groups)
    groups += cluster_others(doc, [s for s in spans if s.etype != "person"])
    entities = [to_entity(doc, etype, members) for etype, members in groups if members]
    entities.sort(key=lambda e: e.mentions[0].start)
    return entities
