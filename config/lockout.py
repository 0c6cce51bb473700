"""How failed sign-ins lock (django-axes), weighed three ways, and the page that says so.

``AXES_LOCKOUT_PARAMETERS`` counts failures per (username, address) pair, per username from
every address and per address for every username; each count has its own limit:

- the pair, ``AXES_FAILURE_LIMIT`` (5): whoever guesses one account from one place gets
  five tries per cool-off, and locks only that pair, so the owner signing in from elsewhere
  is not shut out;
- the username, ``LOGIN_USERNAME_FAILURE_LIMIT`` (20): bounds the guesses against one
  account made from many addresses. Failures while locked are not counted
  (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so locking someone else's
  account takes 20 failures from at least four addresses instead of 5 from anywhere;
- the address, ``LOGIN_ADDRESS_FAILURE_LIMIT`` (20): bounds one address spraying a few
  common passwords over many usernames.

Axes compares one number with one limit, so ``get_failures`` weighs each count in units of
the pair's limit: ``count * pair_limit // own_limit`` reaches ``pair_limit`` exactly when
``count`` reaches its own limit.

A successful sign-in forgets only its own (username, address) pair: axes' default forgets
every count the request matches, the address's included, so signing in as oneself used to
erase the failures piled up against other usernames from that address.
"""

import datetime as dt
import math

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _limit_of(parameter: str | list[str], pair_limit: int) -> int:
    if parameter == "username":
        return settings.LOGIN_USERNAME_FAILURE_LIMIT
    if parameter == "ip_address":
        return settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return pair_limit


class WeighedLockoutHandler(AxesDatabaseHandler):
    def _counts(self, request: HttpRequest, credentials: dict | None) -> list[tuple[object, int, int]]:
        """(attempts, failures, own limit) for each lockout parameter."""
        pair_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        return [
            (attempts, attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0, _limit_of(parameter, pair_limit))
            for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True)
        ]

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair_limit = get_failure_limit(request, credentials)
        return max((count * pair_limit // limit for _, count, limit in self._counts(request, credentials)), default=0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count

    def locked_for(self, request: HttpRequest, credentials: dict | None = None) -> dt.timedelta:
        """How long until every count that locks this request has dropped below its limit."""
        cool_off = get_cool_off(request) or dt.timedelta(0)
        now = timezone.now()
        until = now
        for attempts, count, limit in self._counts(request, credentials):
            # Each attempt row stops counting a cool-off after its latest failure.
            for time, failures in attempts.order_by("attempt_time").values_list("attempt_time", "failures_since_start"):
                if count < limit:
                    break
                count -= failures
                until = max(until, time + cool_off)
        return until - now


def locked_for(request: HttpRequest, credentials: dict | None = None) -> dt.timedelta:
    handler = AxesProxyHandler.get_implementation()
    if isinstance(handler, WeighedLockoutHandler):
        return handler.locked_for(request, credentials)
    return get_cool_off(request) or dt.timedelta(0)


def retry_after_seconds(request: HttpRequest, credentials: dict | None = None) -> int:
    return max(1, math.ceil(locked_for(request, credentials).total_seconds()))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The 429 page (``AXES_LOCKOUT_CALLABLE``): how long to wait, in words and in ``Retry-After``."""
    seconds = retry_after_seconds(request, credentials)
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
