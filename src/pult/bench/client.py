"""A small keep-alive HTTP/1.1 client with a cookie jar and Pult's login form.

The standard library's http.client is enough on loopback and adds no dependency; one
`HttpSession` is one TCP connection, so each load thread gets its own (`clone`)."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class BenchHttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class HttpSession:
    host: str
    port: int
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    _conn: http.client.HTTPConnection | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def clone(self) -> HttpSession:
        """The same identity (cookies, headers) on a connection of its own."""
        return HttpSession(
            self.host, self.port, self.timeout, dict(self.cookies), dict(self.headers)
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """One request on the kept-alive connection, the body read to the end; a
        connection the server closed is reopened once."""
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=body, headers=all_headers)
                raw = self._conn.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for cookie in raw.msg.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in cookie.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            if raw.will_close:
                self.close()
            return Response(raw.status, data, {k.lower(): v for k, v in raw.getheaders()})
        raise AssertionError("unreachable")

    def login(self, email: str, password: str) -> None:
        """Log in through the real form (CSRF token, cookie, redirect) as a browser does."""
        page = self.request("GET", "/accounts/login/")
        found = _CSRF_INPUT.search(page.body.decode("utf-8", "replace"))
        if page.status != 200 or found is None:
            raise BenchHttpError(f"login page: HTTP {page.status}")
        form = urlencode(
            {"csrfmiddlewaretoken": found.group(1), "username": email, "password": password}
        ).encode()
        answer = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/accounts/login/",
            },
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchHttpError(f"login as {email} refused (HTTP {answer.status})")


def wait_until_healthy(host: str, port: int, deadline: float, alive: object = None) -> dict:
    """Poll /healthz until it answers 200; raise on the deadline. `alive` is a callable
    telling whether the server process still runs (fail fast when it died)."""
    import json

    last = ""
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            raise BenchHttpError(f"the server exited before it was healthy {last}".strip())
        session = HttpSession(host, port, timeout=5)
        try:
            answer = session.request("GET", "/healthz")
            if answer.status == 200:
                return dict(json.loads(answer.body))
            last = f"(/healthz: HTTP {answer.status} {answer.body[:300]!r})"
        except OSError as error:
            last = f"({error})"
        finally:
            session.close()
        time.sleep(0.2)
    raise BenchHttpError(f"the server did not become healthy in time {last}".strip())
