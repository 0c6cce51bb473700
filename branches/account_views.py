"""The signed-in user's own account pages: their API tokens. Thin: reads through
selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return render(request, "branches/api_tokens.html", {"tokens": selectors.api_tokens_of(request.user)})


@login_required
@require_POST
def api_tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    count = services.api_tokens_revoke_all(user=request.user, reason="requested")
    messages.success(
        request, ngettext("Revoked %(count)d API token.", "Revoked %(count)d API tokens.", count) % {"count": count}
    )
    return redirect("api_tokens")
