"""Bearer-token authentication: ``Authorization: Bearer <token>``.

Tokens are issued by ``POST /api/v1/auth/token/`` (``config.api.tokens``) and stored as a
digest (``branches.models.ApiToken``); requests carrying one are not subject to CSRF, as
they carry no cookie.
"""

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from branches import selectors, services
from branches.models import ApiToken, User

KEYWORD = "Bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the request
        if len(parts) != 2:
            raise AuthenticationFailed(_("Give the token as 'Authorization: Bearer <token>'."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("The token is not valid.")) from exc
        token = selectors.api_token_for(raw)
        if token is None:
            raise AuthenticationFailed(_("The token is not valid, has expired or has been revoked."))
        services.api_token_mark_used(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes an anonymous request a 401 (with this header) rather than a 403.
        return f'{KEYWORD} realm="api"'
