"""Background work of the CAS server: the single-logout requests sent to the services.

The sign-out page never waits for a service: ``services.single_logout`` enqueues
:func:`single_logout_task` once its transaction commits, and the task posts each service its
SAML ``LogoutRequest`` (the ``logoutRequest`` form field of the CAS specification), with a short
time-out; a service that does not answer is logged and skipped.
"""

from __future__ import annotations

import logging
import urllib.request
from urllib.parse import urlencode

from django.utils import timezone
from django_tasks import task

from . import protocol

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5


@task()
def single_logout_task(requests: list[list[str]]) -> int:
    """Post a ``LogoutRequest`` to each ``[service address, ticket]``; return how many answered."""
    answered = 0
    for service_url, ticket in requests:
        body = urlencode({"logoutRequest": protocol.logout_request_xml(ticket, timezone.now())}).encode()
        request = urllib.request.Request(  # noqa: S310 (a registered http(s) service address)
            service_url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
                answered += 1
        except OSError as error:
            logger.warning("CAS single logout to %s failed: %s", service_url, error)
    return answered
