"""Membership decides everything: invitations, joining, leaving, removal, roles."""

from __future__ import annotations

from django.urls import reverse

from romsie.communities import access
from romsie.communities.models import Membership
from romsie.communities.selectors import member_ids
from romsie.core.models import AuditEvent
from romsie.core.testing.factories import scope_of
from romsie.core.testing.world import World
from romsie.notifications.models import Notification

from . import builders as b


def test_partner_joins_by_accepting_the_invitation_and_sees_only_their_communities(
    communities: World, client_for, django_capture_on_commit_callbacks
) -> None:
    w = communities
    found = b.community(w.a, members=False)
    b.community(w.a, name="Conseil pédagogique")  # the partner is a member of this one, not invited above
    teacher = client_for(w.a.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher.post(
            reverse("communities:member-invite", args=[found.pk]), {"invitees": [f"user:{w.a.partner.pk}"]}
        )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=w.a.partner, kind="communities.invited").exists()

    partner = client_for(w.a.partner)
    assert partner.get(reverse("communities:community-detail", args=[found.pk])).status_code == 404
    listing = partner.get(reverse("communities:community-list")).content.decode()
    assert "Join “Atelier théâtre”" in listing
    invitation = Membership.objects.get(community=found, user=w.a.partner)
    with django_capture_on_commit_callbacks(execute=True):  # the cached list shows the change once committed
        response = partner.post(reverse("communities:invitation-accept", args=[invitation.pk]))
    assert response.status_code == 302
    assert partner.get(reverse("communities:community-detail", args=[found.pk])).status_code == 200
    names = [c.name for c in partner.get(reverse("communities:community-list")).context["communities"]]
    assert sorted(names) == ["Atelier théâtre", "Conseil pédagogique"]


def test_a_stranger_of_the_community_sees_nothing_of_it_not_even_the_head(communities: World, client_for) -> None:
    found = b.community(communities.a)
    response = client_for(communities.a.head).get(reverse("communities:community-detail", args=[found.pk]))
    assert response.status_code == 404
    listing = client_for(communities.a.head).get(reverse("communities:community-list"))
    assert "Atelier théâtre" not in listing.content.decode()


def test_a_removed_member_loses_access_at_once(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    student = client_for(w.a.student)
    assert student.get(reverse("communities:community-detail", args=[found.pk])).status_code == 200
    membership = Membership.objects.get(community=found, user=w.a.student)
    client_for(w.a.teacher).post(reverse("communities:member-remove", args=[membership.pk]))
    assert student.get(reverse("communities:community-detail", args=[found.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="communities.remove").exists()


def test_the_last_owner_may_not_leave_but_a_member_may(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    client_for(w.a.teacher).post(reverse("communities:community-leave", args=[found.pk]))
    assert Membership.objects.filter(community=found, user=w.a.teacher, role="owner").exists()

    client_for(w.a.student).post(reverse("communities:community-leave", args=[found.pk]))
    assert not Membership.objects.filter(community=found, user=w.a.student).exists()


def test_a_manager_may_not_make_owners_an_owner_may(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    b.member(found, w.a.head, role=Membership.Role.MANAGER)
    student = Membership.objects.get(community=found, user=w.a.student)
    client_for(w.a.head).post(reverse("communities:member-role", args=[student.pk]), {"role": "owner"})
    student.refresh_from_db()
    assert student.role == "member"

    client_for(w.a.teacher).post(reverse("communities:member-role", args=[student.pk]), {"role": "owner"})
    student.refresh_from_db()
    assert student.role == "owner"


def test_the_shared_gates_other_apps_use(communities: World) -> None:
    w = communities
    mine = b.community(w.a)
    b.community(w.a, name="Autre", members=False)
    b.community(w.c)
    scope = scope_of(w.a.partner)
    assert list(access.member_community_ids(scope).values_list("community_id", flat=True)) == [mine.pk]
    assert access.get_community(scope, mine.pk) == mine
    assert set(member_ids(mine).values_list("user_id", flat=True)) == {w.a.teacher.pk, w.a.student.pk, w.a.partner.pk}


def test_the_shared_folder_follows_membership(communities: World, client_for) -> None:
    w = communities
    for place in (w.a,):
        place.establishment.enabled_services = [*place.establishment.enabled_services, "documents"]
        place.establishment.save(update_fields=["enabled_services"])
    found = b.community(w.a)
    student = client_for(w.a.student)
    opened = student.get(reverse("communities:community-folder", args=[found.pk]))
    assert opened.status_code == 302
    folder = opened["Location"]
    assert student.get(folder).status_code == 200
    assert client_for(w.a.head).get(folder).status_code == 404

    membership = Membership.objects.get(community=found, user=w.a.student)
    client_for(w.a.teacher).post(reverse("communities:member-remove", args=[membership.pk]))
    assert student.get(folder).status_code == 404
