"""Factories for the test suite. Each app adds its own below its heading."""

import datetime as dt

import factory

from branches.models import Organisation, OrgKind, User
from branches.services import organisation_create

# --- branches -------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


_org_counter = iter(range(1, 10**9))


def make_org(
    parent: Organisation | None = None,
    *,
    kind: str | None = None,
    name: str | None = None,
    code: str | None = None,
    is_key: bool = False,
    established_on: dt.date | None = None,
) -> Organisation:
    """Creates an organisation through the service so that its path is right."""
    n = next(_org_counter)
    if kind is None:
        kind = (
            OrgKind.COMMITTEE
            if parent is None
            else {
                OrgKind.COMMITTEE: OrgKind.BRANCH,
                OrgKind.GENERAL_BRANCH: OrgKind.BRANCH,
                OrgKind.BRANCH: OrgKind.GROUP,
            }[parent.kind]
        )
    return organisation_create(
        parent=parent,
        code=code or f"ORG{n:05d}",
        name=name or f"组织{n}",
        kind=kind,
        is_key=is_key,
        established_on=established_on,
    )


# --- members --------------------------------------------------------------------------------

from members.id_numbers import check_char  # noqa: E402
from members.models import Category, Gender, Member, MemberStatus  # noqa: E402

_id_counter = iter(range(1, 10**6))


def make_id_number(birth: dt.date = dt.date(1985, 3, 14), region: str = "420102", seq: int | None = None) -> str:
    """A valid 18-character ID number (GB 11643 check digit) for the given birth date."""
    seq = next(_id_counter) % 1000 if seq is None else seq
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    birth_date = dt.date(1985, 3, 14)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date))
    phone = "13800000000"
    category = Category.FULL
    joined_on = dt.date(2008, 7, 1)
    full_member_on = dt.date(2009, 7, 1)
    status = MemberStatus.ON_ROLL
