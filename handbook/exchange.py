"""The handbook exchange format (JSON, and the same fields in xlsx).

``parse_handbook`` checks a whole document and reports every problem at once, so that a
company writing its own handbook can fix its file in one pass; ``edition_to_dict`` writes
the same shape back, so export → import round-trips.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from config.request_values import is_ascii_digits, parse_decimal

from .measures import measure_errors
from .models import (
    Article,
    DueKind,
    Edition,
    Frequency,
    Line,
    WhoRole,
    clean_quarters,
    default_quarters,
    due_rule_errors,
)

TEXT_FIELDS = ("title", "what", "who", "how", "when", "standard", "evidence", "example")
ARTICLE_KEYS = (
    "code",
    "part",
    "title",
    "line",
    "what",
    "who",
    "who_role",
    "how",
    "when",
    "frequency",
    "due_rule",
    "assessed_quarters",
    "standard",
    "evidence",
    "example",
    "max_score",
    "deductions",
)
MAX_LENGTHS = {"version": 32, "title": 100, "code": 16, "description": 300}
TOTAL_SCORE = Decimal(100)


@dataclass
class ParsedDeduction:
    description: str
    points: Decimal
    cap: Decimal | None
    # None: not said (an editor's form) — a rule of the same description keeps its measure.
    measure: str | None = None
    measure_params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedArticle:
    code: str
    part: int
    title: str
    line: str
    what: str
    who: str
    who_role: str
    how: str
    when: str
    frequency: str
    due_kind: str
    due_value: int | None
    standard: str
    evidence: str
    example: str
    max_score: Decimal
    deductions: list[ParsedDeduction] = field(default_factory=list)
    assessed_quarters: str = ""


@dataclass
class ParsedHandbook:
    version: str
    title: str
    parts: list[tuple[int, str]]
    articles: list[ParsedArticle]


def parse_score(value: Any) -> Decimal | None:
    """A score as a Decimal with at most two places, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        # Five digits, two of them places: the score columns' size (NaN and 1e30 are refused).
        parse_decimal(value, max_digits=5, decimal_places=2)
    except ValidationError:
        return None
    return Decimal(str(value).strip())  # as written: messages quote it so


def parse_due_rule(rule: Any) -> tuple[str, int | None] | None:
    """``end`` | ``day:N`` | ``after:N`` | ``none`` → (kind, value); None when malformed."""
    if not isinstance(rule, str):
        return None
    kind, _sep, value = rule.strip().partition(":")
    if kind in (DueKind.END, DueKind.NONE) and not value:
        return kind, None
    if kind in (DueKind.DAY, DueKind.AFTER) and is_ascii_digits(value.strip(), max_digits=4):
        return kind, int(value)
    return None


