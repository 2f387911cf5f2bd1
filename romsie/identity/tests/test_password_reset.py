"""Password recovery by e-mail, sent over real SMTP to a local server."""

import re

from django.test import Client
from django.urls import reverse

from romsie.identity.models import User


def test_person_with_email_resets_password_through_the_mailed_link(world, smtp_server):
    User.objects.filter(pk=world.a.teacher.pk).update(email="prof@example.org")
    client = Client()
    response = client.post(reverse("identity:password-reset"), {"email": "prof@example.org"})
    assert response["Location"] == reverse("identity:password-reset-done")
    assert len(smtp_server.messages) == 1
    body = smtp_server.messages[0].content.decode()
    assert smtp_server.messages[0].rcpt_tos == ["prof@example.org"]
    assert "(teacher.a)" in body
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe-oublie/[^\s]+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "une phrase assez longue"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("identity:password-reset-complete")
    assert User.objects.get(pk=world.a.teacher.pk).check_password(new)


def test_unknown_address_gets_the_same_page_and_no_mail(world, smtp_server):
    response = Client().post(reverse("identity:password-reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("identity:password-reset-done")
    assert smtp_server.messages == []
