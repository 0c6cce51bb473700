"""Cross-cutting request handling: security headers, the idle session timeout, control characters."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import SuspiciousOperation
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from config.api.errors import request_refused_message
from config.request_values import has_control_characters


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy; Django's own middleware sets the other headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class SessionIdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request, and after
    SESSION_ABSOLUTE_SECONDS from sign-in whatever they do.

    The absolute limit is checked here, not left to the session's expiry date: saving the
    session (the idle clock does, once a minute) moves that date forward each time.
    """

    key = "_last_seen"
    signed_in_key = "_signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.key, now)
            signed_in_at = request.session.get(self.signed_in_key, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            if idle or now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - last_seen >= 60 or self.key not in request.session:
                # Writing at most once a minute keeps the session table quiet; the clocks are
                # normally started at sign-in (below), so a fresh session is not written here.
                request.session[self.key] = now
                request.session.setdefault(self.signed_in_key, now)
        return self.get_response(request)


@receiver(user_logged_in)
def _clocks_start_at_sign_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionIdleTimeoutMiddleware.key] = now
        request.session[SessionIdleTimeoutMiddleware.signed_in_key] = now


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


class RefuseControlCharactersMiddleware:
    """Answers 400, changing nothing, to a request whose query string or form carries a NUL
    byte or another control character (tab and line breaks aside).

    PostgreSQL cannot store a NUL byte, and no field of the product means to take a control
    character: refusing them here, once, spares every view that reads a value by hand. A view
    that reads its own body (csrf_exempt: the roster upload sets its upload handlers first, and
    the REST API parses JSON itself) is checked on its query string only; its forms and
    serializers refuse NUL themselves (Django's and DRF's CharField both do).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        try:
            sources = [request.GET]
            if request.method == "POST" and not getattr(view_func, "csrf_exempt", False):
                sources.append(request.POST)
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # Too many fields, a body too large: Django's 400, in the API's format below /api/.
            if request.path.startswith("/api/"):
                return _api_bad_request(request_refused_message(exc) or "")
            raise
        for source in sources:
            for key, values in source.lists():
                if has_control_characters(key) or any(has_control_characters(v) for v in values):
                    return refuse_control_characters(request)
        return None


def _api_bad_request(message: str) -> HttpResponse:
    return JsonResponse({"error": {"code": "validation_error", "message": message, "fields": {}}}, status=400)


def refuse_control_characters(request: HttpRequest) -> HttpResponse:
    message = _(
        "The request contains control characters (such as a NUL byte), which no field accepts. Nothing was changed."
    )
    if request.path.startswith("/api/"):
        return _api_bad_request(message)
    return render(request, "bad_request.html", {"message": message}, status=400)
