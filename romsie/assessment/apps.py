from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Assessments and marks, averages, competencies, class councils and report cards."""

    name = "romsie.assessment"
    verbose_name = _("Marks and report cards")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue

        from . import habilitations

        catalogue.register(habilitations.SPECS)
        registry.register_service(
            registry.Service(
                key="assessment",
                label=_("Marks and report cards"),
                url_name="assessment:home",
                habilitation=habilitations.AssessmentHabilitation.VIEW,
                description=_("Assessments and marks, averages, competencies, class councils and report cards"),
                order=28,
            )
        )
        # -- Assessments, marks and averages: families told of new marks
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import services

        register_kind(
            NotificationKind(
                key=services.MARKS_PUBLISHED,
                label=_("New marks of a child (or of oneself)"),
                text=_("New marks in %(subject)s: %(title)s (%(date)s)."),
                format_params=services.marks_published_params,
            )
        )
