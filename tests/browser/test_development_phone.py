"""The development pages in a real browser at 390×844 and 1366×900: the list by stage stacks as
cards, the file's timeline and the step form fit, and a broken rule is shown beside its field."""

import pytest
from playwright.sync_api import Page

from development.stages import StepKind
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.test_list_pages_phone import MEASURE
from tests.conftest import World
from tests.development.files import file_through, new_file
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_development_pages_fit_a_phone_and_show_errors_beside_the_field(
    world: World, live_server, page: Page, shoot
) -> None:
    roster = [MemberFactory(branch=world.branch_a, name=n) for n in ("王芳", "李强", "赵敏", "孙杰")]
    applicant = new_file(world.branch_a, name="刘洋")
    activist = file_through(world.branch_a, StepKind.ACTIVIST, people=roster, name="周婷")
    file_through(world.branch_a, StepKind.OATH, people=roster, admitted_ago=300, name="吴磊")
    base = live_server.url
    sign_in(page, base, "secretary_a")
    problems: list[str] = []
    pages = [
        ("list", f"/development/org/{world.branch_a.pk}/"),
        ("detail", f"/development/{activist.pk}/"),
        ("workbench", "/"),
    ]
    for name, url in pages:
        for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            assert page.goto(f"{base}{url}").status == 200
            shoot(page, f"{name}-{size}")
            found = page.evaluate(MEASURE)
            problems += [f"{name} {size}: squeezed {cell}" for cell in found["squeezed"]]
            problems += [f"{name} {size}: scrolls sideways: {box}" for box in found["sideways"]]
    assert problems == [], "\n".join(problems)
    page.goto(f"{base}/development/{activist.pk}/")
    assert page.locator("h1").inner_text().startswith("周婷")
    # The activist's half-yearly assessment fell due long ago: shown, marked late.
    assert page.locator("#dev-assessment").inner_text().startswith("下次培养考察")
    assert page.locator("#dev-assessment .badge.bad").count() == 1
    page.goto(f"{base}/development/{applicant.pk}/record/talk/")
    page.fill("#id_on", "2000-01-01")
    page.click("form button.primary")
    error = page.locator(".field.has-error .error")
    assert "日期不能早于“递交入党申请书”" in error.inner_text()
    shoot(page, "record-error-390")
