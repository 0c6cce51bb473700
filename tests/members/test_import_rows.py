"""Row-level rules of the roster import: every bad row reported, good rows classified."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from members.excel import importer
from members.excel.columns import HEADERS
from members.models import Category, Member, MemberStatus, MemberTransfer, TransferKind
from tests.factories import MemberFactory, make_id_number, make_org
from tests.members.xlsx import row, xlsx


def check(world, rows, headers=None, scope=None):
    return importer.validate(io.BytesIO(xlsx(rows, headers)), scope=scope or world.committee)


def errors_of(plan):
    return [(e["row"], e["column"]) for e in plan.errors]


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2012, 7, 1),
        41091,  # the Excel serial number of 2012-07-01
        "2012-07-01",
        "2012/7/1",
        "2012.07.01",
        "2012年7月1日",
        "2012年7月",
        " 2012-07-01 ",
        "2012-07-01 00:00:00",
    ],
)
def test_each_date_form_is_read_as_the_same_day(world, value):
    plan = check(world, [row(入党日期=value)])
    assert plan.ok, plan.errors
    assert plan.creates[0]["joined_on"] == dt.date(2012, 7, 1)


@pytest.mark.parametrize("value", ["2012-13-01", "July 2012", "2012-02-30", 5])
def test_a_date_that_cannot_be_read_is_a_bad_cell(world, value):
    plan = check(world, [row(入党日期=value)])
    assert errors_of(plan) == [(2, "入党日期")]


def test_a_good_file_is_all_new_and_writes_members_with_their_history(world):
    plan = check(world, [row(), row(姓名="李四", birth=dt.date(1991, 1, 2), 支部编码="B")])
    assert plan.ok
    assert plan.summary() | {} == {"total": 2, "new": 2, "updated": 0, "unchanged": 0, "bad_rows": 0, "errors": 0}
    importer.write(plan, by=world.administrator)
    member = Member.objects.get(name="张三")
    assert member.branch == world.branch_a
    assert member.category == Category.FULL and member.is_union_member and not member.is_league_member
    assert MemberTransfer.objects.filter(member=member, kind=TransferKind.JOINED, to_branch=world.branch_a).exists()


def test_text_with_backslashes_tabs_and_line_breaks_is_stored_as_written(world):
    # PostgreSQL receives new rows by COPY, whose text format escapes these characters.
    post = "技术员\\一线\t班组\n夜班"
    plan = check(world, [row(工作岗位=post, 流动去向="")])
    assert plan.ok, plan.errors
    importer.write(plan, by=world.administrator)
    member = Member.objects.get()
    assert member.post == post and member.flowing_to == "" and member.full_member_on == dt.date(2013, 7, 1)
    history = MemberTransfer.objects.get(member=member)
    assert (history.kind, history.to_branch, history.recorded_by) == (
        TransferKind.JOINED,
        world.branch_a,
        world.administrator,
    )


def test_re_importing_the_same_file_changes_nothing(world):
    data = [row(), row(姓名="李四", birth=dt.date(1991, 1, 2))]
    importer.write(check(world, data))
    before = list(Member.objects.values().order_by("pk"))
    plan = check(world, data)
    assert plan.summary()["unchanged"] == 2 and not plan.creates and not plan.updates
    importer.write(plan)
    assert list(Member.objects.values().order_by("pk")) == before
    assert MemberTransfer.objects.count() == 2


def test_a_changed_row_is_an_update_and_a_new_branch_is_recorded_as_a_transfer(world):
    importer.write(check(world, [row()]))
    plan = check(world, [row(手机号="13700000000", 支部编码="B")])
    assert plan.summary()["updated"] == 1
    importer.write(plan)
    member = Member.objects.get()
    assert member.phone == "13700000000" and member.branch == world.branch_b
    assert member.transfers.filter(kind=TransferKind.TRANSFER, from_branch=world.branch_a).exists()


def test_a_repeated_id_number_in_one_file_is_an_error_not_a_merge(world):
    plan = check(world, [row(), row(姓名="张三丰")])
    assert errors_of(plan) == [(3, "身份证号")]
    assert "2" in plan.errors[0]["message"]


def test_an_unknown_branch_is_an_error(world):
    plan = check(world, [row(支部编码="NOPE"), row(支部编码="", 所在支部="不存在的支部", birth=dt.date(1991, 1, 2))])
    assert errors_of(plan) == [(2, "支部编码"), (3, "所在支部")]


def test_a_branch_outside_the_import_scope_is_unknown(world):
    plan = check(world, [row(支部编码="B")], scope=world.branch_a)
    assert errors_of(plan) == [(2, "支部编码")]


def test_a_branch_named_by_its_name_is_found(world):
    plan = check(world, [row(支部编码="", 所在支部="二号项目部党支部")])
    assert plan.ok and plan.creates[0]["branch_id"] == world.branch_b.pk


def test_an_ambiguous_branch_name_asks_for_the_code(world):
    make_org(world.general, name="二号项目部党支部", code="B2")
    plan = check(world, [row(支部编码="", 所在支部="二号项目部党支部")])
    assert errors_of(plan) == [(2, "所在支部")]


def test_a_dissolved_branch_takes_no_members(world):
    from branches.services import organisation_dissolve

    organisation_dissolve(by=None, organisation=world.branch_b, on=dt.date(2026, 1, 1), reason="项目结束")
    assert errors_of(check(world, [row(支部编码="B")])) == [(2, "支部编码")]


def test_every_bad_row_is_reported_with_its_row_and_column(world):
    ok = make_id_number(dt.date(1990, 5, 6))
    bad_check = ok[:-1] + ("0" if ok[-1] != "0" else "1")
    rows = [
        row(身份证号=bad_check),
        row(性别="未知", birth=dt.date(1980, 1, 1)),
        row(党员类别="群众", birth=dt.date(1981, 1, 1)),
        row(姓名="", birth=dt.date(1982, 1, 1)),
        row(转正日期="2011-01-01", birth=dt.date(1983, 1, 1)),
        row(出生日期=dt.date(1984, 2, 2), birth=dt.date(1984, 1, 1)),
        row(人员状态="流动党员", birth=dt.date(1985, 1, 1)),
        row(党员类别="正式党员", 转正日期="", birth=dt.date(1986, 1, 1)),
        row(学历="幼儿园", birth=dt.date(1987, 1, 1)),
        row(工会会员="也许", birth=dt.date(1988, 1, 1)),
        row(姓名="名" * 51, birth=dt.date(1989, 1, 1)),
    ]
    plan = check(world, rows)
    assert errors_of(plan) == [
        (2, "身份证号"),
        (3, "性别"),
        (4, "党员类别"),
        (5, "姓名"),
        (6, "转正日期"),
        (7, "出生日期"),
        (8, "流动去向"),
        (9, "转正日期"),
        (10, "学历"),
        (11, "工会会员"),
        (12, "姓名"),
    ]
    assert all(e["message"] for e in plan.errors)
    assert not plan.ok


def test_an_id_number_stored_as_a_number_is_explained(world):
    plan = check(world, [row(身份证号=420102199005060011)])
    assert errors_of(plan) == [(2, "身份证号")]
    assert "number" in plan.errors[0]["message"] or "数字" in plan.errors[0]["message"]


def test_a_missing_birth_date_is_taken_from_the_id_number(world):
    plan = check(world, [row(出生日期=None)])
    assert plan.ok and plan.creates[0]["birth_date"] == dt.date(1990, 5, 6)
    # As the commit job does: the stored rows, re-checked inside the transaction.
    importer.write(importer.recheck(importer.load(importer.dump(plan)), scope=world.committee))
    assert Member.objects.get().birth_date == dt.date(1990, 5, 6)


def test_headers_are_matched_after_trimming_spaces_and_extra_columns_are_ignored_with_a_notice(world):
    headers = [f" {h} " for h in HEADERS] + ["备注"]
    plan = check(world, [[*row(), "随便写"]], headers=headers)
    assert plan.ok
    assert len(plan.notices) == 1 and "备注" in plan.notices[0]


def test_a_missing_required_column_refuses_the_file(world):
    headers = [h for h in HEADERS if h != "入党日期"]
    data = [[v for h, v in zip(HEADERS, row(), strict=True) if h != "入党日期"]]
    plan = check(world, data, headers=headers)
    assert errors_of(plan) == [(1, "入党日期")] and plan.total == 0


def test_blank_rows_are_ignored(world):
    plan = check(world, [row(), [None] * len(HEADERS), ["  "] * len(HEADERS), row(birth=dt.date(1991, 1, 2))])
    assert plan.ok and plan.total == 2


def test_absent_optional_columns_keep_what_the_roster_already_holds(world):
    member = MemberFactory(branch=world.branch_a, phone="13600000000", post="书记")
    headers = ["姓名", "性别", "身份证号", "党员类别", "入党日期", "转正日期", "支部编码"]
    plan = check(world, [[member.name, "男", member.id_number, "正式党员", "2008-07-01", "2009-07-01", "A"]], headers)
    assert plan.summary()["unchanged"] == 1


def test_a_member_of_another_organisation_cannot_be_overwritten(world):
    MemberFactory(branch=world.branch_b, id_number=make_id_number(dt.date(1990, 5, 6), seq=7))
    plan = check(world, [row(身份证号=make_id_number(dt.date(1990, 5, 6), seq=7))], scope=world.branch_a)
    assert errors_of(plan) == [(2, "身份证号")]


def test_status_and_flowing_destination_are_imported(world):
    plan = check(world, [row(人员状态="流动党员", 流动去向="深圳某项目部")])
    assert plan.ok
    assert plan.creates[0]["status"] == MemberStatus.FLOWING and plan.creates[0]["flowing_to"] == "深圳某项目部"


def test_members_left_in_a_dissolved_branchs_history_re_import_unchanged(world):
    from branches.services import organisation_dissolve

    member = MemberFactory(branch=world.branch_b, status=MemberStatus.DECEASED)
    organisation_dissolve(by=None, organisation=world.branch_b, on=dt.date(2026, 1, 1), reason="项目结束")
    headers = ["姓名", "性别", "身份证号", "党员类别", "入党日期", "转正日期", "支部编码", "人员状态"]
    values = [member.name, "男", member.id_number, "正式党员", "2008-07-01", "2009-07-01", "B", "去世"]
    assert check(world, [values], headers).summary()["unchanged"] == 1
    moving_in = MemberFactory(branch=world.branch_a, id_number=make_id_number(seq=321))
    values = [moving_in.name, "男", moving_in.id_number, "正式党员", "2008-07-01", "2009-07-01", "B", "在册"]
    assert errors_of(check(world, [values], headers)) == [(2, "支部编码")]


def test_many_updated_rows_are_written_with_their_empty_dates(world):
    people = [
        row(姓名=f"预备{i}", 党员类别="预备党员", 转正日期="", birth=dt.date(1990, 1, 1) + dt.timedelta(days=i))
        for i in range(3)
    ]
    importer.write(check(world, people))
    changed = [[*p[:5], "13000000000", *p[6:]] for p in people]
    plan = check(world, changed)
    assert plan.summary()["updated"] == 3
    importer.write(plan)
    assert set(Member.objects.values_list("phone", "full_member_on")) == {("13000000000", None)}


@pytest.mark.parametrize("header", ["入党日期", "转正日期", "出生日期"])
def test_a_date_in_the_future_is_a_bad_row_naming_the_column_and_the_date(world, header):
    future = timezone.localdate() + dt.timedelta(days=1)
    overrides: dict[str, object] = {
        "入党日期": {"党员类别": "预备党员", "入党日期": future.isoformat(), "转正日期": ""},
        "转正日期": {"转正日期": future.isoformat()},
        # The ID number carries the birth date: both say the same future day.
        "出生日期": {"birth": future},
    }[header]
    plan = check(world, [row(**overrides)])
    messages = {e["column"]: e["message"] for e in plan.errors}
    assert future.isoformat() in messages[header] and header in messages[header]
    assert not plan.creates


def test_a_future_date_on_an_existing_member_is_a_bad_row_too(world):
    MemberFactory(branch=world.branch_a, id_number=make_id_number(dt.date(1990, 5, 6), seq=1))
    plan = check(world, [row(入党日期="2999-01-01", 转正日期="2999-07-01")])
    assert errors_of(plan) == [(2, "入党日期"), (2, "转正日期")] and not plan.updates


def test_today_is_not_in_the_future(world):
    today = timezone.localdate()
    plan = check(world, [row(党员类别="预备党员", 入党日期=today.isoformat(), 转正日期="")])
    assert plan.ok, plan.errors
