"""Telling WebSub hubs which feeds changed (W3C WebSub §7, "publishing").

After a publish that changed feeds, each hub gets one ``hub.mode=publish`` request per
changed feed URL, and only for those. A hub that fails is reported, never fatal: the
feeds are already published, and subscribers still poll.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Ping:
    hub: str
    url: str
    error: str | None  # None when the hub accepted it


def announce(hubs: tuple[str, ...], feed_urls: list[str]) -> list[Ping]:
    return [_ping(hub, url) for hub in hubs for url in feed_urls]


def _ping(hub: str, url: str) -> Ping:
    body = urlencode({"hub.mode": "publish", "hub.url": url}).encode()
    request = urllib.request.Request(  # noqa: S310 - the hub is an http(s) URL from the config
        hub,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as error:
        return Ping(hub, url, f"the hub answered {error.code} {error.reason}")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Ping(hub, url, f"the hub could not be reached ({reason})")
    return Ping(hub, url, None)
