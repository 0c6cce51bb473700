"""The client's address, as far as it can be trusted.

Without a proxy in front (TRUSTED_PROXY_COUNT=0, the default) it is REMOTE_ADDR and any
X-Forwarded-For header is ignored: a client can write anything there. Behind N proxies
of our own, each appends the address it saw, so the client is the N-th entry from the
right; entries further left were written by the client and are never believed.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
