"""The wall: posts, comments, reactions, moderation, social features per level, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from romsie.communities.models import Comment, Reaction, WallPost
from romsie.core.models import AuditEvent
from romsie.core.testing.world import World
from romsie.notifications.models import Notification

from . import builders as b


def test_a_post_is_sanitised_and_notifies_the_other_members(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    body = '<p onclick="x()">Répétition <strong>jeudi</strong></p><script>alert(1)</script>'
    client_for(w.a.student).post(reverse("communities:post-create", args=[found.pk]), {"body": body})
    post = WallPost.objects.get(community=found)
    assert "script" not in post.body and "onclick" not in post.body and "<strong>jeudi</strong>" in post.body
    notified = set(Notification.objects.filter(kind="communities.post").values_list("recipient_id", flat=True))
    assert notified == {w.a.teacher.pk, w.a.partner.pk}


def test_members_comment_and_react_and_take_their_like_back(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    post = b.post(found, w.a.teacher)
    partner = client_for(w.a.partner)
    partner.post(reverse("communities:comment-create", args=[post.pk]), {"body": "Nous venons jeudi."})
    partner.post(reverse("communities:post-react", args=[post.pk]))
    assert Comment.objects.filter(post=post, author=w.a.partner).exists()
    assert Reaction.objects.filter(post=post, user=w.a.partner).count() == 1
    partner.post(reverse("communities:post-react", args=[post.pk]))
    assert not Reaction.objects.filter(post=post).exists()


def test_a_hidden_post_is_seen_by_its_author_and_managers_only_and_hiding_is_audited(
    communities: World, client_for
) -> None:
    w = communities
    found = b.community(w.a)
    post = b.post(found, w.a.student, body="<p>Message déplacé</p>")
    client_for(w.a.teacher).post(reverse("communities:post-hide", args=[post.pk]), {"hidden": "1"})
    assert AuditEvent.objects.filter(action="communities.post_hide", actor=w.a.teacher).exists()
    url = reverse("communities:community-detail", args=[found.pk])
    assert "Message déplacé" not in client_for(w.a.partner).get(url).content.decode()
    assert "Message déplacé" in client_for(w.a.student).get(url).content.decode()
    assert "Message déplacé" in client_for(w.a.teacher).get(url).content.decode()


def test_a_member_may_not_delete_anothers_post_a_manager_may_audited(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    post = b.post(found, w.a.student)
    client_for(w.a.partner).post(reverse("communities:post-delete", args=[post.pk]))
    assert WallPost.objects.filter(pk=post.pk).exists()
    client_for(w.a.teacher).post(reverse("communities:post-delete", args=[post.pk]))
    assert not WallPost.objects.filter(pk=post.pk).exists()
    assert AuditEvent.objects.filter(action="communities.post_delete").exists()


def test_primary_pupils_neither_post_comment_nor_react_by_default(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.b)  # an elementary school: social features off for pupils
    post = b.post(found, w.b.teacher)
    pupil = client_for(w.b.student)
    page = pupil.get(reverse("communities:community-detail", args=[found.pk]))
    assert page.status_code == 200
    assert page.context["form"] is None and page.context["comment_form"] is None and not page.context["can_react"]
    pupil.post(reverse("communities:post-create", args=[found.pk]), {"body": "<p>Coucou</p>"})
    pupil.post(reverse("communities:comment-create", args=[post.pk]), {"body": "Coucou"})
    pupil.post(reverse("communities:post-react", args=[post.pk]))
    assert WallPost.objects.filter(community=found).count() == 1
    assert not Comment.objects.filter(post=post).exists() and not Reaction.objects.filter(post=post).exists()
    # The teacher still may.
    client_for(w.b.teacher).post(reverse("communities:comment-create", args=[post.pk]), {"body": "Bravo"})
    assert Comment.objects.filter(post=post).exists()


def test_the_wall_paginates_newest_first(communities: World, client_for) -> None:
    w = communities
    found = b.community(w.a)
    for i in range(25):
        b.post(found, w.a.teacher, body=f"<p>Message {i:02}</p>")
    client = client_for(w.a.student)
    first = client.get(reverse("communities:community-detail", args=[found.pk]))
    assert len(first.context["page"].entries) == 20 and "Message 24" in first.content.decode()
    second = client.get(
        reverse("communities:community-detail", args=[found.pk]), {"apres": first.context["page"].next_cursor}
    )
    assert len(second.context["page"].entries) == 5 and "Message 00" in second.content.decode()
    invalid = client.get(reverse("communities:community-detail", args=[found.pk]), {"apres": "x" * 40})
    assert invalid.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_the_wall_costs_the_same_for_1_and_50_posts(
    communities: World, client_for, django_assert_num_queries, rows: int
) -> None:
    w = communities
    found = b.community(w.a)
    posts = WallPost.objects.bulk_create(
        WallPost(establishment=w.a.establishment, community=found, author=w.a.teacher, body=f"<p>P{i}</p>")
        for i in range(rows)
    )
    Comment.objects.bulk_create(
        Comment(establishment=w.a.establishment, post=p, author=w.a.student, body="Bravo") for p in posts
    )
    Reaction.objects.bulk_create(Reaction(establishment=w.a.establishment, post=p, user=w.a.partner) for p in posts)
    client = client_for(w.a.student)
    url = reverse("communities:community-detail", args=[found.pk])
    client.get(url)  # warm the scope cache
    # session, user; the community with the person's role; the posts with authors and reaction
    # counts; their comments with authors
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["page"].entries) == min(rows, 20)
