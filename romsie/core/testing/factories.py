"""factory_boy factories. Related objects always stay in the same establishment."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from romsie.core import registry
from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import Guardianship, Role, RoleAssignment, TerritoryAdmin, User
from romsie.schooling.models import Enrollment, Level, Room, SchoolClass, SchoolYear, Subject, Teaching, TeachingGroup

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Territoire {n}")


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    territory = factory.SubFactory(TerritoryFactory)
    uai = factory.Sequence(lambda n: f"{9000000 + n:07d}X")
    name = factory.Sequence(lambda n: f"Collège {n}")
    kind = Establishment.Kind.LOWER_SECONDARY
    city = "Villedemo"
    # Every service switched on, as for an establishment created by a territory admin.
    enabled_services = factory.LazyFunction(lambda: [s.key for s in registry.switchable_services()])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    username = factory.Sequence(lambda n: f"person.{n}")
    password = factory.django.Password(TEST_PASSWORD)
    activated_at = factory.LazyFunction(lambda: datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    establishment = factory.SubFactory(EstablishmentFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.TEACHER
    function = ""


class SchoolYearFactory(DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("establishment", "name")

    establishment = factory.SubFactory(EstablishmentFactory)
    name = "2026-2027"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 7, 4)
    is_current = True


def _level(code: str) -> Level:
    return Level.objects.get(code=code)


class SchoolClassFactory(DjangoModelFactory):
    class Meta:
        model = SchoolClass

    establishment = factory.SubFactory(EstablishmentFactory)
    school_year = factory.SubFactory(SchoolYearFactory, establishment=factory.SelfAttribute("..establishment"))
    level = factory.LazyFunction(lambda: _level("6E"))
    name = factory.Sequence(lambda n: f"6e {n}")
    code = factory.LazyAttribute(lambda o: o.name.replace(" ", ""))


class TeachingGroupFactory(DjangoModelFactory):
    class Meta:
        model = TeachingGroup

    establishment = factory.SubFactory(EstablishmentFactory)
    school_year = factory.SubFactory(SchoolYearFactory, establishment=factory.SelfAttribute("..establishment"))
    name = factory.Sequence(lambda n: f"Groupe {n}")
    code = factory.Sequence(lambda n: f"G{n}")


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    school_class = factory.SubFactory(SchoolClassFactory)
    establishment = factory.SelfAttribute("school_class.establishment")
    student = factory.SubFactory(UserFactory)


class SubjectFactory(DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ("establishment", "code")

    establishment = factory.SubFactory(EstablishmentFactory)
    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"Matière {n}")


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    establishment = factory.SubFactory(EstablishmentFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")


class TeachingFactory(DjangoModelFactory):
    class Meta:
        model = Teaching

    school_class = factory.SubFactory(SchoolClassFactory)
    establishment = factory.SelfAttribute("school_class.establishment")
    teacher = factory.SubFactory(UserFactory)
    subject = factory.SubFactory(SubjectFactory, establishment=factory.SelfAttribute("..establishment"))


class GuardianshipFactory(DjangoModelFactory):
    class Meta:
        model = Guardianship

    establishment = factory.SubFactory(EstablishmentFactory)
    guardian = factory.SubFactory(UserFactory)
    student = factory.SubFactory(UserFactory)
    rank = 1


class TerritoryAdminFactory(DjangoModelFactory):
    class Meta:
        model = TerritoryAdmin

    territory = factory.SubFactory(TerritoryFactory)
    user = factory.SubFactory(UserFactory)


def person(establishment: Establishment, role: str, function: str = "", **fields: Any) -> User:
    """Create a person holding one role (staff with a function) in an establishment."""
    user = UserFactory(**fields)
    RoleAssignmentFactory(user=user, establishment=establishment, role=role, function=function)
    return user


def scope_of(user: User) -> Any:
    """The scope ``user`` gets in their first establishment, as a request would compute it."""
    from django.test import RequestFactory

    from romsie.identity.scope import compute_scope

    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    return compute_scope(request)


def session_on(teaching: Teaching, date: datetime.date, hour: int = 9) -> Any:
    """A session of the teaching on ``date`` from ``hour`` to ``hour``:55 (its weekly lesson created if needed)."""
    from romsie.timetable.models import Lesson, Session

    year = SchoolYear.objects.get(establishment_id=teaching.establishment_id, is_current=True)
    starts_at, ends_at = datetime.time(hour), datetime.time(hour, 55)
    lesson, _ = Lesson.objects.get_or_create(
        teaching=teaching,
        weekday=min(date.weekday(), 5),
        starts_at=starts_at,
        weeks="",
        defaults={"establishment_id": teaching.establishment_id, "school_year": year, "ends_at": ends_at},
    )
    return Session.objects.create(
        establishment_id=teaching.establishment_id,
        lesson=lesson,
        teaching=teaching,
        teacher_id=teaching.teacher_id,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        planned_date=date,
        planned_starts_at=starts_at,
        planned_teacher_id=teaching.teacher_id,
    )
