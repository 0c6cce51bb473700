"""Cross-cutting request handling: security headers and the idle session timeout."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
            elif now - last_seen >= 60 or self.key not in request.session:
                # Writing at most once a minute keeps the session table quiet; the clock is
                # normally started at sign-in (below), so a fresh session is not written here.
                request.session[self.key] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _idle_clock_starts_at_sign_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SessionIdleTimeoutMiddleware.key] = int(time.time())


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; our users are
    mainland secretaries whose browsers or phones may well say en-US, and the product's
    language is Chinese by default, so only an explicit choice (the language cookie) counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
