"""The answer for a path below ``/api/`` that names no endpoint."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


@extend_schema(exclude=True)
class UnknownEndpointView(APIView):
    permission_classes = [AllowAny]

    def _not_found(self, request: Request, *args: object, **kwargs: object) -> Response:
        raise NotFound

    get = post = put = patch = delete = head = options = _not_found
