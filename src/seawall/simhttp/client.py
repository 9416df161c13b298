"""A Binance-style REST client: public reads, signed requests (HMAC-SHA256, as Binance defines
them), the loopback admin call that creates accounts, and the run's record of what it asked.

Requests go one at a time, in the caller's order, so that a seeded run sends the same requests
in the same order to any server. ``log`` records each request the run *meant* to send (method,
path, the account's label in the run, the parameters without ``timestamp``/``signature``), once,
however many times limits made it resend: two runs of one seed log the same lines.

Request limits are obeyed, not fought: an HTTP 429 or 418 (``errors.THROTTLE_STATUSES``) was
not processed, so the client waits ``Retry-After`` and sends the request again, newly signed;
so does a ``-1021`` (the timestamp fell outside ``recvWindow``). Other error bodies come back as
``Refusal`` values from ``signed`` (an order the market refused is an outcome, not a failure),
except a refused key or signature (``ApiRefusedError``: no request will pass). Public reads and the
admin call raise ``ApiRefusedError`` on any refusal.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any, Final, NamedTuple
from urllib.parse import urlencode

import httpx

from seawall.simhttp.errors import (
    CREDENTIAL_CODES,
    THROTTLE_STATUSES,
    ApiRefusedError,
    ApiUnavailableError,
    Refusal,
)

__all__ = ["ADMIN_TOKEN_HEADER", "ApiClient", "Credentials"]

#: The header ``POST /seawall/v1/accounts`` reads its token from (``seawall serve`` writes the
#: token to ``DATA/serve.json``).
ADMIN_TOKEN_HEADER: Final = "X-Seawall-Admin-Token"  # noqa: S105 - a header's name
_TIMESTAMP_CODE: Final = -1021
_FORM: Final = {"Content-Type": "application/x-www-form-urlencoded"}


class Credentials(NamedTuple):
    """One account's API key, as ``seawall accounts create --json`` prints it, and its label
    in the run (the agent's account name)."""

    label: str
    broker_id: str
    account_id: str
    api_key: str
    secret_key: str


class ApiClient:
    """Sequential requests to one server (see the module docstring)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 30.0,
        retries_max: int = 20,
        recv_window_ms: int = 10_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout_s)
        self.retries_max = retries_max
        self.recv_window_ms = recv_window_ms
        self.sleep = sleep
        #: every request the run meant to send, in order (see the module docstring)
        self.log: list[str] = []
        #: HTTP requests sent, resends included
        self.sent = 0
        #: requests refused for limits and sent again
        self.throttled = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the three kinds of call ---------------------------------------------------------------

    def public(self, path: str, params: dict[str, str] | None = None) -> Any:
        """A public ``GET``; its JSON body."""
        query = dict(params or {})
        self.log.append(f"GET {path} - {urlencode(query)}")
        body = self._call(lambda: self.http.get(path, params=query), f"GET {path}")
        if isinstance(body, Refusal):
            raise ApiRefusedError(f"GET {path} {urlencode(query)} refused: {body.code} {body.msg}")
        return body

    def signed(
        self, method: str, path: str, credentials: Credentials, params: dict[str, str]
    ) -> Any | Refusal:
        """A signed request as ``credentials``' account: its JSON body, or the ``Refusal``."""
        self.log.append(f"{method} {path} {credentials.label} {urlencode(params)}")

        def send() -> httpx.Response:
            query = dict(params)
            query["recvWindow"] = str(self.recv_window_ms)
            query["timestamp"] = str(time.time_ns() // 1_000_000)
            text = urlencode(query)
            secret = credentials.secret_key.encode()
            signature = hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
            signed = f"{text}&signature={signature}"
            headers = {"X-MBX-APIKEY": credentials.api_key}
            if method == "POST":
                return self.http.post(path, content=signed, headers={**headers, **_FORM})
            return self.http.request(method, f"{path}?{signed}", headers=headers)

        body = self._call(send, f"{method} {path}")
        if isinstance(body, Refusal) and body.code in CREDENTIAL_CODES:
            raise ApiRefusedError(
                f"the server refused the key of {credentials.label} "
                f"({credentials.account_id}): {body.code} {body.msg}"
            )
        return body

    def admin(self, path: str, payload: dict[str, Any], token: str) -> Any:
        """A loopback admin ``POST`` with ``token``; its JSON body."""
        self.log.append(f"POST {path} - {json.dumps(payload, sort_keys=True)}")
        body = self._call(
            lambda: self.http.post(path, json=payload, headers={ADMIN_TOKEN_HEADER: token}),
            f"POST {path}",
        )
        if isinstance(body, Refusal):
            name = payload.get("name", "")
            raise ApiRefusedError(f"POST {path} {name} refused: {body.code} {body.msg}")
        return body

    # --- sending, resending, mapping ------------------------------------------------------------

    def _call(self, send: Callable[[], httpx.Response], what: str) -> Any | Refusal:
        for _ in range(self.retries_max + 1):
            self.sent += 1
            try:
                response = send()
            except httpx.HTTPError as exc:
                raise ApiUnavailableError(f"{what} to {self.base_url}: {exc}") from exc
            if response.status_code in THROTTLE_STATUSES:
                self.throttled += 1
                self.sleep(_retry_after_s(response))
                continue
            body = _json(response, what)
            if response.status_code == 200:
                return body
            if response.status_code >= 500 or not isinstance(body, dict) or "code" not in body:
                raise ApiUnavailableError(
                    f"{what}: HTTP {response.status_code} {response.text[:200]}"
                )
            refusal = Refusal(int(body["code"]), str(body.get("msg", "")), response.status_code)
            if refusal.code == _TIMESTAMP_CODE:
                self.throttled += 1
                continue
            return refusal
        raise ApiUnavailableError(f"{what}: still refused after {self.retries_max} resends")


def _retry_after_s(response: httpx.Response) -> float:
    text = response.headers.get("Retry-After", "1")
    try:
        return max(0.0, float(text))
    except ValueError:
        return 1.0


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ApiUnavailableError(
            f"{what}: HTTP {response.status_code}, not JSON: {response.text[:200]!r}"
        ) from exc
