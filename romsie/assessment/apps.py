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
