"""Root URL configuration: each app brings its own ``urls.py`` under its namespace."""

from django.contrib import admin
from django.urls import include, path

from romsie.api import v1 as api_v1

urlpatterns = [
    path("", include("romsie.core.urls")),
    # OpenID Connect and OAuth2: /oauth/... and /.well-known/openid-configuration.
    path("", include("romsie.openid.protocol_urls")),
    path("", include("romsie.openid.urls")),
    path("notifications/", include("romsie.notifications.urls")),
    path("compte/jetons/", include("romsie.api.urls")),
    path("compte/", include("romsie.identity.urls")),
    path("api/v1/", api_v1.urls()),
    path("annuaire/", include("romsie.directory.urls")),
    path("administration/imports/", include("romsie.provisioning.urls")),
    path("administration/fonctions-sociales/", include("romsie.schooling.urls")),
    path("administration/", include("romsie.administration.urls")),
    path("messagerie/", include("romsie.messaging.urls")),
    path("actualites/", include("romsie.news.urls")),
    path("blogs/", include("romsie.blogs.urls")),
    path("emploi-du-temps/", include("romsie.timetable.urls")),
    path("cahier-de-textes/", include("romsie.homework.urls")),
    path("rencontres/", include("romsie.meetings.urls")),
    path("vie-scolaire/", include("romsie.attendance.urls")),
    path("evaluations/", include("romsie.assessment.urls")),
    path("documents/", include("romsie.documents.urls")),
    path("contacts/", include("romsie.contacts.urls")),
    path("favoris/", include("romsie.bookmarks.urls")),
    path("reservations/", include("romsie.booking.urls")),
    path("inscriptions/", include("romsie.registrations.urls")),
    path("sondages/", include("romsie.polls.urls")),
    path("forums/", include("romsie.forums.urls")),
    path("communautes/", include("romsie.communities.urls")),
    path("dav", include("romsie.documents.dav.urls")),
    path("agenda/", include("romsie.agenda.urls")),
    path("visio/", include("romsie.videomeetings.urls")),
    path("cas/", include("romsie.cas.urls")),
    path("saml/", include("romsie.saml.urls")),
    path("", include("romsie.agenda.dav.urls")),
    path("", include("romsie.contacts.dav.urls")),
    path("operateur/", admin.site.urls),
]
