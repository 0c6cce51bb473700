"""``/api/v1/auth/token/``: exchange a username and password for a token, or revoke it.

Signing in here is throttled exactly like the login page: the credentials go through
``django.contrib.auth.authenticate`` with the request, so django-axes' backend refuses a
locked username or address and its signal handler counts each failure (per username and
per address, the address taken from ``config.client_ip``). The DRF request is what is
passed: axes marks *it* as locked out, so AxesMiddleware does not swap this JSON answer
for the HTML lockout page. A successful sign-in sends ``user_logged_in`` as the login page
does: ``last_login`` is set, axes forgets earlier failures and writes its access log (for
which it opens an anonymous session, hence a session cookie on that one answer).
"""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from branches import services
from branches.models import ApiToken
from config.lockout import retry_after_seconds

from .errors import SignInLocked
from .schema import error_responses


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as 'Authorization: Bearer <token>'. It is shown only once.")
    expires_at = serializers.DateTimeField()
    username = serializers.CharField()


class TokenView(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get a token for a username and password",
        request=SignInSerializer,
        responses={201: TokenSerializer, **error_responses(400, 401, 429)},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        credentials = SignInSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request=request, **credentials.validated_data)
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise SignInLocked(wait=retry_after_seconds(request, credentials.validated_data))
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        # A token is a sign-in: last_login is updated and axes forgets earlier failures.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, raw = services.api_token_issue(user=user)
        body = {"token": raw, "expires_at": token.expires_at, "username": user.username}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the token this request is made with",
        responses={204: None, **error_responses(400)},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError(_("This request was not made with a token: there is none to revoke."))
        services.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many tokens were revoked.")


class TokenRevokeAllView(APIView):
    @extend_schema(
        operation_id="auth_tokens_revoke_all",
        summary="Revoke every token of the signed-in user, this request's included",
        description="Changing the password revokes them all too.",
        request=None,
        responses={200: RevokedSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        count = services.api_tokens_revoke_all(user=request.user, reason="requested")
        return Response(RevokedSerializer({"revoked": count}).data)
