"""The quotes step: each quote joins the cluster of the same statement in other articles, or starts one."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from worker.pipeline.link import quotes
from worker.storage.linking.queries import among
from worker.storage.models import Quote, QuoteCluster

QUOTE_KINDS = ("direct", "partial")
MAX_QUOTE_CANDIDATES = 200
PROBE_TERMS = 4  # a quote is looked up by its longest (rarest) content words
RECENT_POSTINGS = 300  # per probe word: same-statement reports arrive close together


def cluster_quotes(session: Session, article_id: int) -> int:
    rows = session.execute(
        select(Quote.id, Quote.text, Quote.speaker_entity_id, Quote.cluster_id).where(
            Quote.article_id == article_id, Quote.kind.in_(QUOTE_KINDS)
        )
    ).all()
    indexable = [r for r in rows if quotes.is_indexable(r.text)]
    postings = {(t, r.id) for r in indexable for t in quotes.index_terms(r.text)}
    if postings:
        terms, quote_ids = zip(*postings, strict=True)
        session.execute(
            text(  # arrays, not a VALUES list: one bind per column, compiled once (see bench/README)
                "INSERT INTO quote_terms (term, quote_id) SELECT * FROM "
                "unnest(CAST(:terms AS bigint[]), CAST(:quote_ids AS bigint[])) ON CONFLICT DO NOTHING"
            ),
            {"terms": list(terms), "quote_ids": list(quote_ids)},
        )
    pending = [quotes.QuoteText(r.id, r.text, r.speaker_entity_id) for r in indexable if r.cluster_id is None]
    candidates = candidate_quotes(session, article_id, pending)
    assignments = choose_clusters(session, pending, candidates)
    if assignments:
        qids, cids = zip(*assignments, strict=True)
        session.execute(
            text(
                "UPDATE quotes q SET cluster_id = t.cid FROM "
                "unnest(CAST(:qids AS bigint[]), CAST(:cids AS bigint[])) AS t(qid, cid) WHERE q.id = t.qid"
            ),
            {"qids": list(qids), "cids": list(cids)},
        )
    session.flush()
    return len(indexable)


def probe_terms(text_: str) -> list[int]:
    """A quote is looked up by its longest content words: long words are the rare ones."""
    words = sorted(set(quotes.content_words(text_)), key=lambda w: (-len(w), w))[:PROBE_TERMS]
    return [quotes.index_terms(w).pop() for w in words]


def candidate_quotes(
    session: Session, article_id: int, pending: list[quotes.QuoteText]
) -> dict[int, list[tuple[quotes.QuoteText, int]]]:
    """For each quote, clustered quotes of other articles sharing its probe words. Each word's
    postings are read newest first and only RECENT_POSTINGS deep, so the cost of a lookup
    does not grow with the corpus."""
    probes = {q.quote_id: probe_terms(q.text) for q in pending}
    terms = sorted({t for ts in probes.values() for t in ts})
    if not terms:
        return {}
    hits = session.execute(
        text(
            "SELECT p.term, t.quote_id FROM unnest(CAST(:terms AS bigint[])) AS p(term) "
            "CROSS JOIN LATERAL (SELECT quote_id FROM quote_terms WHERE term = p.term "
            "ORDER BY quote_id DESC LIMIT :depth) AS t"
        ),
        {"terms": terms, "depth": RECENT_POSTINGS},
    ).all()
    by_term: dict[int, list[int]] = defaultdict(list)
    for term, quote_id in hits:
        by_term[term].append(quote_id)
    shared = {qid: Counter(c for t in ts for c in by_term[t]) for qid, ts in probes.items()}
    wanted = {c for counts in shared.values() for c, _ in counts.most_common(MAX_QUOTE_CANDIDATES)}
    rows = session.execute(
        select(Quote.id, Quote.text, Quote.speaker_entity_id, Quote.cluster_id).where(
            Quote.id == among(wanted), Quote.article_id != article_id, Quote.cluster_id.is_not(None)
        )
    ).all()
    known = {r.id: (quotes.QuoteText(r.id, r.text, r.speaker_entity_id), r.cluster_id) for r in rows}
    return {
        qid: [known[c] for c, _ in counts.most_common(MAX_QUOTE_CANDIDATES) if c in known]
        for qid, counts in shared.items()
    }


def choose_clusters(
    session: Session, pending: list[quotes.QuoteText], candidates: dict[int, list[tuple[quotes.QuoteText, int]]]
) -> list[tuple[int, int]]:
    """(quote id, cluster id) for each quote: the cluster of its best match among other articles'
    quotes, or a new cluster (all created in one statement, in the quotes' order)."""
    matches = [quotes.best_match(q, [c for c, _ in candidates.get(q.quote_id, [])]) for q in pending]
    created = iter(create_clusters(session, [q for q, m in zip(pending, matches, strict=True) if m is None]))
    chosen = []
    for quote, match in zip(pending, matches, strict=True):
        if match is None:
            chosen.append((quote.quote_id, next(created)))
            continue
        cluster_id = {q.quote_id: c for q, c in candidates[quote.quote_id]}[match[0].quote_id]
        cluster = session.get(QuoteCluster, cluster_id)
        assert cluster is not None
        if len(quote.text) > len(cluster.text):
            cluster.text = quote.text
        if cluster.speaker_entity_id is None:
            cluster.speaker_entity_id = quote.speaker_entity_id
        chosen.append((quote.quote_id, cluster_id))
    return chosen


def create_clusters(session: Session, founders: list[quotes.QuoteText]) -> list[int]:
    """New clusters, one per quote; their ids in the quotes' order (identities are drawn in
    insertion order, and the rows are inserted in the quotes' order)."""
    if not founders:
        return []
    ids = session.execute(
        text(
            "INSERT INTO quote_clusters (text, speaker_entity_id) SELECT t, s FROM "
            "unnest(CAST(:texts AS text[]), CAST(:speakers AS bigint[])) WITH ORDINALITY AS x(t, s, n) "
            "ORDER BY n RETURNING id"
        ),
        {"texts": [q.text for q in founders], "speakers": [q.speaker_entity_id for q in founders]},
    ).scalars()
    return sorted(ids)
