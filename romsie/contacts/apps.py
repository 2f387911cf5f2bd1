from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    """The personal address book: contacts, groups of contacts, vCard import and export."""

    name = "romsie.contacts"
    verbose_name = _("Address book")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue

        from . import habilitations

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="contacts",
                label=_("Address book"),
                url_name="contacts:contact-list",
                habilitation=habilitations.ContactsHabilitation.USE,
                description=_("Your personal contacts and groups, usable as message recipients"),
                order=60,
            )
        )
