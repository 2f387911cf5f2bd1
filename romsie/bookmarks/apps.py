from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookmarksConfig(AppConfig):
    """Bookmarks: personal links, links pushed by the establishment, the territory's family services."""

    name = "romsie.bookmarks"
    verbose_name = _("Bookmarks")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue

        from . import habilitations, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_widget(widgets.LINKS_WIDGET)
        registry.register_service(
            registry.Service(
                key="bookmarks",
                label=_("Bookmarks"),
                url_name="bookmarks:bookmark-list",
                habilitation=habilitations.BookmarksHabilitation.USE,
                description=_("Your links, the establishment's and the territory's family services"),
                order=61,
            )
        )
