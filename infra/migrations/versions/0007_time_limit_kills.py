"""ingested_files.time_limit_kills: how many times a stage's hard time limit killed the file's task

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ingested_files", sa.Column("time_limit_kills", sa.SmallInteger(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.drop_column("ingested_files", "time_limit_kills")
