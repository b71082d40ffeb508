"""Security around every request: CSP and other headers, CSRF tokens, the login slowdown."""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script, no inline style, nothing from elsewhere; forms post only here; no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The documents viewed in the page carry their own <style>: styles allowed, still no script at all.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

SLOW_AFTER = 10  # wrong passwords in a row before each further try must wait
MAX_WAIT = 300


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(session: dict[str, Any]) -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: dict[str, Any], sent: Any) -> bool:
    token = session.get("csrf")
    return bool(token) and isinstance(sent, str) and hmac.compare_digest(token, sent)


def wait_seconds(failed: int, last_failed: dt.datetime | None, now: dt.datetime) -> int:
    """How long a user with `failed` wrong passwords in a row must still wait (0: may try now)."""
    if failed < SLOW_AFTER or last_failed is None:
        return 0
    delay = min(MAX_WAIT, 2 ** (failed - SLOW_AFTER + 1))
    left = (last_failed + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(left + 0.999))