def _text(errors: list[str], where: str, data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append(_("%(where)s: the field “%(field)s” is missing or empty.") % {"where": where, "field": key})
        return ""
    limit = MAX_LENGTHS.get(key)
    if limit and len(value.strip()) > limit:
        errors.append(
            _("%(where)s: “%(field)s” is longer than %(limit)d characters.")
            % {"where": where, "field": key, "limit": limit}
        )
    return value.strip()


def _choice(errors: list[str], where: str, data: dict[str, Any], key: str, choices: list[str]) -> str:
    value = data.get(key)
    if value not in choices:
        errors.append(
            _("%(where)s: “%(field)s” must be one of %(choices)s, not “%(value)s”.")
            % {"where": where, "field": key, "choices": ", ".join(choices), "value": value}
        )
        return ""
    return str(value)


def _deductions(errors: list[str], where: str, raw: Any, max_score: Decimal | None) -> list[ParsedDeduction]:
    if not isinstance(raw, list) or not raw:
        errors.append(_("%(where)s: at least one deduction rule is required.") % {"where": where})
        return []
    parsed: list[ParsedDeduction] = []
    for n, item in enumerate(raw, start=1):
        at = _("%(where)s, deduction %(n)d") % {"where": where, "n": n}
        if not isinstance(item, dict):
            errors.append(_("%(where)s: not an object.") % {"where": at})
            continue
        description = _text(errors, at, item, "description")
        points = parse_score(item.get("points"))
        if points is None or points <= 0:
            errors.append(_("%(where)s: “points” must be a number above 0.") % {"where": at})
        cap = None
        if item.get("cap") is not None:
            cap = parse_score(item.get("cap"))
            if cap is None or cap <= 0:
                errors.append(_("%(where)s: “cap” must be a number above 0.") % {"where": at})
                cap = None
            elif max_score is not None and cap > max_score:
                errors.append(
                    _("%(where)s: the cap %(cap)s is above the article's max score %(max)s.")
                    % {"where": at, "cap": cap, "max": max_score}
                )
            elif points is not None and points > cap:
                errors.append(_("%(where)s: the points are above the cap.") % {"where": at})
        measure, params = _measure(errors, at, item.get("measure"))
        if points is not None and points > 0:
            parsed.append(
                ParsedDeduction(description=description, points=points, cap=cap, measure=measure, measure_params=params)
            )
    return parsed


def _measure(errors: list[str], where: str, raw: Any) -> tuple[str, dict[str, Any]]:
    """``{"code": "meetings_short", "params": {...}}`` or absent → (code, params); "" for none."""
    if raw is None:
        return "", {}
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        errors.append(_("%(where)s: “measure” must be an object with a “code”.") % {"where": where})
        return "", {}
    code, params = raw["code"], raw.get("params", {})
    problems = measure_errors(code, params)
    if problems:
        errors.extend(f"{where}: {problem}" for problem in problems)
        return "", {}
    return code, params


def _article(errors: list[str], n: int, raw: Any, part_numbers: set[int]) -> ParsedArticle | None:
    if not isinstance(raw, dict):
        errors.append(_("Article %(n)d: not an object.") % {"n": n})
        return None
    code = raw.get("code") if isinstance(raw.get("code"), str) and raw["code"].strip() else None
    where = _("Article %(code)s") % {"code": code.strip()} if code else _("Article %(n)d") % {"n": n}
    before = len(errors)
    code = _text(errors, where, raw, "code")
    part = raw.get("part")
    if isinstance(part, bool) or not isinstance(part, int):
        errors.append(_("%(where)s: “part” must be a part number.") % {"where": where})
    elif part not in part_numbers:
        errors.append(_("%(where)s: unknown part %(part)s.") % {"where": where, "part": part})
    texts = {key: _text(errors, where, raw, key) for key in TEXT_FIELDS}
    line = _choice(errors, where, raw, "line", Line.values)
    who_role = _choice(errors, where, raw, "who_role", WhoRole.values)
    frequency = _choice(errors, where, raw, "frequency", Frequency.values)
    due = parse_due_rule(raw.get("due_rule"))
    if due is None:
        errors.append(
            _("%(where)s: “due_rule” must be end, day:N, after:N or none, not “%(value)s”.")
            % {"where": where, "value": raw.get("due_rule")}
        )
    elif frequency:
        for message in due_rule_errors(frequency, due[0], due[1]).values():
            errors.append(f"{where}: {message}")
    # Optional: a file written before the key existed leaves it out (then: by the frequency).
    quarters = clean_quarters(raw.get("assessed_quarters"))
    if quarters is None:
        errors.append(
            _("%(where)s: “assessed_quarters” must list quarters 1 to 4, each once (e.g. [2, 4]), not “%(value)s”.")
            % {"where": where, "value": raw.get("assessed_quarters")}
        )
    max_score = parse_score(raw.get("max_score"))
    if max_score is None or max_score <= 0:
        errors.append(_("%(where)s: “max_score” must be a number above 0.") % {"where": where})
        max_score = None
    deductions = _deductions(errors, where, raw.get("deductions"), max_score)
    if len(errors) > before or due is None or max_score is None or quarters is None:
        return None
    return ParsedArticle(
        # The frequency's own quarters are stored as "" (see Article.clean).
        assessed_quarters="" if quarters == default_quarters(frequency) else quarters,
        code=code,
        part=part,
        line=line,
        who_role=who_role,
        frequency=frequency,
        due_kind=due[0],
        due_value=due[1],
        max_score=max_score,
        deductions=deductions,
        **texts,
    )


def parse_handbook(data: Any) -> ParsedHandbook:
    """Checks a whole handbook document; raises ValidationError listing every problem."""
    if not isinstance(data, dict):
        raise ValidationError(_("The file does not hold a handbook object."))
    errors: list[str] = []
    where = _("Handbook")
    version = _text(errors, where, data, "version")
    title = _text(errors, where, data, "title")
    parts: list[tuple[int, str]] = []
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        errors.append(_("Handbook: “parts” must list at least one part."))
        raw_parts = []
    for n, raw in enumerate(raw_parts, start=1):
        number = raw.get("number") if isinstance(raw, dict) else None
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            errors.append(_("Part %(n)d: “number” must be a whole number from 1.") % {"n": n})
            continue
        if number in {p for p, _t in parts}:
            errors.append(_("Part %(number)d is listed twice.") % {"number": number})
            continue
        parts.append((number, _text(errors, _("Part %(n)d") % {"n": number}, raw, "title")))
    part_numbers = {p for p, _t in parts}
    raw_articles = data.get("articles")
    if not isinstance(raw_articles, list) or not raw_articles:
        errors.append(_("Handbook: “articles” must list at least one article."))
        raw_articles = []
    articles: list[ParsedArticle] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_articles, start=1):
        article = _article(errors, n, raw, part_numbers)
        if article is None:
            continue
        if article.code in seen:
            errors.append(_("Article code %(code)s is used twice.") % {"code": article.code})
            continue
        seen.add(article.code)
        articles.append(article)
    if not errors:
        total = sum((a.max_score for a in articles), Decimal(0))
        if total != TOTAL_SCORE:
            errors.append(_("The max scores add up to %(total)s, not 100.") % {"total": total.normalize()})
    if errors:
        raise ValidationError(errors)
    return ParsedHandbook(version=version, title=title, parts=parts, articles=articles)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "code": article.code,
        "part": article.part.number,
        "title": article.title,
        "line": article.line,
        "what": article.what,
        "who": article.who,
        "who_role": article.who_role,
        "how": article.how,
        "when": article.when,
        "frequency": article.frequency,
        "due_rule": article.due_rule,
        "assessed_quarters": list(article.quarters_assessed),
        "standard": article.standard,
        "evidence": article.evidence,
        "example": article.example,
        "max_score": _json_number(article.max_score),
        "deductions": [
            {
                "description": d.description,
                "points": _json_number(d.points),
                "cap": None if d.cap is None else _json_number(d.cap),
                **({"measure": {"code": d.measure, "params": d.measure_params}} if d.measure else {}),
            }
            for d in article.deductions.all()
        ],
    }


def edition_to_dict(edition: Edition) -> dict[str, Any]:
    articles = edition.articles.select_related("part").prefetch_related("deductions").order_by("part__number", "code")
    return {
        "version": edition.version,
        "title": edition.title,
        "parts": [{"number": p.number, "title": p.title} for p in edition.parts.order_by("number")],
        "articles": [article_to_dict(a) for a in articles],
    }
