"""Gatehouse for the partner platform's backend (Python >= 3.10).

Three things, as the Node kit (`kits/node`, `@gatehouse/server`) has them:

- :func:`mint_session` -- the short-lived portal session the browser hands to Gatehouse
  (docs/sso.md), signed with ``SESSION_SECRET`` (HS256) or a private key whose public half is in
  the worker's ``SESSION_JWKS`` (ES256, RS256) -- PyJWT;
- :func:`verify_webhook` -- a Standard Webhooks delivery from Gatehouse, checked
  (docs/webhooks.md) -- standardwebhooks;
- :class:`Gatehouse` -- the worker's operator routes and the proxy, refusals as
  :class:`GatehouseError` (docs/server.md) -- httpx.
"""
from __future__ import annotations

import json
import time
from typing import Any, Iterable, Literal, Mapping, Optional, TypedDict, Union
from urllib.parse import quote, urlencode

import httpx
import jwt
from standardwebhooks.webhooks import Webhook

__all__ = [
    "SessionClaims", "mint_session", "WebhookError", "verify_webhook",
    "GatehouseError", "Gatehouse",
]

Role = Literal["owner", "admin", "manager", "team_member", "custom"]


class SessionClaims(TypedDict, total=False):
    """Who the portal's signed-in user is; Gatehouse takes identity, organization and role from
    these claims only. ``sub``, ``email``, ``name``, ``phone_number`` (Stream creates the
    organization's user with it), ``provider_org_id`` and ``role`` are required."""

    sub: str
    email: str
    name: str
    phone_number: str
    provider_org_id: str
    role: Role
    partner_id: str


def mint_session(
    claims: SessionClaims,
    key: Union[str, Mapping[str, Any]],
    *,
    issuer: str,
    audience: str = "gatehouse",
    ttl_seconds: int = 300,
    algorithm: Literal["HS256", "ES256", "RS256"] = "HS256",
    now: Optional[int] = None,
) -> str:
    """A compact JWS for the portal session of ``claims``. ``key`` is ``SESSION_SECRET`` (HS256,
    at least 32 bytes) or a private JWK (ES256 P-256, RS256) whose ``kid`` names it."""
    now = int(time.time()) if now is None else now
    # The registered claims come last: a caller's dict cannot set its own issuer or lifetime.
    body = {**claims, "iss": issuer, "aud": audience, "iat": now, "nbf": now, "exp": now + ttl_seconds}
    if algorithm == "HS256":
        if not isinstance(key, str) or len(key.encode()) < 32:
            raise ValueError("SESSION_SECRET must be a string of at least 32 bytes")
        return jwt.encode(body, key, algorithm="HS256")
    if not isinstance(key, Mapping):
        raise ValueError(f"{algorithm} needs a private JWK")
    signing_key = jwt.PyJWK.from_dict(dict(key), algorithm=algorithm).key
    headers = {"kid": key["kid"]} if "kid" in key else None
    return jwt.encode(body, signing_key, algorithm=algorithm, headers=headers)


class WebhookError(Exception):
    """A delivery that no configured key verifies (or older than five minutes)."""


