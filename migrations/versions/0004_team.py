"""The team board of each team: one board of kind "team" (issue 7).

Revision ID: 0004_team
Revises: 0003_versions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_team"
down_revision = "0003_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_boards",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("teams.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("team_board", sa.String(32), nullable=False, unique=True),
    )


def downgrade() -> None:
    op.drop_table("team_boards")
