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
from ..forms.cards import EvidenceUploadForm, add_service_errors
from ..models import EvidenceFile, Scorecard, ScorecardLine
from ..selectors import get_scorecard_for
from ..services.evidence import evidence_add, evidence_remove
from .scorecards import scorecard_page


def _answer(request: HttpRequest, card: Scorecard, line: ScorecardLine, error: str, done: str) -> HttpResponse:
    """The line's evidence block (htmx) or, without the script, a redirect to the line; a
    refusal without the script is the card page with the message beside the file field."""
    if request.htmx:
        context = card_context(request.user, card, line_ids=[line.pk])
        shown = context["lines"][0]
        shown.evidence_error, shown.evidence_done = error, "" if error else done
        context["line"] = shown
        # htmx swaps a 2xx answer only: the refusal is a 200 that carries its message.
        return render(request, "assessments/_evidence.html", context)
    if error:
        line.evidence_error = error  # type: ignore[attr-defined]
        return scorecard_page(request, card, refused=line, status=400)
    messages.success(request, done)
    return redirect(f"{card.get_absolute_url()}#line-{line.pk}")


@login_required
@require_POST
def upload(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    card = get_scorecard_for(request.user, pk, ability="scorecard.fill")
    line = get_object_or_404(ScorecardLine.objects.select_related("article"), pk=line_pk, scorecard=card)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence_add(line=line, by=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    error = " ".join(message for errors in form.errors.values() for message in errors)
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
