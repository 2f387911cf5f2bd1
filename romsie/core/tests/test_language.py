"""French by default, English on request, remembered on the account."""

from django.test import Client
from django.urls import reverse

from romsie.core.testing.factories import TEST_PASSWORD
from romsie.identity.models import User


def test_interface_is_french_by_default(world):
    response = Client().get(reverse("identity:sign-in"))
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_choosing_english_is_remembered_on_the_account_and_on_next_sign_in(world, client_for):
    client = client_for(world.a.teacher)
    client.post(reverse("core:set-language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=world.a.teacher.pk).language == "en"
    other_device = Client()
    response = other_device.post(reverse("identity:sign-in"), {"username": "teacher.a", "password": TEST_PASSWORD})
    assert response.cookies["django_language"].value == "en"
    assert other_device.get(reverse("core:dashboard")).headers["Content-Language"] == "en"
