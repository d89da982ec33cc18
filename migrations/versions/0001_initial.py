"""Initial schema: boards, the document update log and document snapshots.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

LOG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edit_token_hash", sa.String(64), nullable=False),
        sa.Column("view_token_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "doc_updates",
        sa.Column("id", LOG_ID, primary_key=True, autoincrement=True),
        sa.Column("doc_key", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_doc_updates_doc_key_id", "doc_updates", ["doc_key", "id"])
    op.create_table(
        "doc_snapshots",
        sa.Column("doc_key", sa.String(200), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("upto_id", LOG_ID, nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("doc_snapshots")
    op.drop_index("ix_doc_updates_doc_key_id", table_name="doc_updates")
    op.drop_table("doc_updates")
    op.drop_table("boards")
