"""The near-duplicates step: LSH buckets find candidate copies, containment confirms them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from worker.pipeline.link import dedup
from worker.storage.linking.queries import among
from worker.storage.models import Article, ArticleBucket, ArticleFingerprint, NearDuplicate


def find_near_duplicates(session: Session, article: Article, fp: dedup.Fingerprint) -> list[tuple[int, float]]:
    session.execute(delete(ArticleBucket).where(ArticleBucket.article_id == article.id))
    session.execute(delete(NearDuplicate).where(NearDuplicate.article_id == article.id))
    session.execute(
        insert(ArticleFingerprint)
        .values(article_id=article.id, signature=fp.signature, shingle_count=fp.shingle_count)
        .on_conflict_do_update(
            index_elements=["article_id"], set_={"signature": fp.signature, "shingle_count": fp.shingle_count}
        )
    )
    buckets = {"article_id": article.id, "bands": [b for b, _ in fp.buckets], "buckets": [h for _, h in fp.buckets]}
    candidates = session.execute(
        text(
            "SELECT f.article_id, f.signature FROM article_fingerprints f WHERE f.article_id IN ("
            "SELECT x.article_id FROM article_lsh_buckets x JOIN unnest(CAST(:bands AS smallint[]), "
            "CAST(:buckets AS bigint[])) AS t(b, h) ON x.band = t.b AND x.bucket = t.h"
            ") AND f.article_id <> :article_id LIMIT 500"
        ),
        buckets,
    ).all()
    session.execute(
        text(
            "INSERT INTO article_lsh_buckets (band, bucket, article_id) SELECT b, h, :article_id FROM "
            "unnest(CAST(:bands AS smallint[]), CAST(:buckets AS bigint[])) AS t(b, h)"
        ),
        buckets,
    )
    likely = [c.article_id for c in candidates if dedup.estimated_jaccard(fp.signature, c.signature) >= 0.05]
    copies: list[tuple[int, float]] = []
    for other_id, other_text in session.execute(
        select(Article.id, Article.clean_text).where(Article.id == among(likely))
    ).all():
        score = dedup.containment(article.clean_text, other_text)
        if score >= dedup.CONTAINMENT_THRESHOLD:
            copies.append((other_id, round(score, 4)))
    for other_id, score in copies:
        newer, older = sorted((article.id, other_id), key=lambda i: _order_key(session, i), reverse=True)
        session.execute(
            insert(NearDuplicate)
            .values(article_id=newer, duplicate_of_id=older, similarity=score)
            .on_conflict_do_update(index_elements=["article_id", "duplicate_of_id"], set_={"similarity": score})
        )
    session.flush()
    return copies


def _order_key(session: Session, article_id: int) -> tuple[date, int]:
    """The copy is the later article: by publication date, then by arrival."""
    return (article_date(session.get(Article, article_id)), article_id)


def article_date(article: Article | None) -> date:
    assert article is not None
    return article.published_date or (article.created_at or datetime.now(UTC)).date()
