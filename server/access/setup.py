"""Wiring of the access part into the app: the security middleware and ``app.state``.

``create_app`` calls :func:`access_middleware` when it builds the app and
:func:`install_access` in its lifespan, once the store and rooms exist.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware

from server.access.audit import Audit
from server.access.keys import load_secret
from server.access.oidc import OidcSignIn
from server.access.service import AccessService
from server.access.sessions import SessionCodec
from server.access.throttle import make_throttle
from server.config import Settings
from server.security import SecurityMiddleware


def access_middleware(settings: Settings) -> list[Middleware]:
    codec = SessionCodec(load_secret(settings))
    return [Middleware(SecurityMiddleware, codec=codec, public_url=settings.public_url)]


def install_access(app: Any, store: Any, rooms: Any, settings: Settings) -> None:
    """Set ``app.state.audit``, ``app.state.access`` (the authoriser) and ``app.state.oidc``."""
    secret = load_secret(settings)
    app.state.audit = Audit(store)
    app.state.access = AccessService(
        store,
        rooms,
        app.state.audit,
        SessionCodec(secret),
        secret,
        make_throttle(settings, store, secret),
        settings.access_sweep_seconds,
    )
    app.state.oidc = OidcSignIn(settings, secret) if settings.oidc_issuer else None
