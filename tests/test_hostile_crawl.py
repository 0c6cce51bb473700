"""A hostile crawl: every page and every API endpoint, as every role, fed values that have
broken views before — digits that pass ``str.isdigit()`` but not ``int()``, NaN, 10^30,
NUL and control characters, markup, formula prefixes, nesting 2000 deep, a list for a scalar.

For each URL of the role × URL table (``tests/*/url_access.py``) and each endpoint of the API
table (``tests/api/endpoints.py``) the parameter names the view actually reads are collected —
the fields of the forms its module uses, the names it reads from GET/POST by hand, the query
parameters and body fields of its OpenAPI operation, and a list of known filter names — and
each is sent with a sample of the hostile values, one at a time, the other fields keeping
their valid values. Every answer must be below 500; an HTML page must never carry the
``<script>`` value unescaped; and a request that is refused (4xx, or an error message on a
redirect) must leave the row counts of the product's tables as they were.

The totals are shown at the end of the run (``pytest_terminal_summary`` in tests/conftest.py):
"hostile crawl: N requests, M URLs, 0 server errors".
"""

import inspect
import json
import re
import sys
from collections.abc import Iterable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.db import connection
from django.forms import BaseForm
from django.test import Client
from django.urls import resolve, reverse

from assessments.models import ScorecardLine
from branches.audit import AuditEvent
from tests.api.conftest import api_client_for
from tests.api.endpoints import ENDPOINTS
from tests.conftest import World, client_for
from tests.test_url_access import TABLE
from tests.url_table import ROLES

SCRIPT = "<script>alert(1)</script>"
DEEP = "[" * 2000 + "]" * 2000

# Each value has broken a view of this project, or of one like it, at least once.
HOSTILE: dict[str, Any] = {
    "superscript": "²",
    "circled": "①",
    "superscript year": "²026",
    "superscript quarter": "²026Q1",
    "huge": str(10**30),
    "beyond 64 bits": str(2**63),
    "negative": "-1",
    "nan": "NaN",
    "snan": "sNaN",
    "infinity": "Infinity",
    "exponent": "1e30",
    "empty": "",
    "long": "长" * 10240,
    "nul": "a\x00b",
    "control": "\x01\x08\x1b[31m",
    "script": SCRIPT,
    "sql": "'; --",
    "formula": "=1+1",
    "path": "../../etc/passwd",
    "deep": DEEP,
    "list": ["1", "2"],
}
# Sent to every parameter; the rest rotate so that each value meets many parameters.
CORE = ["superscript year"]
ROTATING = [name for name in HOSTILE if name not in CORE]
PER_PARAMETER = 1  # rotating values per parameter, besides the core one
AT_ONCE = 6  # values sent in every field at once, per URL (rotating across URLs)
# For the roles the table refuses, every parameter at once with a few values: the refusal
# must come before any of them is read, or read them safely.
REFUSED_SAMPLE = ["superscript", "script", "beyond 64 bits", "nul", "huge", "list"]

# Filters and controls read from the query string, wherever they are used.
KNOWN_GET = [
    "year",
    "quarter",
    "period",
    "part",
    "org",
    "article",
    "owner",
    "q",
    "who",
    "page",
    "sample_percent",
    "attended",
    "branch",
    "status",
    "sort",
    "all",
    "mine",
    "show",
    "on",
    "since",
    "until",
    "action",
    "line",
    "frequency",
    "category",
    "search",
    "ordering",
    "grade",
    "late",
    "kind",
    "format",
    "lang",
    "page_size",
]

STATS: dict[str, Any] = {"requests": 0, "urls": set(), "server_errors": 0}


# --- what each view reads --------------------------------------------------------------------

_READ = re.compile(r"""(?:GET|POST|query_params|data)\.(?:get|getlist)\(\s*f?["']([A-Za-z_][\w-]*)""")


def _module_names(module: Any) -> set[str]:
    """Names a view module reads by hand, and the fields of the forms it uses."""
    names: set[str] = set()
    sources = [module]
    # Helpers the views share (posted_version, posted_counts…) live beside them.
    package = module.__name__.rpartition(".")[0]
    for candidate in (f"{package}.common",):
        if candidate in sys.modules:
            sources.append(sys.modules[candidate])
    for source in sources:
        names |= set(_READ.findall(inspect.getsource(source)))
        for value in vars(source).values():
            if inspect.isclass(value) and issubclass(value, BaseForm) and value is not BaseForm:
                names |= set(getattr(value, "base_fields", {}))
    return names


