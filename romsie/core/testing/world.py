"""A small world every access test can rely on: three establishments, every role.

* ``a``: a collège of territory ``north`` — the establishment the tests act in;
* ``b``: an elementary school of the same territory (same operator, other school);
* ``c``: a collège of territory ``south`` (another local authority).

Each establishment has one person per role, a class with a student, the student's
parent, and a teacher teaching that class. ``a`` has a second class (``class2``) with
its own student and parent, so "not my class" and "not my child" cases exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from romsie.establishments.models import Establishment, Territory
from romsie.identity.models import Role, StaffFunction, User
from romsie.schooling.models import Room, SchoolClass, Subject, Teaching

from . import factories as f

STAFF_FUNCTIONS = [c.value for c in StaffFunction]
#: every role a test may ask for, as names of :class:`EstablishmentWorld` attributes
ROLES = ["student", "parent", "teacher", "partner", *STAFF_FUNCTIONS]


@dataclass
class EstablishmentWorld:
    establishment: Establishment
    school_class: SchoolClass
    class2: SchoolClass | None
    subject: Subject
    room: Room
    teaching: Teaching
    people: dict[str, User] = field(default_factory=dict)
    student2: User | None = None
    parent2: User | None = None

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError as missing:
            raise AttributeError(name) from missing


@dataclass
class World:
    north: Territory
    south: Territory
    a: EstablishmentWorld
    b: EstablishmentWorld
    c: EstablishmentWorld
    territory_admin: User


def _establishment(territory: Territory, uai: str, name: str, kind: str, tag: str, second: bool) -> EstablishmentWorld:
    establishment = f.EstablishmentFactory(territory=territory, uai=uai, name=name, kind=kind)
    school_class = f.SchoolClassFactory(establishment=establishment, name=f"6e A {tag}", code=f"6A{tag}")
    subject = f.SubjectFactory(establishment=establishment, code=f"MATH{tag}", name="Mathématiques")
    room = f.RoomFactory(establishment=establishment, name=f"Salle 101 {tag}")
    people: dict[str, User] = {}
    for role in (Role.STUDENT, Role.TEACHER, Role.PARTNER):
        people[role] = f.person(establishment, role, username=f"{role}.{tag}", last_name=f"{role.title()}{tag}")
    for function in STAFF_FUNCTIONS:
        people[function] = f.person(
            establishment, Role.STAFF, function, username=f"{function}.{tag}", last_name=f"Staff{tag}"
        )
    people["parent"] = f.person(establishment, Role.PARENT, username=f"parent.{tag}", last_name=f"Parent{tag}")
    f.GuardianshipFactory(establishment=establishment, guardian=people["parent"], student=people["student"])
    f.EnrollmentFactory(school_class=school_class, student=people["student"])
    teaching = f.TeachingFactory(school_class=school_class, teacher=people["teacher"], subject=subject)
    world = EstablishmentWorld(establishment, school_class, None, subject, room, teaching, people)
    if second:
        world.class2 = f.SchoolClassFactory(establishment=establishment, name=f"6e B {tag}", code=f"6B{tag}")
        world.student2 = f.person(establishment, Role.STUDENT, username=f"student2.{tag}", last_name=f"Autre{tag}")
        world.parent2 = f.person(establishment, Role.PARENT, username=f"parent2.{tag}", last_name=f"AutreParent{tag}")
        f.EnrollmentFactory(school_class=world.class2, student=world.student2)
        f.GuardianshipFactory(establishment=establishment, guardian=world.parent2, student=world.student2)
    return world


def build_world() -> World:
    north = f.TerritoryFactory(name="Communauté du Nord")
    south = f.TerritoryFactory(name="Département du Sud")
    a = _establishment(north, "0771234A", "Collège Jean Moulin", Establishment.Kind.LOWER_SECONDARY, "a", True)
    b = _establishment(north, "0775678B", "École Jules Ferry", Establishment.Kind.ELEMENTARY, "b", False)
    c = _establishment(south, "0139999C", "Collège du Sud", Establishment.Kind.LOWER_SECONDARY, "c", False)
    admin = f.UserFactory(username="territory.admin", last_name="Territoire")
    f.TerritoryAdminFactory(territory=north, user=admin)
    return World(north, south, a, b, c, admin)
