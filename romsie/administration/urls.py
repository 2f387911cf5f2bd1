"""URLs of the establishment's and the territory's administration (paths in French)."""

from django.urls import path

from .views import hub, letters, people, settings, structure, territory

app_name = "administration"


urlpatterns = [
    path("", hub.home, name="home"),
    # Structure of the establishment
    path("structure/annees/", structure.SchoolYearListView.as_view(), name="school-year-list"),
    path("structure/annees/ajouter/", structure.SchoolYearCreateView.as_view(), name="school-year-create"),
    path("structure/annees/<id:pk>/modifier/", structure.SchoolYearUpdateView.as_view(), name="school-year-update"),
    path("structure/annees/<id:pk>/supprimer/", structure.SchoolYearDeleteView.as_view(), name="school-year-delete"),
    path("structure/periodes/", structure.PeriodListView.as_view(), name="period-list"),
    path("structure/periodes/ajouter/", structure.PeriodCreateView.as_view(), name="period-create"),
    path("structure/periodes/<id:pk>/modifier/", structure.PeriodUpdateView.as_view(), name="period-update"),
    path("structure/periodes/<id:pk>/supprimer/", structure.PeriodDeleteView.as_view(), name="period-delete"),
    path("structure/classes/", structure.SchoolClassListView.as_view(), name="class-list"),
    path("structure/classes/ajouter/", structure.SchoolClassCreateView.as_view(), name="class-create"),
    path("structure/classes/<id:pk>/modifier/", structure.SchoolClassUpdateView.as_view(), name="class-update"),
    path("structure/classes/<id:pk>/supprimer/", structure.SchoolClassDeleteView.as_view(), name="class-delete"),
    path("structure/groupes/", structure.TeachingGroupListView.as_view(), name="group-list"),
    path("structure/groupes/ajouter/", structure.TeachingGroupCreateView.as_view(), name="group-create"),
    path("structure/groupes/<id:pk>/modifier/", structure.TeachingGroupUpdateView.as_view(), name="group-update"),
    path("structure/groupes/<id:pk>/supprimer/", structure.TeachingGroupDeleteView.as_view(), name="group-delete"),
    path("structure/matieres/", structure.SubjectListView.as_view(), name="subject-list"),
    path("structure/matieres/ajouter/", structure.SubjectCreateView.as_view(), name="subject-create"),
    path("structure/matieres/<id:pk>/modifier/", structure.SubjectUpdateView.as_view(), name="subject-update"),
    path("structure/matieres/<id:pk>/supprimer/", structure.SubjectDeleteView.as_view(), name="subject-delete"),
    path("structure/salles/", structure.RoomListView.as_view(), name="room-list"),
    path("structure/salles/ajouter/", structure.RoomCreateView.as_view(), name="room-create"),
    path("structure/salles/<id:pk>/modifier/", structure.RoomUpdateView.as_view(), name="room-update"),
    path("structure/salles/<id:pk>/supprimer/", structure.RoomDeleteView.as_view(), name="room-delete"),
    path("structure/enseignements/", structure.TeachingListView.as_view(), name="teaching-list"),
    path("structure/enseignements/ajouter/", structure.TeachingCreateView.as_view(), name="teaching-create"),
    path("structure/enseignements/<id:pk>/modifier/", structure.TeachingUpdateView.as_view(), name="teaching-update"),
    path("structure/enseignements/<id:pk>/supprimer/", structure.TeachingDeleteView.as_view(), name="teaching-delete"),
    # People
    path("personnes/", people.person_list, name="person-list"),
    path("personnes/ajouter/", people.person_create, name="person-create"),
    path("personnes/<id:pk>/", people.person_detail, name="person-detail"),
    path("personnes/<id:pk>/roles/ajouter/", people.role_create, name="role-create"),
    path("personnes/<id:pk>/classe/", people.student_class_update, name="student-class-update"),
    path("personnes/roles/<id:pk>/retirer/", people.role_delete, name="role-delete"),
    path("personnes/<id:pk>/responsables/ajouter/", people.guardianship_create, name="guardianship-create"),
    path("personnes/responsables/<id:pk>/modifier/", people.guardianship_update, name="guardianship-update"),
    path("personnes/responsables/<id:pk>/retirer/", people.guardianship_delete, name="guardianship-delete"),
    path("personnes/<id:pk>/desactiver/", people.person_deactivate, name="person-deactivate"),
    path("personnes/<id:pk>/reactiver/", people.person_reactivate, name="person-reactivate"),
    path("personnes/<id:pk>/sessions/terminer/", people.person_sessions_end, name="person-sessions-end"),
    path(
        "personnes/<id:pk>/double-authentification/reinitialiser/",
        people.person_second_factor_reset,
        name="person-second-factor-reset",
    ),
    path("personnes/<id:pk>/code/", people.person_code, name="person-code"),
    path("personnes/<id:pk>/lettre/", people.person_letter, name="person-letter"),
    # Activation letters
    path("lettres/", letters.letters, name="letters"),
    path("suivi-activation/", letters.activation_list, name="activation-list"),
    path("suivi-activation/<id:pk>/", letters.activation_detail, name="activation-detail"),
    # Settings
    path("services/", settings.services_update, name="services-update"),
    path("droits/", settings.habilitations_update, name="habilitations-update"),
    # Territory
    path("territoire/", territory.territory_home, name="territory-home"),
    path("territoire/etablissements/ajouter/", territory.establishment_create, name="establishment-create"),
    path("territoire/etablissements/<id:pk>/", territory.establishment_detail, name="establishment-detail"),
    path("territoire/etablissements/<id:pk>/modifier/", territory.establishment_update, name="establishment-update"),
    path(
        "territoire/etablissements/<id:pk>/desactiver/",
        territory.establishment_deactivate,
        name="establishment-deactivate",
    ),
    path(
        "territoire/etablissements/<id:pk>/reactiver/",
        territory.establishment_reactivate,
        name="establishment-reactivate",
    ),
    path(
        "territoire/etablissements/<id:pk>/administrateurs/nommer/",
        territory.establishment_admin_appoint,
        name="establishment-admin-appoint",
    ),
    path(
        "territoire/etablissements/<id:pk>/administrateurs/creer/",
        territory.establishment_admin_create,
        name="establishment-admin-create",
    ),
    path(
        "territoire/administrateurs/<id:pk>/retirer/",
        territory.establishment_admin_delete,
        name="establishment-admin-delete",
    ),
    path(
        "territoire/administrateurs/<id:pk>/sessions/terminer/",
        territory.establishment_admin_sessions_end,
        name="establishment-admin-sessions-end",
    ),
    path(
        "territoire/administrateurs/<id:pk>/double-authentification/reinitialiser/",
        territory.establishment_admin_second_factor_reset,
        name="establishment-admin-factor-reset",
    ),
    path("territoire/<id:pk>/limites/", territory.territory_ceiling_update, name="territory-ceiling-update"),
]
