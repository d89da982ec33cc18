"""Persistence: boards, the document update log with group commit, snapshots, migrations."""

from server.store.boards import BoardRecord
from server.store.store import Store

__all__ = ["BoardRecord", "Store"]
