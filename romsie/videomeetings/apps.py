from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoMeetingsConfig(AppConfig):
    """Video meetings on the territory's BigBlueButton or Jitsi server."""

    name = "romsie.videomeetings"
    verbose_name = _("Video meetings")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="videomeetings",
                label=_("Video meetings"),
                url_name="videomeetings:meeting-list",
                habilitation=habilitations.VideoMeetingsHabilitation.JOIN,
                description=_("Class meetings, appointments and meetings by video on the territory's server"),
                order=28,
            )
        )
        registry.register_widget(widgets.TERRITORY_WIDGET)
        register_kind(
            NotificationKind(
                key="videomeetings.invited",
                label=_("Invitation to a video meeting"),
                text=_("%(organiser)s invites you to the video meeting “%(title)s” on %(when)s."),
                format_params=services.meeting_params,
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key="videomeetings.changed",
                label=_("A video meeting is moved"),
                text=_("The video meeting “%(title)s” is now on %(when)s."),
                format_params=services.meeting_params,
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key="videomeetings.cancelled",
                label=_("A video meeting is cancelled"),
                text=_("The video meeting “%(title)s” on %(when)s is cancelled."),
                format_params=services.meeting_params,
                default_delivery="app",
            )
        )