def verify_webhook(body: Union[bytes, str], headers: Mapping[str, str], secrets: Union[str, Iterable[str]]) -> dict:
    """The event of a Gatehouse delivery once one of ``secrets`` (``whsec_...``; two during a
    rotation) verifies it. Pass the raw body and the request's headers. Act once per
    ``event["id"]``: deliveries are at least once."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for secret in [secrets] if isinstance(secrets, str) else secrets:
        try:
            return Webhook(secret).verify(body, lowered)
        except Exception:  # WebhookVerificationError, or a malformed header: try the next key
            continue
    raise WebhookError("no configured key verifies this delivery")


class GatehouseError(Exception):
    """A refusal answered by Gatehouse: its stable ``code``, ``message``, HTTP ``status``, whether
    a retry may work, and the ``request_id`` to quote."""

    def __init__(self, code: str, message: str, status: int, retryable: bool, request_id: Optional[str]):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status
        self.retryable, self.request_id = retryable, request_id


def _failure(resp: httpx.Response) -> GatehouseError:
    try:
        body = resp.json()
    except (json.JSONDecodeError, ValueError):
        body = {}
    return GatehouseError(
        body.get("code", "unexpected_response"),
        body.get("message", f"HTTP {resp.status_code}"),
        resp.status_code,
        bool(body.get("retryable", resp.status_code >= 500 or resp.status_code == 429)),
        resp.headers.get("x-request-id"),
    )


class Gatehouse:
    """A client of the worker for trusted server code: ``key`` is a server key (``gh_live_…``,
    docs/server.md) with the scope of the routes called, or ``ADMIN_API_KEY`` for the operators'
    routes (``PROXY_API_KEY``, deprecated, for the proxy)."""

    def __init__(self, base_url: str, key: str, *, client: Optional[httpx.Client] = None):
        self._base = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=30)
        self._auth = {"authorization": f"Bearer {key}"}

    def _json(self, path: str, method: str = "GET", body: Any = None) -> Any:
        resp = self._client.request(method, f"{self._base}{path}", headers=self._auth,
                                    json=body if body is not None else None)
        if resp.is_error:
            raise _failure(resp)
        return None if resp.status_code == 204 else resp.json()

    def keys(self) -> dict:
        """Every server key (never its value or hash)."""
        return self._json("/api/admin/keys")

    def create_key(self, name: str, scopes: Iterable[str], *, organizations: Optional[Iterable[str]] = None,
                   targets: Optional[Iterable[str]] = None) -> dict:
        """Makes a server key: the answer's ``secret`` is the key, shown this once."""
        body: dict = {"name": name, "scopes": list(scopes)}
        if organizations is not None:
            body["organizations"] = list(organizations)
        if targets is not None:
            body["targets"] = list(targets)
        return self._json("/api/admin/keys", "POST", body)

    def rotate_key(self, key_id: str, *, expire_old_in_s: Optional[int] = None) -> dict:
        """Rotates a key: a new one with the same scopes; the old one works until
        ``previous["expires_at"]``."""
        body = {} if expire_old_in_s is None else {"expire_old_in_s": expire_old_in_s}
        return self._json(f"/api/admin/keys/{quote(key_id, safe='')}/rotate", "POST", body)

    def revoke_key(self, key_id: str) -> None:
        """Revokes a key (at once through this worker's isolate, within 5 s everywhere)."""
        self._json(f"/api/admin/keys/{quote(key_id, safe='')}", "DELETE")

    def _org(self, org: str, rest: str = "") -> str:
        return f"/api/server/organizations/{quote(org, safe='')}{rest}"

    def onboardings(self, org: str, *, status: Optional[str] = None, cursor: Optional[str] = None,
                    limit: Optional[int] = None) -> dict:
        """An organization's onboardings, a page at a time (a key with ``onboarding:read``)."""
        query = {k: v for k, v in {"status": status, "cursor": cursor, "limit": limit}.items() if v is not None}
        tail = f"?{urlencode(query)}" if query else ""
        return self._json(self._org(org, f"/onboardings{tail}"))

    def onboarding(self, org: str, onboarding_id: str) -> dict:
        """One onboarding in full, every field Stream returns."""
        return self._json(self._org(org, f"/onboardings/{quote(onboarding_id, safe='')}"))

    def ingest_locations(self, org: str, onboarding_id: str, locations: list) -> dict:
        """Ingests POS locations into an onboarding (``onboarding:write``)."""
        return self._json(self._org(org, f"/onboardings/{quote(onboarding_id, safe='')}/locations/ingest"), "POST",
                          {"locations": locations})

    def bind_locations(self, org: str, onboarding_id: str, locations: list) -> dict:
        """Binds DSP locations to POS locations (``onboarding:write``)."""
        return self._json(self._org(org, f"/onboardings/{quote(onboarding_id, safe='')}/locations/bind"), "POST",
                          {"locations": locations})

    def revoke_onboarding(self, org: str, onboarding_id: str) -> dict:
        """Revokes an onboarding (``onboarding:write``; idempotent)."""
        return self._json(self._org(org, f"/onboardings/{quote(onboarding_id, safe='')}/revoke"), "POST", {})

    def connections(self, org: str) -> dict:
        """An organization's connections (``connections:read``; never a value)."""
        return self._json(self._org(org, "/connections"))

    def delete_connection(self, org: str, connection_id: str) -> None:
        """Deletes a connection (``connections:write``)."""
        self._json(self._org(org, f"/connections/{quote(connection_id, safe='')}"), "DELETE")

    def credentials(self) -> dict:
        """Every configured credential's health (never a token or a secret)."""
        return self._json("/api/admin/credentials")

    def credential(self, credential_id: str) -> dict:
        """One credential's health."""
        return self._json(f"/api/admin/credentials/{quote(credential_id, safe='')}")

    def proxy(self, credential: str, path: str, method: str = "GET", *, organization: Optional[str] = None,
              **kwargs: Any) -> httpx.Response:
        """Calls the partner through the proxy with ``credential``'s token; ``path`` keeps its
        slashes (each segment encoded). The partner's answer is returned as it is; Gatehouse's own
        refusals raise :class:`GatehouseError`."""
        headers = {**kwargs.pop("headers", {}), **self._auth}
        if organization:
            headers["gatehouse-organization"] = organization
        tail = "/".join(quote(s, safe="") for s in path.lstrip("/").split("/"))
        resp = self._client.request(method, f"{self._base}/api/proxy/{quote(credential, safe='')}/{tail}",
                                    headers=headers, **kwargs)
        own = "server-timing" not in resp.headers and resp.headers.get("content-type", "").startswith("application/json")
        if resp.is_error and own:
            raise _failure(resp)
        return resp
