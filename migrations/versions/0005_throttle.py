"""Wrong join codes and passwords counted in the database (issue 13, item 6).

Revision ID: 0005_throttle
Revises: 0004_team
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_throttle"
down_revision = "0004_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failure_counts",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("window", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("failure_counts")
