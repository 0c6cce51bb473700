"""The reviewer's dashboard, the drill-down branch page and the yearly score export."""

import io
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from branches import abilities
from branches.models import Organisation, OrgKind, User
from config.request_values import parse_id, parse_int_or
from config.xlsx import escape_formula

from ..dashboard import dashboard_for, default_quarter, year_scores
from ..models import grade_label
from ..services.scorecards import parse_period

RANKING_ROWS = 100


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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    root = _root(request)
    try:
        year, quarter = parse_period(request.GET.get("quarter", ""))
    except ValidationError:
        year, quarter = default_quarter()
    sort = request.GET.get("sort", "score")
    board = dashboard_for(root, year=year, quarter=quarter, sort=sort)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "assessments/dashboard.html",
        {
            "board": board,
            "chart_data": board.chart_data(),
            "subtrees": _subtrees(request.user),
            "sort": sort,
            # A committee of thousands of branches: the table shows the first rows in the chosen order.
            "ranking": board.ranking if show_all else board.ranking[:RANKING_ROWS],
            "ranking_cut": not show_all and len(board.ranking) > RANKING_ROWS,
        },
    )


@login_required
def export_year(request: HttpRequest) -> HttpResponse:
    """A year of final scores per branch, for performance pay (考核兑现)."""
    root = _root(request)
    year = parse_int_or(request.GET.get("year", ""), default_quarter()[0], min_value=2000, max_value=2100)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{year}")
    quarters = [f"Q{q}" for q in (1, 2, 3, 4)]
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
