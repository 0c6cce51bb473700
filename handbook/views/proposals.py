"""优标: reviewers and secretaries propose changes to articles in force; administrators decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import AcceptForm, DeclineForm, ProposalForm
from ..models import ChangeProposal, Edition, EditionStatus, ProposalField, ProposalStatus


def _drafts() -> object:
    return Edition.objects.filter(status=EditionStatus.DRAFT).order_by("-created_at")


def _get_proposal_for(request: HttpRequest, pk: int) -> ChangeProposal:
    """Administrators see every proposal; anyone else only their own (404 otherwise)."""
    selectors.require_reader(request.user)
    proposal = ChangeProposal.objects.select_related("article__edition", "proposed_by", "decided_by").filter(pk=pk)
    if not selectors.is_editor(request.user):
        proposal = proposal.filter(proposed_by=request.user)
    found = proposal.first()
    if found is None:
        raise Http404
    return found


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for(request.user, pk)
    if not selectors.may_propose(request.user):
        raise PermissionDenied
    if article.edition.status != EditionStatus.PUBLISHED:
        raise Http404
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(article=article, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you: your proposal was sent to the administrators."))
            return redirect("handbook:proposal", pk=proposal.pk)
    return render(request, "handbook/propose.html", {"form": form, "article": article})


@login_required
def propose_new(request: HttpRequest) -> HttpResponse:
    """Good practice seen at a branch, proposed as an article of its own."""
    selectors.require_reader(request.user)
    if not selectors.may_propose(request.user):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, new_article=True)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                article=None, field=ProposalField.NEW_ARTICLE, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you: your proposal was sent to the administrators."))
            return redirect("handbook:proposal", pk=proposal.pk)
    return render(request, "handbook/propose.html", {"form": form, "article": None})


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    proposals = ChangeProposal.objects.select_related("article", "proposed_by")
    is_editor = selectors.is_editor(request.user)
    if not is_editor:
        proposals = proposals.filter(proposed_by=request.user)
    status = request.GET.get("status", "open" if is_editor else "")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    return render(
        request,
        "handbook/proposals.html",
        {
            "proposals": proposals[:200],
            "status": status,
            "statuses": ProposalStatus.choices,
            "is_editor": is_editor,
            "can_propose": selectors.may_propose(request.user),
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal_for(request, pk)
    is_editor = selectors.is_editor(request.user)
    decide = is_editor and proposal.status == ProposalStatus.OPEN
    return render(
        request,
        "handbook/proposal.html",
        {
            "proposal": proposal,
            "accept_form": AcceptForm(drafts=_drafts(), initial={"draft": _drafts().first()}) if decide else None,
            "decline_form": DeclineForm() if decide else None,
        },
    )


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_reader(request.user)
    selectors.require_editor(request.user)
    proposal = _get_proposal_for(request, pk)
    form = AcceptForm(request.POST, drafts=_drafts())
    if not form.is_valid():
        messages.error(request, _("Choose a draft edition to accept the proposal into (start one first)."))
        return redirect("handbook:proposal", pk=pk)
    try:
        services.proposal_accept(
            proposal=proposal, draft=form.cleaned_data["draft"], reply=form.cleaned_data["reply"], by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Accepted into draft %(v)s.") % {"v": form.cleaned_data["draft"].version})
    return redirect("handbook:proposal", pk=pk)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_reader(request.user)
    selectors.require_editor(request.user)
    proposal = _get_proposal_for(request, pk)
    form = DeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the proposal is declined."))
        services.proposal_decline(proposal=proposal, reply=form.cleaned_data["reply"], by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Declined; the proposer sees your reply."))
    return redirect("handbook:proposal", pk=pk)
