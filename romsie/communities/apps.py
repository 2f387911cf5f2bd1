from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    """Communities: groups of people with a wall, a wiki, a shared folder and an agenda."""

    name = "romsie.communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.documents.groups import GroupKind, register_group_kind
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import access, habilitations, services

        catalogue.register(habilitations.SPECS)
        # The shared folder: members contribute, owners and managers manage; documents asks at every request.
        register_group_kind(
            GroupKind(
                key=services.FOLDER_KIND,
                contributes=access.member_community_ids,
                manages=access.managed_community_ids,
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_INVITED,
                label=_("Invitation to a community"),
                text=_("You are invited to join the community “%(community)s”."),
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_POST,
                label=_("New post on a community's wall"),
                text=_("New post on the wall of “%(community)s”."),
                default_delivery="app",
            )
        )
        registry.register_service(
            registry.Service(
                key="communities",
                label=_("Communities"),
                url_name="communities:community-list",
                habilitation=habilitations.CommunitiesHabilitation.USE,
                description=_("Your communities: walls, wikis, shared folders and agendas, partners included"),
                order=50,
            )
        )
