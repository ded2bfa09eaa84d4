"""Security of the reader: headers (CSP), CSRF tokens, the admin token, rate limits.

- Every response carries a strict Content-Security-Policy: no inline script or style anywhere,
  so an article body that slipped markup through could still not run code.
- The admin token (AKHBAR_ADMIN_TOKEN) is compared with `hmac.compare_digest` only: a plain
  `==` returns sooner the earlier the first differing byte, which leaks the token byte by byte.
- A browser logs in once with the token and gets a signed session cookie (HttpOnly,
  SameSite=Strict); the API takes `Authorization: Bearer <token>`. Keys are derived from the
  token, so every worker agrees and changing the token ends every session.
- Forms carry a CSRF token: an HMAC of a random per-browser cookie (double submit, signed).
- Search and every write endpoint are rate limited per client IP (token bucket, in memory).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
SESSION_COOKIE = "akhbar_session"
CSRF_COOKIE = "akhbar_csrf"
CSRF_FIELD = "csrf_token"
SESSION_SECONDS = 12 * 3600


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (pure ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- keys and the admin token -------------------------------------------------------------------


class Keys:
    """HMAC keys for session cookies and CSRF tokens, derived from the admin token."""

    def __init__(self, admin_token: str) -> None:
        self.admin_token = admin_token
        # Without a token there is no admin session to sign; CSRF still needs a key.
        root = admin_token.encode() if admin_token else secrets.token_bytes(32)
        self.session_key = hmac.new(root, b"akhbar-session-v1", hashlib.sha256).digest()
        self.csrf_key = hmac.new(root, b"akhbar-csrf-v1", hashlib.sha256).digest()

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_token)

    def token_matches(self, candidate: str) -> bool:
        if not self.admin_token:
            return False
        return hmac.compare_digest(candidate.encode(), self.admin_token.encode())

    # --- sessions -------------------------------------------------------------------------------

    def make_session(self, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        return f"{expires}.{self._sign(str(expires))}"

    def session_valid(self, value: str | None, now: float | None = None) -> bool:
        if not value or not self.admin_enabled or "." not in value:
            return False
        expires, signature = value.split(".", 1)
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return False
        return hmac.compare_digest(signature, self._sign(expires))

    def _sign(self, text: str) -> str:
        return hmac.new(self.session_key, text.encode(), hashlib.sha256).hexdigest()

    # --- CSRF -----------------------------------------------------------------------------------

    def csrf_token(self, cookie_value: str) -> str:
        return hmac.new(self.csrf_key, cookie_value.encode(), hashlib.sha256).hexdigest()

    def csrf_valid(self, cookie_value: str | None, submitted: str | None) -> bool:
        if not cookie_value or not submitted:
            return False
        return hmac.compare_digest(self.csrf_token(cookie_value), submitted)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_admin(request: Request, keys: Keys) -> bool:
    """A valid Bearer token, or a valid signed session cookie."""
    token = bearer_token(request)
    if token is not None:
        return keys.token_matches(token)
    return keys.session_valid(request.cookies.get(SESSION_COOKIE))


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


# --- rate limiting ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float
    burst: int


class RateLimiter:
    """Token buckets per (bucket name, client IP), in memory, bounded in size.

    In memory is enough for one process; with several workers each keeps its own buckets, so
    the effective limit is per worker (said in the docs). The table evicts its least recently
    used clients past `max_clients`, so a flood of addresses cannot grow it without bound.
    """

    def __init__(self, rates: dict[str, Rate], *, max_clients: int = 10_000) -> None:
        self.rates = rates
        self.max_clients = max_clients
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def allow(self, bucket: str, client: str, now: float | None = None) -> tuple[bool, float]:
        """(allowed, seconds until the next token) for one request."""
        rate = self.rates[bucket]
        now = time.monotonic() if now is None else now
        key = (bucket, client)
        tokens, last = self._buckets.pop(key, (float(rate.burst), now))
        tokens = min(float(rate.burst), tokens + (now - last) * rate.per_second)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        wait = 0.0 if allowed else (1.0 - tokens) / rate.per_second
        return allowed, wait


def client_ip(request: Request) -> str:
    # The direct peer only: X-Forwarded-For is trivially forged unless a trusted proxy sets it
    # (uvicorn's --proxy-headers rewrites request.client when configured to trust one).
    return request.client.host if request.client else "unknown"
