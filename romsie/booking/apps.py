from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    """Bookable resources (rooms, computer rooms, class carts, equipment) and their bookings."""

    name = "romsie.booking"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind
        from romsie.timetable import registry as timetable_registry

        from . import feeds, habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="booking",
                label=_("Bookings"),
                url_name="booking:resource-list",
                habilitation=habilitations.BookingHabilitation.BOOK,
                description=_("Book rooms, computer rooms, class carts and equipment"),
                order=60,
            )
        )
        registry.register_widget(widgets.NEXT_WIDGET)
        register_kind(
            NotificationKind(
                key="booking.decided",
                label=_("A booking is validated or refused"),
                text=_("Your booking of %(resource)s on %(when)s is %(decision)s. %(reason)s"),
                format_params=services.decision_params,
            )
        )
        register_kind(
            NotificationKind(
                key="booking.to_validate",
                label=_("A booking awaits your validation"),
                text=_("%(booker)s asks to book %(resource)s on %(when)s."),
                format_params=services.decision_params,
                default_delivery="app",
            )
        )
        timetable_registry.register_feed_source(
            feeds.feed_source, service="booking", habilitation=habilitations.BookingHabilitation.BOOK
        )
