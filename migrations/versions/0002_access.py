"""Access: accounts, teams, cases, meetings, join codes, participants, sections, consent, audit.

Revision ID: 0002_access
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_access"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

LOG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def _case_fk() -> sa.Column:
    return sa.Column(
        "case_id", sa.String(32), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("org", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created", TS, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.String(32),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("expires", TS, nullable=False),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "teams",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
    )
    op.create_table(
        "team_members",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("teams.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            sa.String(32),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("board_id", sa.String(32), nullable=False, unique=True),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("coordinator_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created", TS, nullable=False),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(32), primary_key=True),
        _case_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
    )
    op.create_index("ix_meetings_case_id", "meetings", ["case_id"])
    op.create_table(
        "join_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.String(32),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("expires", TS, nullable=False),
        sa.Column("created", TS, nullable=False),
    )
    op.create_index("ix_join_codes_meeting_id", "join_codes", ["meeting_id"])
    op.create_table(
        "participants",
        sa.Column("id", sa.String(32), primary_key=True),
        _case_fk(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("can_write", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("token_expires", TS, nullable=True),
        sa.Column("created", TS, nullable=False),
    )
    op.create_index("ix_participants_case_id", "participants", ["case_id"])
    op.create_table(
        "sections",
        sa.Column(
            "case_id",
            sa.String(32),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("scope", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.String(32), primary_key=True),
        _case_fk(),
        sa.Column("org", sa.String(120), nullable=False),
        sa.Column("given_by", sa.Text(), nullable=False),
        sa.Column("given_at", TS, nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("expires", TS, nullable=True),
        sa.Column("withdrawn_at", TS, nullable=True),
    )
    op.create_index("ix_consents_case_id", "consents", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", LOG_ID, primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("board_id", sa.String(32), nullable=True),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_board_id", "audit_log", ["board_id", "id"])


def downgrade() -> None:
    """Drop in reverse order of the foreign keys (a table's indexes go with it)."""
    for table in (
        "audit_log",
        "consents",
        "sections",
        "participants",
        "join_codes",
        "meetings",
        "cases",
        "team_members",
        "teams",
        "sessions",
        "users",
    ):
        op.drop_table(table)
