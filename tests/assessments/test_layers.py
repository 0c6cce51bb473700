"""The API builds a card from the selector module, not from the page layer."""

import ast
from pathlib import Path

from django.conf import settings


def _imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_api_module_of_the_assessments_imports_the_views():
    for module in (Path(settings.BASE_DIR) / "assessments" / "apis").glob("*.py"):
        imported = _imports(module)
        assert not [name for name in imported if name.startswith("..views") or "assessments.views" in name], module
