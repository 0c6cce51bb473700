"""Cross-cutting request handling: security headers and the idle session timeout."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy; Django's own middleware sets the other headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class SessionIdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request.

    The absolute lifetime is SESSION_COOKIE_AGE, counted from sign-in because the session
    is not saved on every request.
    """

    key = "_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.key, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
            else:
                # Writing at most once a minute keeps the session table quiet.
                if now - last_seen >= 60 or self.key not in request.session:
                    request.session[self.key] = now
        return self.get_response(request)
