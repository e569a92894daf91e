"""The site's own address, for links that leave the browser: e-mails, unsubscribe links,
calendar feeds, the demo's printed logins.

SITE_URL wins when it is set (the public address behind a proxy). Without it, the
address is the one `pult run` serves on (HOST and PORT), so `PORT=8101 make run` prints
and mails links to :8101, not to a port nobody listens on.
"""

from __future__ import annotations

from django.conf import settings

# Listening on every address: the loopback one is the one that surely reaches it.
_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - compared, never bound


def served_url(host: str, port: int | str) -> str:
    """The http:// address a server listening on host:port answers at (no trailing slash)."""
    host = host.strip()
    if host in _ANY_ADDRESS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    return f"http://{host}:{port}"


def site_url() -> str:
    """The base URL of links to this installation, without a trailing slash."""
    return settings.SITE_URL or served_url(settings.HOST, settings.PORT)


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) as a link that works outside the browser."""
    return site_url() + path