def _dynamic_names(world: World, kwargs: dict[str, Any]) -> set[str]:
    """Field names made from ids: ``count-<rule id>`` on a scorecard line, ``score_<member id>``
    on an attendance sheet; each also with a hostile id."""
    names = {"count-²", "count-①", f"count-{10**20}", "score_²"}
    line_pk = kwargs.get("line_pk")
    if line_pk:
        line = ScorecardLine.objects.filter(pk=line_pk).select_related("article").first()
        if line is not None:
            names |= {f"count-{rule.pk}" for rule in line.article.deductions.all()[:2]}
    return names


def _page_names(url: str, world: World, kwargs: dict[str, Any]) -> tuple[set[str], bool]:
    """The names the view's module reads, and whether it reads a POST at all."""
    view = resolve(url).func
    module = sys.modules[getattr(view, "__module__", "")]
    names = _module_names(module) | _dynamic_names(world, kwargs)
    source = inspect.getsource(module)
    return names, "POST" in source


_SCHEMA: dict[str, Any] = {}


def _schema() -> dict[str, Any]:
    if not _SCHEMA:
        from drf_spectacular.generators import SchemaGenerator

        _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    return _SCHEMA


def _operation(path: str, method: str) -> dict[str, Any]:
    for template, operations in _schema()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    return {}


def _api_names(path: str, method: str, data: dict[str, Any] | None) -> list[str]:
    """The query parameters and body fields of the endpoint's OpenAPI operation, and its test data's."""
    operation = _operation(path, method)
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    for content in operation.get("requestBody", {}).get("content", {}).values():
        ref = content.get("schema", {}).get("$ref", "")
        component = _schema()["components"]["schemas"].get(ref.rpartition("/")[2], {})
        names |= set(component.get("properties", {}))
    names |= set(data or {})
    return sorted(names)


# --- the values --------------------------------------------------------------------------------


def _sample(names: list[str], start: int, size: int) -> list[str]:
    return [names[(start + k) % len(names)] for k in range(min(size, len(names)))]


def _values_for(index: int) -> list[str]:
    start = index * PER_PARAMETER
    rotating = [ROTATING[(start + k) % len(ROTATING)] for k in range(PER_PARAMETER)]
    return CORE + rotating


def _as_form_value(value: Any) -> Any:
    return value


def _as_json_value(key: str, value: Any) -> Any:
    if key == "huge":
        return 10**30
    if key == "nan":
        return "NaN"  # as a string here; as a bare NaN token in a raw body below
    if key == "deep":
        # Past the parser's limit of 32; the body nested 2000 deep is sent raw below (the
        # test client's own encoder would recurse on it).
        nested: Any = []
        for _ in range(40):
            nested = [nested]
        return nested
    if key == "list":
        return ["1", {"2": [3]}]
    return value


# --- the checks --------------------------------------------------------------------------------


