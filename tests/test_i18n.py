import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

PROJECT_APPS = ["branches", "members", "handbook", "tasks", "assessments"]
CATALOGUES = [
    po
    for folder in [Path(settings.BASE_DIR), *(Path(settings.BASE_DIR) / app for app in PROJECT_APPS)]
    if (po := folder / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").exists()
]


def test_the_interface_speaks_chinese_by_default(db: None) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "登录" in page
    assert "党支部标准化管理平台" in page


def test_english_is_one_click_away(db: None) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    page = client.get(reverse("login")).content.decode()
    assert "Sign in" in page
    assert "登录" not in page


def test_there_is_a_chinese_catalogue() -> None:
    assert CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=str)
def test_every_string_of_the_catalogue_is_translated(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert untranslated == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=str)
def test_the_compiled_catalogue_matches_its_source(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry: polib.POEntry) -> str:
        if entry.msgid_plural:
            return compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [
        e.msgid
        for e in po.translated_entries()
        if compiled_text(e) != (e.msgstr_plural[0] if e.msgid_plural else e.msgstr)
    ]
    assert stale == [], "run `make messages` to recompile"


def test_an_english_browser_still_gets_chinese_until_the_user_chooses(db: None) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("login")).content.decode()
    assert "登录" in page
