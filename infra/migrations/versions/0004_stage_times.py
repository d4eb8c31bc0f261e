"""ops: per-stage timestamps on ingested_files (stage latency across worker processes), retries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ingested_files",
        sa.Column("queued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.add_column("ingested_files", sa.Column("parsed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("ingested_files", sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("ingested_files", sa.Column("retries", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE ingested_files SET queued_at = created_at")


def downgrade() -> None:
    for column in ("retries", "extracted_at", "parsed_at", "queued_at"):
        op.drop_column("ingested_files", column)
