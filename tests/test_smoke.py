from django.urls import reverse


def test_dashboard_renders_for_every_role(world, client_for):
    for role, user in world.a.people.items():
        response = client_for(user).get(reverse("core:dashboard"))
        assert response.status_code == 200, role
