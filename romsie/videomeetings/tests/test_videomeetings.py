"""Video meetings: scheduling for a class, an appointment or people; the agenda; joining through the
real signed calls to a stand-in BigBlueButton; Jitsi tokens; the territory's server; refusals."""

from __future__ import annotations

import datetime
import hashlib
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.urls import reverse

from romsie.agenda.models import Event, Invitation
from romsie.core.testing.editing import page_text
from romsie.core.testing.world import World
from romsie.meetings.tests.builders import appointment_for, evening_for, slots_for
from romsie.notifications.models import Notification
from romsie.schooling.models import Enrollment
from romsie.videomeetings import conference
from romsie.videomeetings.models import VideoMeeting, VideoMeetingInvitee, VideoServer

from .builders import SECRET, at, class_meeting, configure, people_meeting
from .standin import StandInBBB

CREATE = reverse("videomeetings:meeting-create")


def form(**fields: Any) -> dict[str, Any]:
    data = {"title": "Classe virtuelle", "starts_at": at(2, 14).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60"}
    data.update(fields)
    return data


def join(meeting: VideoMeeting) -> str:
    return reverse("videomeetings:meeting-join", args=[meeting.pk])


def notified(kind: str, meeting_title: str) -> set[int]:
    rows = Notification.objects.filter(kind=kind, params__title=meeting_title)
    return set(rows.values_list("recipient_id", flat=True))


def test_a_teacher_schedules_a_class_meeting_in_the_class_agenda_and_its_students_are_told(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(CREATE, form(kind="class", school_class=a.school_class.pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    meeting = VideoMeeting.objects.get(title="Classe virtuelle")
    assert meeting.kind == "class" and len(meeting.room) == 40 and meeting.room.isalnum()
    event = Event.objects.get(pk=meeting.event_id)
    assert event.agenda == Event.Agenda.CLASS and event.school_class_id == a.school_class.pk
    assert join(meeting) in event.description
    assert event.ends_at - event.starts_at == datetime.timedelta(minutes=60)
    assert notified("videomeetings.invited", "Classe virtuelle") == {a.student.pk}
    student_page = page_text(client_for(a.student).get(reverse("videomeetings:meeting-list")))
    assert "Classe virtuelle" in student_page
    assert "Classe virtuelle" in page_text(client_for(a.student).get(reverse("agenda:event-detail", args=[event.pk])))
    for outsider in (a.student2, a.parent, a.head):
        assert "Classe virtuelle" not in page_text(client_for(outsider).get(reverse("videomeetings:meeting-list")))
        assert client_for(outsider).get(join(meeting)).status_code == 404


def test_guardians_are_invited_to_a_class_meeting_only_when_the_teacher_says_so(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    with django_capture_on_commit_callbacks(execute=True):
        client_for(a.teacher).post(CREATE, form(kind="class", school_class=a.school_class.pk, with_guardians="on"))
    meeting = VideoMeeting.objects.get()
    assert notified("videomeetings.invited", "Classe virtuelle") == {a.student.pk, a.parent.pk}
    assert Event.objects.get(pk=meeting.event_id).for_parents
    assert "Classe virtuelle" in page_text(client_for(a.parent).get(reverse("videomeetings:meeting-list")))
    assert client_for(a.parent2).get(join(meeting)).status_code == 404


def test_a_teacher_may_not_schedule_for_a_class_they_do_not_teach_and_nothing_is_written(
    world: World, client_for: Any
) -> None:
    a = world.a
    response = client_for(a.teacher).post(CREATE, form(kind="class", school_class=a.class2.pk))
    assert response.status_code == 200
    assert not VideoMeeting.objects.exists() and not Event.objects.filter(title="Classe virtuelle").exists()


def test_a_student_may_not_schedule_a_meeting(world: World, client_for: Any) -> None:
    response = client_for(world.a.student).post(CREATE, form(kind="class", school_class=world.a.school_class.pk))
    assert response.status_code == 403 and not VideoMeeting.objects.exists()


def test_people_picked_are_invited_to_the_organisers_event_and_see_it(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(
            CREATE, form(kind="people", invitees=[f"user:{a.parent2.pk}", f"user:{a.head.pk}"])
        )
    assert response.status_code == 302, response.context and response.context["form"].errors
    meeting = VideoMeeting.objects.get()
    event = Event.objects.get(pk=meeting.event_id)
    assert event.agenda == Event.Agenda.PERSONAL and event.owner_id == a.teacher.pk
    assert set(Invitation.objects.filter(event=event).values_list("invitee_id", flat=True)) == {
        a.parent2.pk,
        a.head.pk,
    }
    assert notified("videomeetings.invited", "Classe virtuelle") == {a.parent2.pk, a.head.pk}
    assert client_for(a.parent2).get(reverse("agenda:event-detail", args=[event.pk])).status_code == 200
    assert client_for(a.parent).get(reverse("agenda:event-detail", args=[event.pk])).status_code == 404
    assert client_for(a.parent).get(join(meeting)).status_code == 404


def test_someone_of_another_establishment_cannot_be_invited(world: World, client_for: Any) -> None:
    response = client_for(world.a.teacher).post(CREATE, form(kind="people", invitees=[f"user:{world.c.parent.pk}"]))
    assert response.status_code == 200 and not VideoMeeting.objects.exists()


def test_a_parent_teacher_appointment_is_held_by_video_with_its_guardian(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    evening = evening_for(a)
    slot = slots_for(evening, a.teacher)[0]
    appointment = appointment_for(slot, a.parent, a.student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(CREATE, form(kind="appointment", appointment=appointment.pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    meeting = VideoMeeting.objects.get()
    assert list(meeting.invitees.values_list("person_id", flat=True)) == [a.parent.pk]
    assert notified("videomeetings.invited", "Classe virtuelle") == {a.parent.pk}
    # another teacher's appointment is not theirs to hold
    other = client_for(a.head).post(CREATE, form(kind="appointment", appointment=appointment.pk))
    assert other.status_code == 200 and VideoMeeting.objects.count() == 1


def test_moving_a_meeting_moves_its_event_and_tells_the_invited(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    client_for(a.teacher).post(CREATE, form(kind="class", school_class=a.school_class.pk))
    meeting = VideoMeeting.objects.get()
    url = reverse("videomeetings:meeting-update", args=[meeting.pk])
    new_start = at(3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(
            url,
            form(title="Classe virtuelle", starts_at=new_start.strftime("%Y-%m-%dT%H:%M"), duration_minutes="30")
            | {"version": meeting.version},
        )
    assert response.status_code == 302, response.context and response.context["form"].errors
    event = Event.objects.get(pk=meeting.event_id)
    assert event.starts_at == new_start and event.ends_at == new_start + datetime.timedelta(minutes=30)
    assert notified("videomeetings.changed", "Classe virtuelle") == {a.student.pk}


def test_a_stale_edit_of_a_meeting_is_refused(world: World, client_for: Any) -> None:
    a = world.a
    client_for(a.teacher).post(CREATE, form(kind="class", school_class=a.school_class.pk))
    meeting = VideoMeeting.objects.get()
    url = reverse("videomeetings:meeting-update", args=[meeting.pk])
    teacher = client_for(a.teacher)
    first = teacher.post(url, form(title="Premier") | {"version": meeting.version})
    assert first.status_code == 302
    second = teacher.post(url, form(title="Second") | {"version": meeting.version})
    assert second.status_code == 200 and "Someone else changed this" in page_text(second)
    assert VideoMeeting.objects.get().title == "Premier"


def test_cancelling_a_meeting_removes_its_event_and_tells_the_invited(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    client_for(a.teacher).post(CREATE, form(kind="class", school_class=a.school_class.pk))
    meeting = VideoMeeting.objects.get()
    cancel = reverse("videomeetings:meeting-cancel", args=[meeting.pk])
    assert client_for(a.head).post(cancel).status_code == 404 and VideoMeeting.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(a.teacher).post(cancel).status_code == 302
    assert not VideoMeeting.objects.exists() and not Event.objects.filter(pk=meeting.event_id).exists()
    assert notified("videomeetings.cancelled", "Classe virtuelle") == {a.student.pk}


# -- joining ------------------------------------------------------------------------------------------


def test_a_student_joins_through_a_signed_create_then_a_signed_join_as_a_viewer(
    world: World, client_for: Any, bbb: StandInBBB
) -> None:
    a = world.a
    configure(world.north, bbb.url)
    meeting = class_meeting(a)
    response = client_for(a.student).get(join(meeting))
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(bbb.url + "/join?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
    assert params["meetingID"] == meeting.room and params["role"] == "VIEWER"
    assert params["fullName"] == a.student.get_full_name()
    [create] = bbb.signed_calls("create")
    assert create.params["meetingID"] == meeting.room and create.params["name"] == "Classe virtuelle"
    # the browser's join reaches the stand-in, whose checksum check passes
    with urllib.request.urlopen(target, timeout=5) as page:  # noqa: S310 (the stand-in's http URL)
        assert a.student.get_full_name() in page.read().decode()
    assert bbb.calls[-1].name == "join" and bbb.calls[-1].is_signed


def test_the_organiser_joins_as_moderator_and_create_is_called_again_idempotently(
    world: World, client_for: Any, bbb: StandInBBB
) -> None:
    a = world.a
    configure(world.north, bbb.url)
    meeting = class_meeting(a)
    client_for(a.student).get(join(meeting))
    response = client_for(a.teacher).get(join(meeting))
    assert parse_qs(urlsplit(response["Location"]).query)["role"] == ["MODERATOR"]
    assert len(bbb.signed_calls("create")) == 2 and list(bbb.meetings) == [meeting.room]


def test_sha1_checksums_when_the_territory_says_so(world: World, client_for: Any) -> None:
    stand_in = StandInBBB(SECRET, algorithm="sha1").start()
    try:
        configure(world.north, stand_in.url, checksum_algorithm="sha1")
        assert client_for(world.a.student).get(join(class_meeting(world.a))).status_code == 302
        assert stand_in.signed_calls("create")
    finally:
        stand_in.stop()


def test_a_wrong_secret_is_refused_by_the_server_and_shown_as_a_clear_page(
    world: World, client_for: Any, bbb: StandInBBB
) -> None:
    configure(world.north, bbb.url, secret="not-the-right-secret")
    response = client_for(world.a.student).get(join(class_meeting(world.a)))
    assert response.status_code == 502
    assert "refused to open the meeting (checksumError)" in page_text(response)
    assert bbb.calls and not any(call.is_signed for call in bbb.calls)


def test_a_server_that_does_not_answer_is_a_clear_page(world: World, client_for: Any) -> None:
    stand_in = StandInBBB(SECRET).start()
    url = stand_in.url
    stand_in.stop()  # the port is closed now
    configure(world.north, url)
    response = client_for(world.a.student).get(join(class_meeting(world.a)))
    assert response.status_code == 502 and "does not answer" in page_text(response)


def test_without_a_server_the_join_page_says_so(world: World, client_for: Any) -> None:
    response = client_for(world.a.student).get(join(class_meeting(world.a)))
    assert response.status_code == 503 and "No video-conference server is configured" in page_text(response)
    listing = client_for(world.a.student).get(reverse("videomeetings:meeting-list"))
    assert "No video-conference server is configured" in page_text(listing)


def test_jitsi_sends_the_person_to_the_room_with_a_token_signed_with_the_secret(world: World, client_for: Any) -> None:
    a = world.a
    configure(world.north, "https://visio.example.org/", kind=VideoServer.Kind.JITSI, app_id="romsie")
    meeting = class_meeting(a)
    response = client_for(a.student).get(join(meeting))
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"https://visio.example.org/{meeting.room}"
    token = parse_qs(target.query)["jwt"][0]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi", issuer="romsie")
    assert claims["sub"] == "visio.example.org" and claims["room"] == meeting.room
    assert claims["context"]["user"] == {
        "id": str(a.student.pk),
        "name": a.student.get_full_name(),
        "moderator": "false",
    }
    assert claims["exp"] >= int(meeting.ends_at.timestamp())
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret", algorithms=["HS256"], audience="jitsi")
    teacher = client_for(a.teacher).get(join(meeting))
    teacher_token = parse_qs(urlsplit(teacher["Location"]).query)["jwt"][0]
    assert jwt.decode(teacher_token, SECRET, algorithms=["HS256"], audience="jitsi")["moderator"] is True


def test_a_student_who_leaves_the_class_loses_access_at_once(world: World, client_for: Any, bbb: StandInBBB) -> None:
    a = world.a
    configure(world.north, bbb.url)
    meeting = class_meeting(a)
    client = client_for(a.student)
    assert client.get(join(meeting)).status_code == 302
    Enrollment.objects.filter(student=a.student, school_class=a.school_class).delete()
    assert client.get(join(meeting)).status_code == 404


def test_another_establishments_meeting_is_not_found(world: World, client_for: Any) -> None:
    meeting = people_meeting(world.c, world.c.parent)
    for person in (world.a.parent, world.a.teacher, world.a.head):
        assert client_for(person).get(join(meeting)).status_code == 404
    update = reverse("videomeetings:meeting-update", args=[meeting.pk])
    assert client_for(world.a.teacher).post(update, form(title="Pris")).status_code == 404
    assert VideoMeeting.objects.get(pk=meeting.pk).title == "Point d'équipe"


# -- the territory's server ------------------------------------------------------------------------------


def test_the_territory_admin_configures_the_server_and_the_secret_is_never_shown_back(
    world: World, client_for: Any
) -> None:
    client = client_for(world.territory_admin)
    url = reverse("videomeetings:server-settings")
    data = {"territory": world.north.pk, "kind": "bbb", "url": "https://visio.example.org/bigbluebutton/api",
            "secret": "tres-secret-42", "checksum_algorithm": "sha256", "app_id": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    server = VideoServer.objects.get(territory=world.north)
    assert server.secret == "tres-secret-42"
    page = client.get(url)
    assert page.status_code == 200 and "tres-secret-42" not in page.content.decode()
    kept = client.post(url, {**data, "secret": "", "url": "https://visio2.example.org/bigbluebutton/api",
                             "version": server.version})  # fmt: skip
    assert kept.status_code == 302
    server.refresh_from_db()
    assert server.secret == "tres-secret-42" and server.url.startswith("https://visio2.")


def test_another_territory_is_not_the_admins_to_configure(world: World, client_for: Any) -> None:
    url = reverse("videomeetings:server-settings")
    response = client_for(world.territory_admin).post(
        url, {"territory": world.south.pk, "kind": "bbb", "url": "https://x.example.org", "secret": "s"}
    )
    assert response.status_code == 404 and not VideoServer.objects.exists()


def test_the_checksum_follows_the_bbb_rule() -> None:
    """hash(callName + queryString + secret), in hexadecimal, with the algorithm configured."""
    secret, query = "639259d4-9dd8-4b25-bf01-95f9567eaf4b", "name=Test+Meeting&meetingID=abc123"
    expected = hashlib.sha1(f"create{query}{secret}".encode()).hexdigest()  # noqa: S324 (BigBlueButton's SHA-1 checksum)
    assert conference.checksum("create", query, secret, "sha1") == expected
    assert len(conference.checksum("create", query, secret)) == 64  # SHA-256 by default


# -- cost ------------------------------------------------------------------------------------------------

QUERIES_LIST = 4  # session, user, the meetings (one UNION), the server


@pytest.mark.parametrize("count", [1, 50])
def test_my_meetings_cost_the_same_for_1_and_50(
    world: World, client_for: Any, django_assert_num_queries: Any, count: int
) -> None:
    a = world.a
    for i in range(count):
        class_meeting(a, title=f"Classe {i}")
    people_meeting(a, a.student, organiser=a.head)
    client = client_for(a.student)
    client.get(reverse("videomeetings:meeting-list"))
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(reverse("videomeetings:meeting-list"))
    assert response.content.decode().count("<h2>Classe ") == count
    assert VideoMeetingInvitee.objects.count() == 1


def test_a_community_owner_schedules_a_meeting_for_its_members_in_the_community_agenda(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from romsie.communities.models import Membership
    from romsie.communities.tests.builders import community
    from romsie.communities.tests.builders import enable as communities_enable

    a = world.a
    communities_enable(world)
    theatre = community(a)
    refused = client_for(a.head).post(CREATE, form(kind="community", community=theatre.pk))
    assert refused.status_code == 200 and not VideoMeeting.objects.exists(), "not a manager of the community"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(a.teacher).post(CREATE, form(kind="community", community=theatre.pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    meeting = VideoMeeting.objects.get(title="Classe virtuelle")
    assert meeting.kind == "community" and meeting.community_id == theatre.pk
    event = Event.objects.get(pk=meeting.event_id)
    assert event.agenda == Event.Agenda.COMMUNITY and event.community_id == theatre.pk
    assert join(meeting) in event.description
    assert a.student.pk in notified("videomeetings.invited", "Classe virtuelle")
    assert "Classe virtuelle" in page_text(client_for(a.student).get(reverse("videomeetings:meeting-list")))
    for outsider in (a.student2, a.head, world.c.teacher):
        assert client_for(outsider).get(join(meeting)).status_code == 404
    Membership.objects.filter(community=theatre, user=a.student).delete()
    assert client_for(a.student).get(join(meeting)).status_code == 404, "a removed member loses it at once"
