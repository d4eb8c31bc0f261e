"""story_consolidations: runs of the story step over the whole corpus in a canonical order

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_consolidations",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("last_article_id", sa.BigInteger(), nullable=False),
        sa.Column("stories_before", sa.Integer(), nullable=False),
        sa.Column("stories_after", sa.Integer(), nullable=False),
        sa.Column("articles_moved", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("story_consolidations")
