"""Web security middleware: security headers on every response, CSRF on state changes.

CSRF, two layers (docs/security.md):
1. Origin check: a state-changing request (POST/PUT/PATCH/DELETE) whose
   ``Origin`` names another host, or whose ``Sec-Fetch-Site`` is ``cross-site``,
   is refused (403) — this also covers the sign-in form (login CSRF).
2. Token: when such a request carries the session cookie it must also carry
   ``X-CSRF-Token`` equal to the session's CSRF token (an HMAC of the session id,
   see :mod:`server.access.sessions`). Requests without the session cookie
   authenticate with a bearer token, which a foreign site cannot attach.

The Content-Security-Policy allows scripts and styles from our own origin only
(no ``unsafe-inline``), so every page keeps its scripts and styles in files. It is
built from configuration (``TAVLE_PUBLIC_URL``), never from the request's ``Host``
header, which a client chooses. HSTS is sent when the request came over https (as
uvicorn sees it: directly, or from a trusted proxy's ``X-Forwarded-Proto``) or the
public URL is https.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.access.sessions import CSRF_HEADER, SESSION_COOKIE, SessionCodec

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


HSTS = (b"strict-transport-security", b"max-age=31536000")


def csp(public_url: str) -> str:
    """The policy; WebSockets to our own origin are covered by ``'self'`` (CSP Level 3)."""
    parts = urlsplit(public_url)
    socket = {"https": "wss", "http": "ws"}.get(parts.scheme)
    connect = f"'self' {socket}://{parts.netloc}" if socket and parts.netloc else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(policy: bytes, path: str, https: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", policy),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if path.startswith("/api/"):
        headers.append((b"cache-control", b"no-store"))
    if https:
        headers.append(HSTS)
    return headers


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


def csrf_problem(scope: Scope, codec: SessionCodec) -> str | None:
    """Why a state-changing request must be refused, or None when it may pass."""
    headers = _headers(scope)
    host = headers.get("host", "").lower()
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin).netloc.lower() != host:
        return "cross-site request"
    if headers.get("sec-fetch-site") == "cross-site":
        return "cross-site request"
    session = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
    if session is None or codec.session_id(session) is None:
        return None
    if not codec.csrf_ok(session, headers.get(CSRF_HEADER)):
        return "missing or wrong CSRF token"
    return None


class SecurityMiddleware:
    """Pure ASGI (WebSockets and streamed files pass through untouched but for headers)."""

    def __init__(self, app: ASGIApp, codec: SessionCodec, public_url: str = "") -> None:
        self.app = app
        self.codec = codec
        self.policy = csp(public_url).encode("latin-1")
        self.https_url = public_url.startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.https_url or scope.get("scheme") == "https"
        extra = security_headers(self.policy, scope["path"], https)
        if scope["method"] not in SAFE_METHODS:
            problem = csrf_problem(scope, self.codec)
            if problem is not None:
                await self._refuse(send, problem, extra)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in extra if h[0] not in names),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(send: Send, problem: str, extra: list[tuple[bytes, bytes]]) -> None:
        body = json.dumps({"error": problem}).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode("ascii")),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
