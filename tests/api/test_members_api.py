"""/api/v1/members/ and /api/v1/member-imports/: the roster through its selectors and services."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from branches.models import Organisation, OrgStatus
from members.models import ImportStatus, Member, MemberImport, MemberStatus, MemberTransfer
from tests.conftest import World
from tests.factories import MemberFactory, make_id_number, make_org
from tests.members.id_attacks import masked_id_attacks
from tests.members.xlsx import row, xlsx

LIST = "/api/v1/members/"


def _detail(member: Member) -> str:
    return reverse("api:member-detail", kwargs={"pk": member.pk})


def _action(name: str, member: Member) -> str:
    return reverse(f"api:member-{name}", kwargs={"pk": member.pk})


def _names(response: object) -> list[str]:
    return [r["name"] for r in response.json()["results"]]  # type: ignore[attr-defined]


def _error(response: object) -> dict:
    return response.json()["error"]  # type: ignore[attr-defined]


@pytest.fixture
def roster(world: World) -> dict[str, Member]:
    return {
        "zhang": MemberFactory(branch=world.branch_a, name="张三", phone="13811112222"),
        "li": MemberFactory(
            branch=world.branch_a, name="李四", category="probationary", full_member_on=None, phone="13933334444"
        ),
        "wang": MemberFactory(branch=world.branch_b, name="王五", status=MemberStatus.FLOWING, flowing_to="深圳"),
    }


# --- reading ----------------------------------------------------------------------------------


def test_a_secretary_lists_only_their_own_branchs_members(api_as, roster) -> None:
    response = api_as("secretary_a").get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert sorted(_names(response)) == ["张三", "李四"]


def test_the_reviewer_lists_every_branch_below_them(api_as, roster) -> None:
    assert sorted(_names(api_as("reviewer").get(LIST))) == ["张三", "李四", "王五"]


def test_a_plain_member_or_someone_without_a_role_may_not_read_the_roster(api_as, roster) -> None:
    for role in ("member", "outsider"):
        response = api_as(role).get(LIST)
        assert response.status_code == 403
        assert _error(response)["code"] == "permission_denied"


def test_the_id_number_is_shown_in_full_only_to_an_administrator(api_as, roster) -> None:
    full = roster["zhang"].id_number
    admin = api_as("administrator").get(_detail(roster["zhang"])).json()
    assert admin["id_number"] == full
    for role in ("reviewer", "secretary_a"):
        shown = api_as(role).get(_detail(roster["zhang"])).json()["id_number"]
        assert shown == roster["zhang"].masked_id_number
        assert full not in api_as(role).get(LIST).content.decode()


def test_the_list_filters_by_category_status_and_branch(api_as, world: World, roster) -> None:
    client = api_as("reviewer")
    assert _names(client.get(LIST, {"category": "probationary"})) == ["李四"]
    assert _names(client.get(LIST, {"status": "flowing"})) == ["王五"]
    assert sorted(_names(client.get(LIST, {"branch": world.branch_a.pk}))) == ["张三", "李四"]
    # A unit above branches: the members of its whole subtree.
    assert len(_names(client.get(LIST, {"branch": world.general.pk}))) == 3
    # An empty filter is no filter, as on the web page.
    assert len(_names(client.get(LIST, {"category": "", "status": "", "branch": ""}))) == 3


def test_the_list_searches_name_phone_and_the_end_of_the_id_number(api_as, roster) -> None:
    client = api_as("reviewer")
    assert _names(client.get(LIST, {"search": "张"})) == ["张三"]
    assert _names(client.get(LIST, {"search": "1393333"})) == ["李四"]
    assert _names(client.get(LIST, {"search": roster["wang"].id_number[-4:]})) == ["王五"]


@pytest.fixture
def zhao(world: World) -> Member:
    born = dt.date(1990, 5, 1)
    return MemberFactory(
        branch=world.branch_a,
        name="赵六",
        phone="15100001111",
        birth_date=born,
        id_number=make_id_number(born, region="420106", seq=50),
    )


def test_the_search_cannot_read_back_the_masked_part_of_an_id_number(api_as, zhao) -> None:
    for role in ("secretary_a", "reviewer"):
        client = api_as(role)
        assert client.get(_detail(zhao)).json()["id_number"] == zhao.masked_id_number
        for attack in masked_id_attacks(zhao.id_number):
            assert _names(client.get(LIST, {"search": attack})) == [], f"{role} found {attack}"
        # What the masked number shows, the name and the phone still find the member.
        for search in (zhao.id_number[-4:], "赵", "15100001111", "0000111"):
            assert _names(client.get(LIST, {"search": search})) == ["赵六"], f"{role}: {search}"


def test_an_administrator_finds_a_member_by_the_whole_id_number_and_by_nothing_partial(api_as, zhao) -> None:
    client = api_as("administrator")
    assert _names(client.get(LIST, {"search": zhao.id_number})) == ["赵六"]
    assert _names(client.get(LIST, {"search": f" {zhao.id_number.lower()} "})) == ["赵六"]
    assert _names(client.get(LIST, {"search": zhao.id_number[-4:]})) == ["赵六"]
    assert _names(client.get(LIST, {"search": zhao.id_number[4:14]})) == []


def test_the_list_orders_and_pages(api_as, roster) -> None:
    client = api_as("reviewer")
    assert _names(client.get(LIST, {"ordering": "-name"})) == sorted(["张三", "李四", "王五"], reverse=True)
    first = client.get(LIST, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    assert client.get(LIST, {"page": 9}).status_code == 404


def test_a_bad_filter_is_a_400_on_that_parameter(api_as, world: World, roster) -> None:
    response = api_as("secretary_a").get(LIST, {"status": "nonsense", "branch": world.branch_b.pk})
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"status", "branch"}
    assert world.branch_b.name not in response.content.decode()


@pytest.mark.parametrize("value", ["²", "x", str(2**63), "1.5"])
def test_a_branch_that_is_not_an_id_is_a_400_in_the_apis_error_format(api_as, roster, value) -> None:
    response = api_as("reviewer").get(LIST, {"branch": value, "search": "张"})
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "validation_error" and list(error["fields"]) == ["branch"]
    assert error["fields"]["branch"] and all(isinstance(m, str) for m in error["fields"]["branch"])


def test_empty_filters_filter_nothing(api_as, roster) -> None:
    response = api_as("reviewer").get(LIST, {"branch": "", "status": "", "category": "", "search": ""})
    assert sorted(_names(response)) == sorted(["张三", "李四", "王五"])


def test_the_detail_gives_the_history_and_what_the_user_may_change(api_as, world: World, roster) -> None:
    member = roster["zhang"]
    MemberTransfer.objects.create(member=member, kind="joined", on=dt.date(2020, 1, 1), to_branch=world.branch_a)
    body = api_as("secretary_a").get(_detail(member)).json()
    assert [h["kind"] for h in body["history"]] == ["joined"]
    assert body["history"][0]["to_branch_name"] == world.branch_a.name
    assert body["editable_fields"] == ["phone", "post"]
    assert "name" in api_as("administrator").get(_detail(member)).json()["editable_fields"]
    assert api_as("reviewer").get(_detail(member)).json()["editable_fields"] == []


def test_another_branchs_member_is_a_404_and_a_plain_member_gets_403(api_as, roster) -> None:
    assert api_as("secretary_b").get(_detail(roster["zhang"])).status_code == 404
    assert api_as("member").get(_detail(roster["zhang"])).status_code == 403


# --- writing ----------------------------------------------------------------------------------


def _new(world: World, **overrides: object) -> dict[str, object]:
    birth = dt.date(1996, 8, 9)
    data: dict[str, object] = {
        "branch": world.branch_a.pk,
        "name": "赵六",
        "gender": "male",
        "birth_date": birth.isoformat(),
        "id_number": make_id_number(birth, seq=5),
        "category": "full",
        "joined_on": "2018-07-01",
        "full_member_on": "2019-07-01",
        "phone": "13700000000",
    }
    data.update(overrides)
    return data


def test_the_administrator_adds_a_member_with_a_first_history_entry(api_as, world: World) -> None:
    response = api_as("administrator").post(LIST, _new(world), format="json")
    assert response.status_code == 201
    member = Member.objects.get(name="赵六")
    assert response["Location"] == _detail(member)
    body = response.json()
    assert (body["branch"], body["status"], body["ethnicity"]) == (world.branch_a.pk, "on_roll", "汉族")
    assert [h["kind"] for h in body["history"]] == ["joined"]


def test_a_new_member_breaking_the_models_rules_is_a_400_on_those_fields(api_as, world: World) -> None:
    client = api_as("administrator")
    response = client.post(LIST, _new(world, id_number="110105199608090000"), format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"id_number"}
    response = client.post(LIST, _new(world, birth_date="1996-08-10", full_member_on=None), format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"birth_date", "full_member_on"}
    assert not Member.objects.exists()


def test_a_date_in_the_future_is_a_400_on_that_field_on_adding_and_editing(api_as, world: World, roster) -> None:
    client = api_as("administrator")
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(LIST, _new(world, joined_on=future, full_member_on=future), format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"joined_on", "full_member_on"}
    assert future in _error(response)["fields"]["joined_on"][0]
    assert not Member.objects.filter(name="赵六").exists()
    member = roster["zhang"]
    response = client.patch(_detail(member), {"full_member_on": future}, format="json")
    assert response.status_code == 400 and set(_error(response)["fields"]) == {"full_member_on"}
    member.refresh_from_db()
    assert member.full_member_on == dt.date(2009, 7, 1)


def test_an_id_number_already_on_the_roster_is_a_400(api_as, world: World, roster) -> None:
    zhang = roster["zhang"]
    data = _new(world, id_number=zhang.id_number, birth_date=zhang.birth_date.isoformat())
    response = api_as("administrator").post(LIST, data, format="json")
    assert response.status_code == 400
    assert "id_number" in _error(response)["fields"]


def test_members_are_added_to_an_active_branch_only(api_as, world: World) -> None:
    client = api_as("administrator")
    response = client.post(LIST, _new(world, branch=world.group_a1.pk), format="json")
    assert response.status_code == 400
    Organisation.objects.filter(pk=world.branch_b.pk).update(
        status=OrgStatus.DISSOLVED, dissolved_on=dt.date(2026, 1, 1)
    )
    assert client.post(LIST, _new(world, branch=world.branch_b.pk), format="json").status_code == 400
    assert not Member.objects.exists()


def test_only_an_administrator_adds_members_and_only_within_their_scope(api_as, world: World) -> None:
    assert api_as("secretary_a").post(LIST, _new(world), format="json").status_code == 403
    assert api_as("secretary_b").post(LIST, _new(world), format="json").status_code == 404
    elsewhere = make_org(make_org(code="X"), code="X1")
    assert api_as("administrator").post(LIST, _new(world, branch=elsewhere.pk), format="json").status_code == 404
    assert not Member.objects.exists()


def test_a_secretary_keeps_phone_and_post_up_to_date_but_nothing_else(api_as, roster) -> None:
    member = roster["zhang"]
    client = api_as("secretary_a")
    response = client.patch(_detail(member), {"phone": " 13622223333 ", "post": "安全员"}, format="json")
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["post"]) == ("13622223333", "安全员")
    response = client.patch(_detail(member), {"name": "张三丰", "phone": "1"}, format="json")
    assert response.status_code == 403
    assert "name" in _error(response)["message"]
    member.refresh_from_db()
    assert (member.name, member.phone) == ("张三", "13622223333")


def test_the_administrator_edits_any_field_and_the_record_is_checked_as_a_whole(api_as, roster) -> None:
    member = roster["li"]
    client = api_as("administrator")
    response = client.patch(_detail(member), {"category": "full", "full_member_on": "2010-07-01"}, format="json")
    assert response.status_code == 200 and response.json()["category"] == "full"
    response = client.patch(_detail(member), {"full_member_on": None}, format="json")
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"full_member_on"}
    # Sending the member's own ID number back is no clash with itself.
    assert client.patch(_detail(member), {"id_number": member.id_number}, format="json").status_code == 200


def test_a_transfer_moves_the_member_to_a_branch_the_administrator_runs(api_as, world: World, roster) -> None:
    member = roster["zhang"]
    client = api_as("administrator")
    response = client.post(_action("transfer", member), {"to_branch": world.branch_b.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["branch"] == world.branch_b.pk
    assert response.json()["history"][-1]["kind"] == "transfer"
    again = client.post(_action("transfer", member), {"to_branch": world.branch_b.pk}, format="json")
    assert again.status_code == 400
    group = client.post(_action("transfer", member), {"to_branch": world.group_a1.pk}, format="json")
    assert group.status_code == 400 and set(_error(group)["fields"]) == {"to_branch"}


def test_a_member_off_the_roll_cannot_be_transferred_a_409(api_as, world: World) -> None:
    member = MemberFactory(branch=world.branch_a, status=MemberStatus.DECEASED)
    response = api_as("administrator").post(_action("transfer", member), {"to_branch": world.branch_b.pk})
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    member.refresh_from_db()
    assert member.branch_id == world.branch_a.pk


def test_a_member_transferred_out_comes_back_in(api_as, world: World, roster) -> None:
    member = roster["zhang"]
    client = api_as("administrator")
    assert client.post(_action("transfer-out", member), {}, format="json").status_code == 400  # where to?
    out = client.post(_action("transfer-out", member), {"reason": "调往集团", "on": "2026-10-01"}, format="json")
    assert out.status_code == 200 and out.json()["status"] == "transferred_out"
    assert client.post(_action("transfer-out", member), {"reason": "再转"}, format="json").status_code == 409
    back = client.post(_action("transfer", member), {"to_branch": world.branch_b.pk}, format="json")
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["history"][-1]["kind"]) == ("on_roll", "transfer_in")


def test_a_flowing_member_says_where_and_returns(api_as, roster) -> None:
    member = roster["zhang"]
    client = api_as("administrator")
    assert client.post(_action("return", member), {}, format="json").status_code == 409
    response = client.post(_action("flowing", member), {"flowing_to": "雄安项目部"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["flowing_to"]) == ("flowing", "雄安项目部")
    back = client.post(_action("return", member), {"on": "2026-11-01"}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "on_roll"


def test_a_status_change_is_recorded_with_its_reason(api_as, roster) -> None:
    member = roster["zhang"]
    client = api_as("administrator")
    response = client.post(_action("status", member), {"status": "suspended", "reason": "失联"}, format="json")
    assert response.status_code == 200
    assert response.json()["history"][-1]["kind"] == "status"
    same = client.post(_action("status", member), {"status": "suspended", "reason": "失联"}, format="json")
    assert same.status_code == 409
    flowing = client.post(_action("status", member), {"status": "flowing", "reason": "x"}, format="json")
    assert flowing.status_code == 400 and set(_error(flowing)["fields"]) == {"status"}


def test_transfers_are_the_administrators_a_secretary_gets_403(api_as, world: World, roster) -> None:
    member = roster["zhang"]
    for name, data in [("transfer", {"to_branch": world.branch_b.pk}), ("status", {"status": "deceased"})]:
        assert api_as("secretary_a").post(_action(name, member), data, format="json").status_code == 403
        assert api_as("secretary_b").post(_action(name, member), data, format="json").status_code == 404
    member.refresh_from_db()
    assert (member.branch_id, member.status) == (world.branch_a.pk, "on_roll")


# --- the Excel import: upload and check, then commit -------------------------------------------

IMPORTS = "/api/v1/member-imports/"


def _upload(client, organisation, data: bytes, capture) -> object:
    with capture(execute=True):
        return client.post(
            IMPORTS,
            {"organisation": organisation.pk, "file": SimpleUploadedFile("roster.xlsx", data)},
            format="multipart",
        )


def _checked(client, response: object) -> dict:
    """The import as it stands once its check job has run (the upload's own answer may still
    say "queued": the job is enqueued when the upload's transaction commits)."""
    pk = response.json()["id"]  # type: ignore[attr-defined]
    return client.get(reverse("api:member-import-detail", kwargs={"pk": pk})).json()


def _commit(client, pk: int, capture) -> object:
    with capture(execute=True):
        return client.post(reverse("api:member-import-commit", kwargs={"pk": pk}))


def test_an_upload_is_checked_and_answers_the_counts_without_writing(
    api_as, world: World, roster, django_capture_on_commit_callbacks
) -> None:
    rows = [row("A"), row("B", 姓名="钱七", birth=dt.date(1991, 1, 2))]
    rows.append(row("A", 姓名="张三", 身份证号=roster["zhang"].id_number, birth=roster["zhang"].birth_date))
    client = api_as("administrator")
    response = _upload(client, world.committee, xlsx(rows), django_capture_on_commit_callbacks)
    assert response.status_code == 201
    assert response["Location"] == reverse("api:member-import-detail", kwargs={"pk": response.json()["id"]})
    body = _checked(client, response)
    assert body["status"] == "valid" and not body["is_running"]
    assert (body["new_count"], body["updated_count"], body["unchanged_count"], body["error_count"]) == (2, 1, 0, 0)
    assert body["errors"] == []
    assert Member.objects.count() == 3


def test_committing_a_clean_check_writes_every_row(api_as, world: World, django_capture_on_commit_callbacks) -> None:
    client = api_as("secretary_a")
    pk = _upload(client, world.branch_a, xlsx([row("A")]), django_capture_on_commit_callbacks).json()["id"]
    response = _commit(client, pk, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert client.get(reverse("api:member-import-detail", kwargs={"pk": pk})).json()["status"] == "committed"
    assert Member.objects.get().branch_id == world.branch_a.pk
    again = _commit(client, pk, django_capture_on_commit_callbacks)
    assert again.status_code == 409


def test_bad_rows_are_reported_with_row_column_and_reason_and_block_the_commit(
    api_as, world: World, django_capture_on_commit_callbacks
) -> None:
    client = api_as("administrator")
    rows = [row("A"), row("A", 性别="未知", birth=dt.date(1980, 1, 1)), row("NOPE", birth=dt.date(1981, 2, 3))]
    body = _checked(client, _upload(client, world.committee, xlsx(rows), django_capture_on_commit_callbacks))
    assert body["status"] == "invalid" and body["new_count"] == 1 and body["error_count"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "性别"), (4, "支部编码")]
    assert all(e["message"] for e in body["errors"])
    response = _commit(client, body["id"], django_capture_on_commit_callbacks)
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    assert not Member.objects.exists()
    assert MemberImport.objects.get().status == ImportStatus.INVALID


def test_a_file_that_is_not_a_roster_is_a_400_on_the_file(api_as, world: World, django_capture_on_commit_callbacks):
    response = _upload(api_as("administrator"), world.committee, b"not a workbook", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"file"}
    assert not MemberImport.objects.exists()


def test_a_json_body_for_the_upload_is_a_415(api_as, world: World) -> None:
    response = api_as("administrator").post(IMPORTS, {"organisation": world.branch_a.pk}, format="json")
    assert response.status_code == 415


def test_imports_stay_within_the_users_scope(api_as, world: World, django_capture_on_commit_callbacks) -> None:
    data = xlsx([row("A")])
    assert _upload(api_as("secretary_b"), world.branch_a, data, django_capture_on_commit_callbacks).status_code == 404
    assert _upload(api_as("reviewer"), world.branch_a, data, django_capture_on_commit_callbacks).status_code == 403
    # A secretary imports into their own branch, not the units above it.
    assert _upload(api_as("secretary_a"), world.general, data, django_capture_on_commit_callbacks).status_code == 404
    pk = _upload(api_as("secretary_a"), world.branch_a, data, django_capture_on_commit_callbacks).json()["id"]
    assert api_as("secretary_b").get(reverse("api:member-import-detail", kwargs={"pk": pk})).status_code == 404
    assert _commit(api_as("secretary_b"), pk, django_capture_on_commit_callbacks).status_code == 404
    assert not Member.objects.exists()


# --- a whole branch's roll at once ---------------------------------------------------------------

TRANSFER_ALL = "/api/v1/members/transfer-all/"


def test_everyone_on_a_branchs_roll_moves_at_once_so_that_it_can_be_dissolved(api_as, world: World, roster) -> None:
    client = api_as("administrator")
    MemberFactory(branch=world.branch_a, status=MemberStatus.DECEASED)
    data = {"from_branch": world.branch_a.pk, "to_branch": world.branch_b.pk, "reason": "项目完工"}
    response = client.post(TRANSFER_ALL, data, format="json")
    assert response.status_code == 200
    assert response.json() == {"moved": 2}
    assert set(Member.objects.filter(branch=world.branch_a).values_list("status", flat=True)) == {"deceased"}
    again = client.post(TRANSFER_ALL, data, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_a_transfer_all_names_two_different_branches_the_administrator_runs(api_as, world: World, roster) -> None:
    client = api_as("administrator")
    same = {"from_branch": world.branch_a.pk, "to_branch": world.branch_a.pk, "reason": "x"}
    assert set(_error(client.post(TRANSFER_ALL, same, format="json"))["fields"]) == {"to_branch"}
    not_a_branch = {"from_branch": world.general.pk, "to_branch": world.branch_b.pk, "reason": "x"}
    assert client.post(TRANSFER_ALL, not_a_branch, format="json").status_code == 400
    assert client.post(TRANSFER_ALL, {"from_branch": world.branch_a.pk}, format="json").status_code == 400
    for role, code in [("secretary_a", 403), ("secretary_b", 404)]:
        data = {"from_branch": world.branch_a.pk, "to_branch": world.branch_b.pk, "reason": "x"}
        assert api_as(role).post(TRANSFER_ALL, data, format="json").status_code == code
    assert Member.objects.filter(branch=world.branch_a).count() == 2
