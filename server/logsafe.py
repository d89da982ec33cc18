"""Keep secrets out of log lines: every ``token=…`` is replaced before a record is written.

Installed on the root handlers by ``tavle serve``, so uvicorn's own lines (which
contain the WebSocket path with its query string) are cleaned as well.
"""

from __future__ import annotations

import logging
import re

TOKEN_RE = re.compile(r"(token=)[^&\s\"']+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every ``token=VALUE`` replaced by ``token=***``."""
    return TOKEN_RE.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """A handler filter that formats the message once and redacts tokens in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message.lower():
            record.msg = redact(message)
            record.args = None
        if record.exc_info and not record.exc_text:  # a traceback may quote a URL too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def configure(level: str) -> None:
    """Log to stderr at ``level`` with token redaction on every handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
