"""Version stamps for cached per-person data.

Cached values (a person's scope, an establishment's facts) are stored with the version
numbers of what they were computed from; a write bumps the version, so the next read
recomputes. The cache's time-out bounds staleness for writes that bypass the bumps
(bulk updates), and a lost cache only costs recomputation.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum

from django.core.cache import cache

FOREVER = None


class Kind(StrEnum):
    """Every kind of versioned object, declared once: the app that bumps and the cache that reads agree.

    A new kind is added here (a comment says which app bumps it); ``key`` and ``bump`` refuse any
    other string, since a misspelt kind would silently never invalidate anything.
    """

    USER = "user"  # identity: a person's account, roles and guardianships
    ESTABLISHMENT = "establishment"  # identity (signals): the establishment's row and services
    TERRITORY = "territory"  # identity (signals): the territory's row and ceilings
    PEOPLE = "people"  # identity (signals): who holds a role in the establishment, and their names
    STRUCTURE = "structure"  # schooling: classes, groups, enrolments, teachings
    TIMETABLE = "timetable"  # timetable: lessons and dated sessions
    HOMEWORK = "homework"  # homework: the establishment's homework
    HOMEWORK_TICKS = "homework_ticks"  # homework: one student's "done" ticks
    NEWS = "news"  # news: the establishment's news items
    NEWS_READER = "news_reader"  # news: one reader's confirmations
    STICKY_NOTES = "sticky_notes"  # news: the establishment's sticky notes
    MESSAGING_MAILBOX = "messaging-mailbox"  # messaging: one person's mailbox
    MESSAGING_POLICY_TERRITORY = "messaging-policy-territory"  # messaging: the territory's switch and limits
    MESSAGING_POLICY_ESTABLISHMENT = "messaging-policy-establishment"  # messaging: the establishment's
    ATTENDANCE_RECORD = "attendance-record"  # attendance: one student's absences, lateness, justifications, sanctions
    ATTENDANCE_JUSTIFICATIONS = "attendance-justifications"  # attendance: the establishment's justifications
    ASSESSMENT_MARKS = "assessment-marks"  # assessment (signals): one student's marks, assessments, report cards
    ASSESSMENT_TEACHER = "assessment-teacher"  # assessment: one teacher's assessments and their marks counts
    ROLL_CALLS = "roll-calls"  # attendance: the roll calls of one teacher's sessions
    AGENDA = "agenda"  # agenda: the establishment's shared (class and establishment) events
    AGENDA_PERSON = "agenda-person"  # agenda: one person's personal events and invitations
    BOOKMARKS = "bookmarks"  # bookmarks: one person's own bookmarks
    BOOKMARKS_PUSHED = "bookmarks-pushed"  # bookmarks: the bookmarks pushed in the establishment
    FAMILY_LINKS = "family-links"  # bookmarks: the territory's links to its family services
    BOOKINGS = "bookings"  # booking: one person's bookings (made, cancelled, decided)
    REGISTRATIONS = "registrations"  # registrations: the establishment's activities and registrations
    MEETINGS = "meetings"  # meetings: the establishment's evenings, slots and appointments
    BOOKING_RESOURCES = "booking-resources"  # booking: the establishment's kinds of resource and resources
    CONTACTS = "contacts"  # contacts: one person's address book (contacts and groups)
    POLLS = "polls"  # polls: the establishment's polls (published, changed)
    POLLS_PERSON = "polls-person"  # polls: the polls one person answered
    BLOGS = "blogs"  # blogs: the establishment's blogs, their readers and published posts
    FORUMS = "forums"  # forums: the establishment's forums, topics and replies (what makes a forum unread)
    FORUMS_READER = "forums-reader"  # forums: what one person has read
    COMMUNITIES = "communities"  # communities: the establishment's communities, memberships and invitations
    SOCIAL_TERRITORY = "social-territory"  # schooling: the territory's ceiling of students' social features
    SOCIAL_ESTABLISHMENT = "social-establishment"  # schooling: the establishment's social features per level


def key(kind: Kind, pk: int | None) -> str:
    """Return the cache key of the version of ``kind:pk``; an undeclared kind raises ``ValueError``."""
    return f"romsie:version:{Kind(kind)}:{pk}"


# Set by ``recording`` (the keys asked for are noted, nothing is read) and ``prefetched``
# (versions already read in one round trip for several stamps): see ``romsie.core.views``.
_recording: ContextVar[set[str] | None] = ContextVar("romsie_versions_recording", default=None)
_prefetched: ContextVar[dict[str, int] | None] = ContextVar("romsie_versions_prefetched", default=None)


def stamp(*keys: str) -> tuple[int, ...]:
    """Return the current versions of ``keys`` (0 for one never bumped), in one round trip."""
    recording = _recording.get()
    if recording is not None:
        recording.update(keys)
        return tuple(0 for _ in keys)
    prefetched = _prefetched.get()
    if prefetched is not None and all(k in prefetched for k in keys):
        return tuple(prefetched[k] for k in keys)
    found = cache.get_many(keys)
    return tuple(int(found.get(k, 0)) for k in keys)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the keys that the stamps computed inside ask for, reading nothing (they get zeros).

    With ``prefetched`` it lets a page compute many stamps with one round trip: compute them once
    while recording, read every key at once, compute them again from what was read.
    """
    keys: set[str] = set()
    token = _recording.set(keys)
    try:
        yield keys
    finally:
        _recording.reset(token)


@contextmanager
def prefetched(keys: Iterable[str]) -> Iterator[None]:
    """Read ``keys`` in one round trip; the stamps computed inside take their versions from it."""
    wanted = list(keys)
    found = cache.get_many(wanted) if wanted else {}
    token = _prefetched.set({k: int(found.get(k, 0)) for k in wanted})
    try:
        yield
    finally:
        _prefetched.reset(token)


def bump(kind: Kind, pk: int | None) -> None:
    """Invalidate every cached value computed from the object ``kind:pk``."""
    name = key(kind, pk)
    try:
        cache.incr(name)
    except ValueError:
        cache.set(name, 1, FOREVER)
