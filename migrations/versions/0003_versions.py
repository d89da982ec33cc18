"""Agreed plan versions and case review notes (issue 6.1, issue 7).

Revision ID: 0003_versions
Revises: 0002_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_versions"
down_revision = "0002_access"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _case_fk() -> sa.Column:
    return sa.Column(
        "case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        _case_fk(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("agreed_by", sa.Text(), nullable=False),
        sa.Column("present", sa.Text(), nullable=False),  # JSON list of {name, role}
        sa.Column("state", sa.String(20), nullable=False),  # awaiting_citizen | agreed
        sa.Column("confirmed_by", sa.Text(), nullable=True),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "number"),
    )
    op.create_table(
        "review_notes",
        sa.Column("id", sa.String(32), primary_key=True),
        _case_fk(),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created", TS, nullable=False),
    )
    op.create_index("ix_review_notes_case", "review_notes", ["case_id", "date"])


def downgrade() -> None:
    op.drop_table("review_notes")
    op.drop_table("plan_versions")
