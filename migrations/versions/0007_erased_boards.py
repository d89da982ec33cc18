"""Erased boards: the store refuses every row for a board id listed here (issue 13.5).

Revision ID: 0007_erased_boards
Revises: 0006_organisations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_erased_boards"
down_revision = "0006_organisations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_boards",
        sa.Column("board_id", sa.String(32), primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erased_boards")
