from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    """Online forms and activity registration: clubs, trips, after-school care, consents, documents."""

    name = "romsie.registrations"
    verbose_name = _("Activity registration")

    def ready(self) -> None:
        from romsie.core import registry, retention
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="registrations",
                label=_("Registrations"),
                url_name="registrations:activity-list",
                habilitation=habilitations.RegistrationsHabilitation.VIEW,
                description=_("Clubs, trips, after-school care and online forms: register, sign the consents"),
                order=45,
            )
        )
        registry.register_widget(widgets.OPEN_WIDGET)
        register_kind(
            NotificationKind(
                key="registrations.promoted",
                label=_("A child on a waiting list gets a place"),
                text=_("%(activity)s: a place has freed up, %(child)s is now registered."),
                format_params=services.status_params,
            )
        )
        register_kind(
            NotificationKind(
                key="registrations.decided",
                label=_("A registration is decided (draw, refusal)"),
                text=_("%(activity)s: %(child)s — %(status)s."),
                format_params=services.status_params,
            )
        )
        register_kind(
            NotificationKind(
                key="registrations.reminder",
                label=_("Reminder of a registration not answered yet"),
                text=_("%(activity)s: registration is open and you have not answered yet."),
            )
        )
        register_kind(
            NotificationKind(
                key="registrations.document_reviewed",
                label=_("A document provided for a registration is accepted or refused"),
                text=_("%(activity)s, %(child)s: %(document)s — %(status)s. %(reason)s"),
                format_params=services.status_params,
            )
        )
        retention.register("registrations, consents and documents", lambda now: services.registrations_purge(now=now))
