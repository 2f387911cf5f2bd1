"""URLs of the establishment's and the territory's administration (paths in French)."""

from django.urls import path

from .views import hub, letters, people, settings, structure, territory

app_name = "administration"


urlpatterns = [
    path("", hub.home, name="home"),
    # Structure of the establishment
    path("structure/annees/", structure.SchoolYearListView.as_view(), name="school-year-list"),
    path("structure/annees/ajouter/", structure.SchoolYearCreateView.as_view(), name="school-year-create"),
    path("structure/annees/<int:pk>/modifier/", structure.SchoolYearUpdateView.as_view(), name="school-year-update"),
    path("structure/annees/<int:pk>/supprimer/", structure.SchoolYearDeleteView.as_view(), name="school-year-delete"),
    path("structure/periodes/", structure.PeriodListView.as_view(), name="period-list"),
    path("structure/periodes/ajouter/", structure.PeriodCreateView.as_view(), name="period-create"),
    path("structure/periodes/<int:pk>/modifier/", structure.PeriodUpdateView.as_view(), name="period-update"),
    path("structure/periodes/<int:pk>/supprimer/", structure.PeriodDeleteView.as_view(), name="period-delete"),
    path("structure/classes/", structure.SchoolClassListView.as_view(), name="class-list"),
    path("structure/classes/ajouter/", structure.SchoolClassCreateView.as_view(), name="class-create"),
    path("structure/classes/<int:pk>/modifier/", structure.SchoolClassUpdateView.as_view(), name="class-update"),
    path("structure/classes/<int:pk>/supprimer/", structure.SchoolClassDeleteView.as_view(), name="class-delete"),
    path("structure/groupes/", structure.TeachingGroupListView.as_view(), name="group-list"),
    path("structure/groupes/ajouter/", structure.TeachingGroupCreateView.as_view(), name="group-create"),
    path("structure/groupes/<int:pk>/modifier/", structure.TeachingGroupUpdateView.as_view(), name="group-update"),
    path("structure/groupes/<int:pk>/supprimer/", structure.TeachingGroupDeleteView.as_view(), name="group-delete"),
    path("structure/matieres/", structure.SubjectListView.as_view(), name="subject-list"),
    path("structure/matieres/ajouter/", structure.SubjectCreateView.as_view(), name="subject-create"),
    path("structure/matieres/<int:pk>/modifier/", structure.SubjectUpdateView.as_view(), name="subject-update"),
    path("structure/matieres/<int:pk>/supprimer/", structure.SubjectDeleteView.as_view(), name="subject-delete"),
    path("structure/salles/", structure.RoomListView.as_view(), name="room-list"),
    path("structure/salles/ajouter/", structure.RoomCreateView.as_view(), name="room-create"),
    path("structure/salles/<int:pk>/modifier/", structure.RoomUpdateView.as_view(), name="room-update"),
    path("structure/salles/<int:pk>/supprimer/", structure.RoomDeleteView.as_view(), name="room-delete"),
    path("structure/enseignements/", structure.TeachingListView.as_view(), name="teaching-list"),
    path("structure/enseignements/ajouter/", structure.TeachingCreateView.as_view(), name="teaching-create"),
    path("structure/enseignements/<int:pk>/modifier/", structure.TeachingUpdateView.as_view(), name="teaching-update"),
    path("structure/enseignements/<int:pk>/supprimer/", structure.TeachingDeleteView.as_view(), name="teaching-delete"),
    # People
    path("personnes/", people.person_list, name="person-list"),
    path("personnes/ajouter/", people.person_create, name="person-create"),
    path("personnes/<int:pk>/", people.person_detail, name="person-detail"),
    path("personnes/<int:pk>/roles/ajouter/", people.role_create, name="role-create"),
    path("personnes/<int:pk>/classe/", people.student_class_update, name="student-class-update"),
    path("personnes/roles/<int:pk>/retirer/", people.role_delete, name="role-delete"),
    path("personnes/<int:pk>/responsables/ajouter/", people.guardianship_create, name="guardianship-create"),
    path("personnes/responsables/<int:pk>/modifier/", people.guardianship_update, name="guardianship-update"),
    path("personnes/responsables/<int:pk>/retirer/", people.guardianship_delete, name="guardianship-delete"),
    path("personnes/<int:pk>/desactiver/", people.person_deactivate, name="person-deactivate"),
    path("personnes/<int:pk>/reactiver/", people.person_reactivate, name="person-reactivate"),
    path("personnes/<int:pk>/code/", people.person_code, name="person-code"),
    path("personnes/<int:pk>/lettre/", people.person_letter, name="person-letter"),
    # Activation letters
    path("lettres/", letters.letters, name="letters"),
    path("suivi-activation/", letters.activation_list, name="activation-list"),
    path("suivi-activation/<int:pk>/", letters.activation_detail, name="activation-detail"),
    # Settings
    path("services/", settings.services_update, name="services-update"),
    path("droits/", settings.habilitations_update, name="habilitations-update"),
    # Territory
    path("territoire/", territory.territory_home, name="territory-home"),
    path("territoire/etablissements/ajouter/", territory.establishment_create, name="establishment-create"),
    path("territoire/etablissements/<int:pk>/", territory.establishment_detail, name="establishment-detail"),
    path("territoire/etablissements/<int:pk>/modifier/", territory.establishment_update, name="establishment-update"),
    path(
        "territoire/etablissements/<int:pk>/desactiver/",
        territory.establishment_deactivate,
        name="establishment-deactivate",
    ),
    path(
        "territoire/etablissements/<int:pk>/reactiver/",
        territory.establishment_reactivate,
        name="establishment-reactivate",
    ),
    path(
        "territoire/etablissements/<int:pk>/administrateurs/nommer/",
        territory.establishment_admin_appoint,
        name="establishment-admin-appoint",
    ),
    path(
        "territoire/etablissements/<int:pk>/administrateurs/creer/",
        territory.establishment_admin_create,
        name="establishment-admin-create",
    ),
    path(
        "territoire/administrateurs/<int:pk>/retirer/",
        territory.establishment_admin_delete,
        name="establishment-admin-delete",
    ),
    path("territoire/<int:pk>/limites/", territory.territory_ceiling_update, name="territory-ceiling-update"),
]
