"""The server's secret key: from ``Settings.secret_key`` or generated once into the data dir.

It signs session cookies and keys the hashes of join codes, so it must stay the
same across restarts and be shared by every process of one deployment (set
``TAVLE_SECRET_KEY`` when processes do not share a data directory).
"""

from __future__ import annotations

import contextlib
import os
import secrets

from server.config import Settings

KEY_FILE = "secret_key"


def load_secret(settings: Settings) -> bytes:
    """The key bytes; creates ``data_dir/secret_key`` (mode 0600) on first use."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / KEY_FILE
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key; delete it to have a new one made")
    return key.encode("utf-8")
