"""Evidence files: uploaded by the branch's secretary, served only through the access check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import EvidenceFile, ScorecardLine
from ..selectors import get_scorecard_for
from ..services.evidence import evidence_add, evidence_remove
from .common import run_and_redirect


@login_required
@require_POST
def upload(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    line = get_object_or_404(ScorecardLine, pk=line_pk, scorecard=card)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file."))
        return redirect(f"{card.get_absolute_url()}#line-{line.pk}")
    response = run_and_redirect(
        request,
        lambda: evidence_add(line=line, by=request.user, upload=file),
        _("File added."),
        "assessments:scorecard",
        pk=card.pk,
    )
    response["Location"] += f"#line-{line.pk}"
    return response


def _evidence_for(request: HttpRequest, pk: int, ability: str = "scorecard.view") -> EvidenceFile:
    evidence = get_object_or_404(EvidenceFile.objects.select_related("line"), pk=pk)
    get_scorecard_for(request.user, evidence.line.scorecard_id, ability=ability)
    return evidence


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence_for(request, pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence_for(request, pk, "scorecard.fill")
    card_pk = evidence.line.scorecard_id
    return run_and_redirect(
        request,
        lambda: evidence_remove(evidence=evidence, by=request.user),
        _("File removed."),
        "assessments:scorecard",
        pk=card_pk,
    )
