"""parse: who forwarded or posted an article copy (mailing lists, email)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("forwarded_by", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "forwarded_by")
