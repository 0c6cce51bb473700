"""优标: the feedback sheet, served only through this access check, and its acknowledgement."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..selectors import get_scorecard_for
from ..services.feedback import feedback_acknowledge, feedback_filename
from .common import run_and_redirect


@login_required
def feedback_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk)
    if not card.feedback_pdf:
        raise Http404
    return FileResponse(
        card.feedback_pdf.open("rb"),
        as_attachment=True,
        filename=feedback_filename(card),
        content_type="application/pdf",
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    return run_and_redirect(
        request,
        lambda: feedback_acknowledge(scorecard=card, by=request.user),
        _("Acknowledged."),
        "assessments:scorecard",
        pk=card.pk,
    )
