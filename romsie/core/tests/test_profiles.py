"""Profiles are named once (core.access.profiles); the scope answers the questions views ask."""

import pytest

from romsie.core.access import catalogue
from romsie.core.access.profiles import EVERYONE, STAFF, Profile
from romsie.core.access.scope import Scope


def test_the_scope_tells_each_profile():
    scope = Scope(user_id=1, profiles=frozenset({Profile.PARENT, Profile.STAFF_LIBRARIAN}))
    assert scope.is_parent and scope.has_staff_profile
    assert not scope.is_student and not scope.is_teacher


def test_a_profile_read_from_the_database_is_recognised():
    scope = Scope(user_id=1, profiles=frozenset({"student"}))
    assert scope.is_student and not scope.has_staff_profile


def test_staff_profiles_are_the_staff_functions():
    assert {p for p in EVERYONE if p.startswith("staff.")} == STAFF
    assert Profile.TEACHER not in STAFF


def test_identity_roles_and_staff_functions_are_declared_profiles():
    from romsie.identity.models import Role, StaffFunction

    roles = {f"staff.{f}" for f in StaffFunction.values} | {r for r in Role.values if r != Role.STAFF}
    assert roles == EVERYONE


def test_the_catalogue_refuses_an_undeclared_profile():
    spec = catalogue.HabilitationSpec("core.test_only", "test", frozenset({"staff.headmaster"}))
    with pytest.raises(ValueError, match=r"staff\.headmaster"):
        catalogue.register([spec])
    assert catalogue.get_spec("core.test_only") is None
