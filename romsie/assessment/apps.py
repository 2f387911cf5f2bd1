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
        # -- Class councils and report cards
        from romsie.notifications.kinds import NotificationKind, register_kind

        register_kind(
            NotificationKind(
                key="assessment.report_card_published",
                label=_("A report card published (one's own or a child's)"),
                # Params: the class's and the period's names (data, nothing to word).
                text=_("The report card of %(class)s for %(period)s is published."),
            )
        )
