"""Sign-in throttling: the client's address behind the proxy, and a limit per address.

django-axes counts failed sign-ins (passwords and activation codes) in the database and
locks a *username from one address* after ``AXES_FAILURE_LIMIT`` failures. This module
adds what axes does not do:

- ``client_ip``: the address of the person, not of the reverse proxy. ``X-Forwarded-For``
  is read from right to left, and only through the hops the site trusts
  (``ROMSIE_TRUSTED_PROXIES``): the first address that is not a trusted proxy is the
  client. A request from any other peer is judged by its own address (``REMOTE_ADDR``),
  whatever ``X-Forwarded-For`` it carries, so nobody can pose as someone else.
- ``SignInThrottleHandler``: an address from which sign-ins failed for
  ``ROMSIE_SIGN_IN_ADDRESS_LIMIT`` different usernames within the cool-off time (15
  minutes) is refused, whatever the username (password spraying). A success clears that
  username's failures, so a pupil who mistypes then signs in does not count: a school
  behind one NAT address only adds up usernames that keep failing.
"""

import ipaddress
import logging
import time
from functools import lru_cache
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_WARN_EVERY_SECONDS = 300.0
_warned_at = float("-inf")


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str | None) -> Address | None:
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    """Return the address of the person making ``request`` (``AXES_CLIENT_IP_CALLABLE``)."""
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    trusted = _networks(tuple(settings.ROMSIE_TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not any(peer in network for network in trusted):
        if forwarded:
            _warn_untrusted(peer)
        return str(peer)
    client = peer
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break  # not an address: written by the client itself, so it tells nothing
        client = address
        if not any(address in network for network in trusted):
            break
    return str(client)


def _warn_untrusted(peer: Address) -> None:
    # Either a forged header, or a reverse proxy missing from ROMSIE_TRUSTED_PROXIES
    # (then every person shares the proxy's address): worth a line in the log, now and then.
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= _WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning(
            "X-Forwarded-For ignored: it came from %s, which is not in ROMSIE_TRUSTED_PROXIES.",
            peer,
        )


def failed_usernames_from(request: HttpRequest) -> int:
    """Return how many usernames failed to sign in from the request's address within the cool-off time."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=get_cool_off_threshold(request))
    return int(recent.values("username").distinct().count())


def address_is_locked(request: HttpRequest) -> bool:
    return failed_usernames_from(request) >= int(settings.ROMSIE_SIGN_IN_ADDRESS_LIMIT)


class SignInThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus a limit per address across usernames.

    The counters live in the database, which every sign-in needs anyway: a Redis outage
    neither stops sign-in nor lifts the throttling.
    """

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or address_is_locked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_is_locked(request):
            # The failure that reaches the limit is already answered "too many attempts".
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=getattr(request, "axes_ip_address", None),
            )