def _tables() -> list[str]:
    skip = {AuditEvent._meta.db_table}
    tables = []
    for label in ("branches", "members", "handbook", "tasks", "assessments"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.db_table not in skip and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


def _counts(tables: list[str]) -> tuple[int, ...]:
    # The table names are the models' own, not input.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def _refused(response: Any) -> bool:
    if 400 <= response.status_code < 500:
        return True
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(m.level >= message_levels.ERROR for m in queued)


class Crawl:
    def __init__(self) -> None:
        self.tables = _tables()
        self.failures: list[str] = []

    def send(self, client: Client, method: str, url: str, what: str, **kwargs: Any) -> None:
        before = _counts(self.tables)
        try:
            response = getattr(client, method)(url, **kwargs)
        except Exception as exc:  # the test client re-raises a view's exception: a 500
            STATS["requests"] += 1
            STATS["server_errors"] += 1
            self.failures.append(f"{method.upper()} {url} {what}: {type(exc).__name__}: {str(exc)[:200]}")
            return
        STATS["requests"] += 1
        if response.status_code >= 500:
            STATS["server_errors"] += 1
            self.failures.append(f"{method.upper()} {url} {what}: {response.status_code}")
            return
        content_type = response.get("Content-Type", "")
        html = content_type.startswith("text/html") and not getattr(response, "streaming", False)
        if html and SCRIPT.encode() in response.content:
            self.failures.append(f"{method.upper()} {url} {what}: the <script> value is shown unescaped")
        if _refused(response) and _counts(self.tables) != before:
            self.failures.append(f"{method.upper()} {url} {what}: refused ({response.status_code}) yet rows changed")


def _int_kwargs(kwargs: dict[str, Any]) -> list[str]:
    return [key for key, value in kwargs.items() if isinstance(value, int)]


# --- the pages -----------------------------------------------------------------------------------


def _first_allowed(case: Any, ok: Iterable[int]) -> str | None:
    return next((role for role in ROLES if role != "anonymous" and case.expect[role] in ok), None)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_hostile_values_never_break_a_page(world: World, name: str) -> None:
    case = TABLE[name]
    kwargs = case.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    STATS["urls"].add(name)
    own, reads_post = _page_names(url, world, kwargs)
    crawl = Crawl()
    allowed = _first_allowed(case, ok=(200, 302))
    base = case.data(world)
    # Forms are posted to the page that shows them; a GET page that reads no POST is not posted to.
    methods = [case.method] if case.method == "post" or not reads_post else ["get", "post"]
    seed = sum(map(ord, name))  # a fixed, different sample for each URL
    for number, role in enumerate(ROLES):
        if role == "anonymous":
            continue
        client = client_for(world, role)
        if role != allowed:
            # Refused before reading anything, or reading safely: every field at once.
            key = REFUSED_SAMPLE[(seed + number) % len(REFUSED_SAMPLE)]
            data = dict(base) | {parameter: HOSTILE[key] for parameter in own}
            crawl.send(client, case.method, url, f"as {role}, every field={key}", data=data)
            continue
        for method in methods:
            everything = own | set(KNOWN_GET) if method == "get" else own
            start = dict(base) if method == case.method else {}
            # Each value in every field at once: filters are read independently of each other…
            for key in _sample(list(HOSTILE), seed, AT_ONCE):
                data = start | {parameter: HOSTILE[key] for parameter in everything}
                crawl.send(client, method, url, f"as {role}, every field={key}", data=data)
            # …and each field on its own, the others valid, for views that stop at the first error.
            for index, parameter in enumerate(sorted(own)):
                for key in _values_for(seed + index):
                    data = start | {parameter: HOSTILE[key]}
                    crawl.send(client, method, url, f"as {role}, {parameter}={key}", data=data)
        for key in _int_kwargs(kwargs):
            for huge in (2**63, 10**20):
                wild = reverse(name, kwargs=kwargs | {key: huge})
                crawl.send(client, case.method, wild, f"as {role}, {key}={huge}", data=base)
    assert crawl.failures == []


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), sorted(ENDPOINTS))
def test_hostile_values_never_break_an_api_endpoint(world: World, name: str, method: str) -> None:
    case = ENDPOINTS[(name, method)]
    kwargs = case.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    STATS["urls"].add(f"{name} {method.upper()}")
    crawl = Crawl()
    for role in ROLES:
        if role == "anonymous":
            continue
        cache.clear()  # the throttle counts in the cache; this is many requests in a second
        client = api_client_for(world, role)
        allowed = 200 <= case.expect[role] < 300
        base = case.data(world) or {}
        names = _api_names(url, method, base)
        seed = sum(map(ord, name + method))
        if not allowed:
            data = dict(base) | {parameter: HOSTILE["superscript"] for parameter in names}
            if method == "get":
                crawl.send(client, "get", url, f"as {role}, every parameter=²", data=data)
            else:
                crawl.send(client, method, url, f"as {role}, every field=²", data=data, format="json")
            continue
        if method == "get":
            for key in _sample(list(HOSTILE), seed, AT_ONCE):
                data = {parameter: HOSTILE[key] for parameter in set(names) | set(KNOWN_GET)}
                crawl.send(client, "get", url, f"as {role}, every parameter={key}", data=data)
        for index, parameter in enumerate(names):
            for key in _values_for(seed + index):
                if method == "get":
                    crawl.send(client, "get", url, f"as {role}, ?{parameter}={key}", data={parameter: HOSTILE[key]})
                elif case.format == "multipart":
                    data = dict(case.data(world) or {}) | {parameter: HOSTILE[key]}
                    crawl.send(client, method, url, f"as {role}, {parameter}={key}", data=data, format="multipart")
                else:
                    data = dict(base) | {parameter: _as_json_value(key, HOSTILE[key])}
                    crawl.send(client, method, url, f"as {role}, {parameter}={key}", data=data, format="json")
        if method != "get":
            first = names[0] if names else "x"
            for body, what in (
                (DEEP, "a body nested 2000 deep"),
                (json.dumps({first: "a\u0000b"}), "a NUL in JSON"),
                ('{"' + first + '": NaN}', "a bare NaN"),
            ):
                crawl.send(client, method, url, f"as {role}, {what}", data=body, content_type="application/json")
        for key in _int_kwargs(kwargs):
            # The API's routes take at most 18 digits: a longer id is the unknown-endpoint 404.
            wild = url.replace(f"/{kwargs[key]}/", f"/{2**63}/", 1)
            crawl.send(client, method, wild, f"as {role}, {key}=2**63", data=base, format=case.format)
        break  # the first role the table allows: the others read the same code
    assert crawl.failures == []
