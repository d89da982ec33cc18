"""The municipality's list of organisations (issue 16).

Revision ID: 0006_organisations
Revises: 0005_throttle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_organisations"
down_revision = "0005_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sor", sa.String(18), nullable=False, server_default=""),
        sa.Column("cvr", sa.String(8), nullable=False, server_default=""),
        sa.Column("municipality", sa.String(4), nullable=False, server_default=""),
        sa.Column("kombit", sa.String(64), nullable=False, server_default=""),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("organisations")
