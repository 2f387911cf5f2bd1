"""Version kinds are declared once: a misspelt kind fails loudly instead of never invalidating."""

import pytest

from romsie.core import versions


def test_a_bump_changes_the_stamp_of_its_kind_only():
    before = versions.stamp(versions.key(versions.Kind.NEWS, 7), versions.key(versions.Kind.HOMEWORK, 7))
    versions.bump(versions.Kind.NEWS, 7)
    after = versions.stamp(versions.key(versions.Kind.NEWS, 7), versions.key(versions.Kind.HOMEWORK, 7))
    assert after == (before[0] + 1, before[1])


def test_a_declared_kind_may_be_given_as_its_string():
    assert versions.key("news", 7) == versions.key(versions.Kind.NEWS, 7)


@pytest.mark.parametrize("call", [versions.key, versions.bump])
def test_an_undeclared_kind_raises(call):
    with pytest.raises(ValueError):
        call("newz", 7)
