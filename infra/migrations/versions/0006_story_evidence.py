"""link: undated stories stay undated; story words and word statistics; reversible story merges;
headline entity mentions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("stories", "first_date", nullable=True)
    op.alter_column("stories", "last_date", nullable=True)
    op.alter_column("story_entities", "last_date", nullable=True)
    op.add_column("stories", sa.Column("merged_into_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f("fk_stories_merged_into_id_stories"), "stories", "stories", ["merged_into_id"], ["id"])
    op.create_table(
        "story_terms",
        sa.Column("term", sa.BigInteger(), primary_key=True),
        sa.Column("story_id", sa.BigInteger(), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("weight", sa.Float(), nullable=False, server_default="0"),
    )
    op.create_index(op.f("ix_story_terms_story_id"), "story_terms", ["story_id"])
    op.create_index(op.f("ix_story_entities_entity_id_story_id"), "story_entities", ["entity_id", "story_id"])
    op.create_index(op.f("ix_entity_links_entity_id_article_id"), "entity_links", ["entity_id", "article_id"])
    op.create_table(
        "term_stats",
        sa.Column("term", sa.BigInteger(), primary_key=True),
        sa.Column("document_frequency", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "story_merges",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("from_story_id", sa.BigInteger(), sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("into_story_id", sa.BigInteger(), sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("article_ids", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("articles", sa.Column("terms_counted", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("entity_mentions", sa.Column("in_title", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.drop_constraint(op.f("uq_entity_mentions_article_id_start_end"), "entity_mentions", type_="unique")
    op.create_unique_constraint(
        op.f("uq_entity_mentions_article_id_in_title_start_end"),
        "entity_mentions",
        ["article_id", "in_title", "start", "end"],
    )


def downgrade() -> None:
    op.drop_constraint(op.f("uq_entity_mentions_article_id_in_title_start_end"), "entity_mentions", type_="unique")
    op.execute("DELETE FROM entity_mentions WHERE in_title")
    op.create_unique_constraint(
        op.f("uq_entity_mentions_article_id_start_end"), "entity_mentions", ["article_id", "start", "end"]
    )
    op.drop_column("entity_mentions", "in_title")
    op.drop_column("articles", "terms_counted")
    op.drop_table("story_merges")
    op.drop_table("term_stats")
    op.drop_index(op.f("ix_entity_links_entity_id_article_id"), table_name="entity_links")
    op.drop_index(op.f("ix_story_entities_entity_id_story_id"), table_name="story_entities")
    op.drop_index(op.f("ix_story_terms_story_id"), table_name="story_terms")
    op.drop_table("story_terms")
    op.drop_constraint(op.f("fk_stories_merged_into_id_stories"), "stories", type_="foreignkey")
    op.drop_column("stories", "merged_into_id")
    op.execute("UPDATE story_entities SET last_date = CURRENT_DATE WHERE last_date IS NULL")
    op.execute("UPDATE stories SET first_date = CURRENT_DATE, last_date = CURRENT_DATE WHERE first_date IS NULL")
    op.alter_column("story_entities", "last_date", nullable=False)
    op.alter_column("stories", "last_date", nullable=False)
    op.alter_column("stories", "first_date", nullable=False)
