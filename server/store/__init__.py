"""Persistence: boards, the document update log with group commit, snapshots, migrations."""

from server.store.boards import BoardRecord
from server.store.models import Base
from server.store.store import Store

__all__ = ["Base", "BoardRecord", "Store"]
