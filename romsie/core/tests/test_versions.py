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


def test_stamps_recorded_then_prefetched_read_every_version_in_one_round_trip(monkeypatch):
    news, homework = versions.key(versions.Kind.NEWS, 8), versions.key(versions.Kind.HOMEWORK, 8)
    versions.bump(versions.Kind.NEWS, 8)
    with versions.recording() as keys:
        assert versions.stamp(news) == (0,)  # nothing read while recording
        versions.stamp(homework, news)
    assert keys == {news, homework}
    reads = []
    real = versions.cache.get_many
    monkeypatch.setattr(versions.cache, "get_many", lambda wanted: reads.append(list(wanted)) or real(wanted))
    with versions.prefetched(keys):
        assert versions.stamp(news) == versions.stamp(news, homework)[:1]
        assert versions.stamp(homework) == (0,)
    assert len(reads) == 1
    assert versions.stamp(news)[0] >= 1 and len(reads) == 2  # outside: read again


class _Counted:
    """A cache that counts the reads made through it."""

    def __init__(self, real):
        self.real, self.reads = real, 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.real.get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.reads += 1
        return self.real.get_many(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.django_db
def test_a_warm_dashboard_reads_its_widgets_in_two_round_trips(world, client_for, monkeypatch):
    from romsie.core import fragments

    client = client_for(world.a.parent)
    client.get("/")
    client.get("/")
    counted = {"versions": _Counted(versions.cache), "fragments": _Counted(fragments.cache)}
    monkeypatch.setattr(versions, "cache", counted["versions"])
    monkeypatch.setattr(fragments, "cache", counted["fragments"])
    assert client.get("/").status_code == 200
    # Every widget's HTML in one read; every widget's stamp in one read, beside the few stamps
    # the page's shell reads on its own.
    assert counted["fragments"].reads == 1
    assert counted["versions"].reads == 2  # one for every widget's stamp, one for the page's shell
