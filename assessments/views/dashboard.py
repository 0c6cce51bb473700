"""The reviewer's dashboard (the desk), the lists its tiles link to and the yearly score export."""

import io
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook

from branches import abilities
from branches.models import Organisation, OrgKind, User
from config.request_values import choice_or, parse_id, parse_int_or, parse_quarter
from config.xlsx import escape_formula
from handbook.models import QUARTER_NAMES

from ..dashboard import SORTS, default_quarter, year_scores
from ..dashboard_cache import cached_dashboard, kept_html
from ..dashboard_generations import CARDS, TASKS
from ..desk import DeskState, quarters_for
from ..desk import desk_list as desk_list_for
from ..models import grade_label

RANKING_ROWS = 100
TASKS_HERE = "<!-- the quarter's tasks -->"  # where _dashboard_figures.html takes the task figures


def _root(request: HttpRequest) -> Organisation:
    raw = request.GET.get("org", "").strip()
    if raw:
        # An id that is not one (², 10^20) names no organisation: 404, as an unknown id does.
        org_id = parse_id(raw)
        if org_id is None:
            raise Http404
        return abilities.unit_for(request.user, org_id, "dashboard.view")
    abilities.require(request.user, "dashboard.view")
    return abilities.units_for(request.user, "dashboard.view").order_by("depth", "code").first()  # type: ignore[return-value]


def _subtrees(user: User) -> list[Organisation]:
    return list(
        abilities.units_for(user, "dashboard.view")
        .exclude(kind__in=[OrgKind.BRANCH, OrgKind.GROUP])
        .order_by("path")[:200]
    )


class DeskQueryForm(forms.Form):
    """The desk's query string: the quarter (by default the current one); a value that is
    not a quarter is an error shown on the page, never silently another quarter."""

    quarter = forms.CharField(required=False, strip=True)

    def clean_quarter(self) -> tuple[int, int]:
        raw = self.cleaned_data.get("quarter") or ""
        if not raw:
            return default_quarter()
        try:
            return parse_quarter(raw)
        except ValidationError:
            shown = raw if len(raw) <= 20 else raw[:20] + "…"
            raise ValidationError(
                _("“%(value)s” is not a quarter. Choose one from the list (a quarter is written like 2026Q3).")
                % {"value": shown},
                code="invalid",
            ) from None


class DeskListForm(DeskQueryForm):
    state = forms.ChoiceField(choices=DeskState.choices, required=False)

    def clean_state(self) -> str:
        return self.cleaned_data.get("state") or DeskState.ALL


def _refused(request: HttpRequest, root: Organisation, form: forms.Form, template: str) -> HttpResponse:
    """A query the page cannot answer: the message, the quarters to choose from, no figures."""
    year, quarter = default_quarter()
    return render(
        request,
        template,
        {
            "form": form,
            "root": root,
            "subtrees": _subtrees(request.user),
            "quarters": quarters_for(root),
            "period": f"{year}Q{quarter}",
            "state": choice_or(request.GET.get("state"), DeskState.values),
        },
        status=400,
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    root = _root(request)
    form = DeskQueryForm(request.GET)
    if not form.is_valid():
        return _refused(request, root, form, "assessments/dashboard.html")
    year, quarter = form.cleaned_data["quarter"]
    sort = choice_or(request.GET.get("sort"), SORTS, "score")
    show_all = request.GET.get("all") == "1"
    # A committee of thousands of branches: the table shows the first rows in the chosen
    # order, and only those are made.
    board = cached_dashboard(root, year=year, quarter=quarter, sort=sort, shown=None if show_all else RANKING_ROWS)
    cards = {
        "board": board,
        "root": root,
        "sort": sort,
        "ranking": board.ranking,
        "ranking_cut": not show_all and board.ranked > RANKING_ROWS,
        "chart_data": board.chart_data(),
    }
    # The same for every reader of the unit: rendered without the request, kept with the figures.
    card_html = kept_html(board, CARDS, lambda: render_to_string("assessments/_dashboard_figures.html", cards))
    task_html = kept_html(board, TASKS, lambda: render_to_string("assessments/_dashboard_tasks.html", {"board": board}))
    before, after = card_html.split(TASKS_HERE, 1)
    return render(
        request,
        "assessments/dashboard.html",
        {
            "board": board,
            "root": root,
            "form": form,
            "period": board.period,
            "year": year,
            "export": True,
            "subtrees": _subtrees(request.user),
            "quarters": board.quarters,
            "figures": mark_safe(before + task_html + after),  # noqa: S308 - both rendered by templates
        },
    )


@login_required
def desk_list(request: HttpRequest) -> HttpResponse:
    """The list a dashboard tile counts: the review queue, who is late, who has not submitted,
    the returned, reviewed and final cards, or every branch — of one unit's subtree."""
    root = _root(request)
    form = DeskListForm(request.GET)
    if not form.is_valid():
        return _refused(request, root, form, "assessments/desk_list.html")
    year, quarter = form.cleaned_data["quarter"]
    found = desk_list_for(root, year=year, quarter=quarter, state=form.cleaned_data["state"])
    page = found.page(parse_int_or(request.GET.get("page", ""), 1, min_value=1, max_value=10**6))
    return render(
        request,
        "assessments/desk_list.html",
        {
            "found": found,
            "root": root,
            "form": form,
            "subtrees": _subtrees(request.user),
            "quarters": quarters_for(root),
            "period": found.period,
            "state": found.state,
            "page": page,
            "tabs": [(state.value, state.label, found.counts[state.value]) for state in DeskState],
            "may_review": abilities.can(request.user, "scorecard.read_review"),
        },
    )


@login_required
def export_year(request: HttpRequest) -> HttpResponse:
    """A year of final scores per branch, for performance pay (考核兑现)."""
    root = _root(request)
    year = parse_int_or(request.GET.get("year", ""), default_quarter()[0], min_value=2000, max_value=2100)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{year}")
    quarters = [str(QUARTER_NAMES[q]) for q in (1, 2, 3, 4)]
    sheet.append(
        [_("Code"), _("Branch"), _("Key unit")]
        + [_("%(q)s score") % {"q": q} for q in quarters]
        + [_("%(q)s grade") % {"q": q} for q in quarters]
        + [_("Year-end check"), _("Year score"), _("Year grade"), _("Late submissions")]
    )
    for row in year_scores(root, year):
        cells = row["quarters"]
        sheet.append(
            [escape_formula(row["code"]), escape_formula(row["name"]), _("yes") if row["is_key"] else ""]
            + [float(c[0]) if c else None for c in cells]
            + [grade_label(c[1]) if c else "" for c in cells]
            + [
                float(row["year_end_score"]) if row["year_end_score"] is not None else None,
                float(row["year_score"]) if row["year_score"] is not None else None,
                grade_label(row["year_grade"]),
                row["late"],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"scores-{root.code}-{year}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
