"""Alembic environment of Tavle.

The server runs ``upgrade head`` itself at start (``server.store.engine.migrate``)
and hands its connection in ``config.attributes["connection"]``. From the
command line (``alembic -c migrations/alembic.ini upgrade head``) the database
is the one of the ``TAVLE_*`` settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from server.config import Settings
from server.store.engine import make_engine


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (SQL script) mode is not supported; run against a database")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(Settings.from_env())
    try:
        with engine.begin() as conn:
            run(conn)
    finally:
        engine.dispose()


main()
