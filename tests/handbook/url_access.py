"""The handbook's URLs in the role × URL table. The handbook is company-wide: any role may
read it (the outsider, holding none, gets 403); administrators revise it."""

import datetime as dt

from handbook.models import ChangeProposal, Edition, StudyFocus, TrainingSession
from handbook.services import edition_start_draft, proposal_create
from tests.factories import make_edition
from tests.url_table import Case, from_ability, statuses

READERS = statuses(200, outsider=403)
ADMIN_ONLY = statuses(403, administrator=200)
ORGANISERS = statuses(403, administrator=200, reviewer=200)


def in_force(world: object) -> Edition:
    return Edition.objects.filter(version="T1").first() or make_edition(version="T1")


def draft(world: object) -> Edition:
    return Edition.objects.filter(version="T2").first() or edition_start_draft(source=in_force(world), version="T2")


def proposal(world: object) -> ChangeProposal:
    return proposal_create(
        article=in_force(world).articles.first(),
        field="what",
        proposed_text="新写法",
        reason="更清楚",
        by=world.secretary_a,
    )


def focus(world: object) -> StudyFocus:
    item = StudyFocus.objects.create(organisation=world.committee, year=2026, quarter=4, note="重点学习")
    item.articles.set(in_force(world).articles.all()[:2])
    return item


def session(world: object) -> TrainingSession:
    return TrainingSession.objects.create(organisation=world.committee, held_on=dt.date(2026, 11, 1), topic="解标培训")


URLS = {
    "handbook:index": Case(from_ability("handbook.read")),
    "handbook:editions": Case(from_ability("handbook.read")),
    "handbook:edition": Case(READERS, kwargs=lambda w: {"pk": in_force(w).pk}),
    "handbook:edition_pdf": Case(READERS, kwargs=lambda w: {"pk": in_force(w).pk}),
    "handbook:article": Case(READERS, kwargs=lambda w: {"pk": in_force(w).articles.first().pk}),
    "handbook:article_fill_in": Case(READERS, kwargs=lambda w: {"pk": in_force(w).articles.first().pk}),
    "handbook:edition_export": Case(READERS, kwargs=lambda w: {"pk": in_force(w).pk, "fmt": "xlsx"}),
    "handbook:edition_import": Case(from_ability("handbook.edit")),
    "handbook:draft_start": Case(
        from_ability("handbook.edit", ok=302), method="post", data=lambda w: {"version": "T9"} if in_force(w) else {}
    ),
    "handbook:edition_diff": Case(ADMIN_ONLY, kwargs=lambda w: {"pk": draft(w).pk}),
    "handbook:edition_publish": Case(
        statuses(403, administrator=302), kwargs=lambda w: {"pk": draft(w).pk}, method="post"
    ),
    "handbook:edition_discard": Case(
        statuses(403, administrator=302), kwargs=lambda w: {"pk": draft(w).pk}, method="post"
    ),
    "handbook:article_create": Case(ADMIN_ONLY, kwargs=lambda w: {"pk": draft(w).pk}),
    "handbook:article_edit": Case(ADMIN_ONLY, kwargs=lambda w: {"pk": draft(w).articles.first().pk}),
    "handbook:article_retire": Case(
        statuses(403, administrator=302), kwargs=lambda w: {"pk": draft(w).articles.first().pk}, method="post"
    ),
    "handbook:propose": Case(
        statuses(200, member=403, outsider=403), kwargs=lambda w: {"pk": in_force(w).articles.first().pk}
    ),
    "handbook:proposals": Case(READERS),
    "handbook:propose_new": Case(from_ability("handbook.propose")),
    # Only administrators and the proposer see a proposal; anyone else gets 404.
    "handbook:proposal": Case(
        statuses(404, administrator=200, secretary_a=200, outsider=403), kwargs=lambda w: {"pk": proposal(w).pk}
    ),
    "handbook:proposal_accept": Case(
        statuses(403, administrator=302),
        kwargs=lambda w: {"pk": proposal(w).pk},
        method="post",
        data=lambda w: {"draft": draft(w).pk},
    ),
    "handbook:proposal_decline": Case(
        statuses(403, administrator=302),
        kwargs=lambda w: {"pk": proposal(w).pk},
        method="post",
        data=lambda w: {"reply": "暂不采纳"},
    ),
    "handbook:study_list": Case(READERS),
    "handbook:study_create": Case(ORGANISERS),
    "handbook:study": Case(READERS, kwargs=lambda w: {"pk": focus(w).pk}),
    "handbook:training_list": Case(READERS),
    "handbook:training_create": Case(from_ability("study.organise")),
    "handbook:training": Case(READERS, kwargs=lambda w: {"pk": session(w).pk}),
    "handbook:training_attendance": Case(ORGANISERS, kwargs=lambda w: {"pk": session(w).pk}),
    "handbook:demonstrations": Case(READERS),
    "handbook:demonstration_edit": Case(
        statuses(403, administrator=200, reviewer=200, secretary_b=404, outsider=404),
        kwargs=lambda w: {"pk": w.branch_a.pk},
    ),
}
