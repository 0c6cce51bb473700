"""Evidence files: uploaded by the branch's secretary, served only through the access check.

From the scorecard page the upload and the removal are htmx requests answered with the
line's evidence block alone, its message in it: the page is not reloaded and the message is
shown beside the line, not at the top of a long page. Without htmx, a redirect with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..cards import card_context
from ..models import EvidenceFile, Scorecard, ScorecardLine
from ..selectors import get_scorecard_for
from ..services.evidence import evidence_add, evidence_remove


def _answer(request: HttpRequest, card: Scorecard, line: ScorecardLine, error: str, done: str) -> HttpResponse:
    if request.htmx:
        context = card_context(request.user, card, line_ids=[line.pk])
        context.update({"line": context["lines"][0], "evidence_error": error, "evidence_done": "" if error else done})
        return render(request, "assessments/_evidence.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(f"{card.get_absolute_url()}#line-{line.pk}")


@login_required
@require_POST
def upload(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    line = get_object_or_404(ScorecardLine, pk=line_pk, scorecard=card)
    file = request.FILES.get("file")
    error = ""
    if file is None:
        error = _("Choose a file.")
    else:
        try:
            evidence_add(line=line, by=request.user, upload=file)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return _answer(request, card, line, error, _("File added."))


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
    card = get_scorecard_for(request.user, evidence.line.scorecard_id, ability="scorecard.fill")
    error = ""
    try:
        evidence_remove(evidence=evidence, by=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return _answer(request, card, evidence.line, error, _("File removed."))
