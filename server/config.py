"""Every setting of Tavle, read from ``TAVLE_*`` environment variables.

One home for configuration: modules receive a :class:`Settings` instance and
never read the environment themselves. Defaults give the embedded mode
(SQLite in the per-user data folder, one process, no Redis).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _str(name: str, default: str) -> str:
    raw = os.environ.get(name)
    return raw if raw not in (None, "") else default


def default_data_dir() -> Path:
    """The per-user data folder, ``$XDG_DATA_HOME/tavle`` (else ``~/.local/share/tavle``).

    Absolute, so ``tavle serve`` and every other ``tavle`` command find the same database
    wherever they are started from (a relative default made a second, empty database
    when the CLI ran in another folder).
    """
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "tavle"


def _data_dir() -> Path:
    """``TAVLE_DATA_DIR`` made absolute (relative to the current folder), else the default."""
    raw = os.environ.get("TAVLE_DATA_DIR")
    return Path(raw).expanduser().resolve() if raw else default_data_dir()


@dataclass(frozen=True)
class Settings:
    """All settings; ``Settings.from_env()`` is the only reader of the environment."""

    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""  # empty: sqlite:///<data_dir>/tavle.db
    redis_url: str = ""  # empty: single process, no cross-process fan-out
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""  # e.g. https://tavle.kommune.dk, used in QR codes; empty: from request
    max_message_bytes: int = 2 * 1024 * 1024
    max_board_bytes: int = 32 * 1024 * 1024
    max_awareness_bytes: int = 8192  # one awareness state (cursor, name, a stroke in progress)
    flush_interval_ms: int = 100
    send_interval_ms: int = 33  # while busy, least time between two writes to a client
    send_busy_percent: int = 50  # busy: from this share of a core (pacing.py); 0: always
    compact_every: int = 2000  # least updates in the log before a live room compacts (rooms.py)
    send_queue_frames: int = 2000  # per-client bound; a slower consumer is closed
    send_queue_bytes: int = 64 * 1024 * 1024  # the same in bytes: a whole board fits, twice
    room_unload_seconds: float = 5.0  # an empty room is persisted and unloaded after this
    anti_entropy_seconds: float = 2.0  # RedisBus: state vectors exchanged this often per doc
    secret_key: str = ""  # signs session cookies; empty: generated once into data_dir
    oidc_issuer: str = ""  # OpenID Connect provider (e.g. https://login.kommune.dk); empty: off
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_username_claim: str = "preferred_username"  # claim naming the local account
    access_sweep_seconds: float = 30.0  # open connections re-checked (expiry, other processes)
    # JSON {"name", "low", "high", "labels"}; empty: 1–10 (board/progress.py)
    progress_scale: str = ""
    open_boards: bool = False  # True: anyone may POST /api/boards (demos, tests); else sign-in
    admins: tuple[str, ...] = ()  # usernames that may change the list of organisations (/orgs)
    # addresses / networks of reverse proxies whose X-Forwarded-For/-Proto are believed
    trusted_proxies: str = ""
    log_level: str = "INFO"
    # the municipality's own tilgængelighedserklæring; empty: Tavle's page /tilgaengelighed
    accessibility_statement_url: str = ""
    # who to contact about accessibility (e-mail, phone or a sentence), shown in the statement
    accessibility_contact: str = ""

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tavle.db').as_posix()}"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "data_dir": _data_dir(),
            "database_url": _str("TAVLE_DATABASE_URL", ""),
            "redis_url": _str("TAVLE_REDIS_URL", ""),
            "host": _str("TAVLE_HOST", "127.0.0.1"),
            "port": _int("TAVLE_PORT", 8000),
            "public_url": _str("TAVLE_PUBLIC_URL", ""),
            "max_message_bytes": _int("TAVLE_MAX_MESSAGE_BYTES", 2 * 1024 * 1024),
            "max_board_bytes": _int("TAVLE_MAX_BOARD_BYTES", 32 * 1024 * 1024),
            "max_awareness_bytes": _int("TAVLE_MAX_AWARENESS_BYTES", 8192),
            "flush_interval_ms": _int("TAVLE_FLUSH_INTERVAL_MS", 100),
            "send_interval_ms": _int("TAVLE_SEND_INTERVAL_MS", 33),
            "send_busy_percent": _int("TAVLE_SEND_BUSY_PERCENT", 50),
            "compact_every": _int("TAVLE_COMPACT_EVERY", 2000),
            "send_queue_frames": _int("TAVLE_SEND_QUEUE_FRAMES", 2000),
            "send_queue_bytes": _int("TAVLE_SEND_QUEUE_BYTES", 64 * 1024 * 1024),
            "room_unload_seconds": float(_str("TAVLE_ROOM_UNLOAD_SECONDS", "5")),
            "anti_entropy_seconds": float(_str("TAVLE_ANTI_ENTROPY_SECONDS", "2")),
            "secret_key": _str("TAVLE_SECRET_KEY", ""),
            "oidc_issuer": _str("TAVLE_OIDC_ISSUER", ""),
            "oidc_client_id": _str("TAVLE_OIDC_CLIENT_ID", ""),
            "oidc_client_secret": _str("TAVLE_OIDC_CLIENT_SECRET", ""),
            "oidc_username_claim": _str("TAVLE_OIDC_USERNAME_CLAIM", "preferred_username"),
            "access_sweep_seconds": float(_str("TAVLE_ACCESS_SWEEP_SECONDS", "30")),
            "progress_scale": _str("TAVLE_PROGRESS_SCALE", ""),
            "open_boards": _str("TAVLE_OPEN_BOARDS", "false").lower() in ("1", "true", "yes"),
            "admins": tuple(
                u.strip().lower() for u in _str("TAVLE_ADMINS", "").split(",") if u.strip()
            ),
            "log_level": _str("TAVLE_LOG_LEVEL", "INFO"),
            "accessibility_statement_url": _str("TAVLE_ACCESSIBILITY_STATEMENT_URL", ""),
            "accessibility_contact": _str("TAVLE_ACCESSIBILITY_CONTACT", ""),
            "trusted_proxies": _str("TAVLE_TRUSTED_PROXIES", "").replace(" ", ""),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
