"""OpenID Connect sign-in (authorization code flow with PKCE, nonce and state).

The provider is the municipality's own (``TAVLE_OIDC_ISSUER``); it proves who
the person is, and the claim ``Settings.oidc_username_claim`` (default
``preferred_username``) names the local account, which must exist (``tavle user
create``): organisation and teams stay decided here. authlib speaks OAuth; the
ID token's signature (the provider's JWKS), issuer, audience, expiry and nonce
are checked with joserfc.
"""

from __future__ import annotations

import secrets
import warnings
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from server.config import Settings

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

# httpx, authlib and joserfc (with cryptography, ~17 MB) are imported when a provider is
# first used: most servers have none configured and should not carry them.


def _oauth_client_class() -> type[AsyncOAuth2Client]:
    from authlib.deprecate import AuthlibDeprecationWarning

    with warnings.catch_warnings():  # authlib announces its move to "httpx2"; httpx works
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client
    return AsyncOAuth2Client


def provider_errors() -> tuple[type[Exception], ...]:
    """What talking to the provider may raise besides :class:`OidcError`."""
    import httpx
    from authlib.integrations.base_client.errors import OAuthError

    return (OAuthError, httpx.HTTPError)


FLOW_COOKIE = "tavle_oidc"
FLOW_SECONDS = 600
SCOPE = "openid profile email"


class OidcError(Exception):
    """The sign-in could not be completed; the message is safe to log (no tokens)."""


class OidcSignIn:
    """One configured provider: builds the redirect, finishes the callback."""

    def __init__(self, settings: Settings, secret: bytes) -> None:
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.client_id = settings.oidc_client_id
        self.client_secret = settings.oidc_client_secret
        self.username_claim = settings.oidc_username_claim
        self._flows = URLSafeTimedSerializer(secret, salt="tavle-oidc-flow")
        self._metadata: dict[str, Any] | None = None

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            import httpx

            url = f"{self.issuer}/.well-known/openid-configuration"
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.get(url)
                response.raise_for_status()
                self._metadata = response.json()
        return self._metadata

    def _client(self, redirect_uri: str) -> AsyncOAuth2Client:
        return _oauth_client_class()(
            self.client_id,
            self.client_secret,
            scope=SCOPE,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=10,
        )

    async def start(self, redirect_uri: str) -> tuple[str, str]:
        """The provider URL to send the browser to, and the signed flow cookie value."""
        state, nonce, verifier = (secrets.token_urlsafe(24) for _ in range(3))
        verifier += secrets.token_urlsafe(24)  # 43–128 characters (RFC 7636)
        endpoint = (await self.metadata())["authorization_endpoint"]
        async with self._client(redirect_uri) as client:
            url, _state = client.create_authorization_url(
                endpoint, state=state, nonce=nonce, code_verifier=verifier
            )
        return url, self._flows.dumps([state, nonce, verifier])

    async def finish(self, redirect_uri: str, flow: str | None, state: str, code: str) -> str:
        """Exchange the code, check the ID token; returns the local user name it names."""
        try:
            expected, nonce, verifier = self._flows.loads(flow or "", max_age=FLOW_SECONDS)
        except (BadSignature, ValueError) as exc:
            raise OidcError("no or expired sign-in flow") from exc
        if not code or not secrets.compare_digest(str(expected), state):
            raise OidcError("state does not match")
        meta = await self.metadata()
        async with self._client(redirect_uri) as client:
            token = await client.fetch_token(
                meta["token_endpoint"], code=code, code_verifier=verifier
            )
            keys = (await client.get(meta["jwks_uri"])).json()
        id_token = token.get("id_token")
        if not id_token:
            raise OidcError("the provider sent no ID token")
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            decoded = jwt.decode(id_token, KeySet.import_key_set(keys))
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                nonce={"essential": True, "value": nonce},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"ID token refused: {type(exc).__name__}") from exc
        username = decoded.claims.get(self.username_claim)
        if not isinstance(username, str) or not username:
            raise OidcError(f"the ID token has no {self.username_claim!r} claim")
        return username
