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
        from romsie.notifications.kinds import NotificationKind, register_kind

        # -- Assessments, marks and averages: families told of new marks
        from . import services

        register_kind(
            NotificationKind(
                key=services.MARKS_PUBLISHED,
                label=_("New marks of a child (or of oneself)"),
                text=_("New marks in %(subject)s: %(title)s (%(date)s)."),
                format_params=services.marks_published_params,
            )
        )
        # -- Class councils and report cards
        register_kind(
            NotificationKind(
                key="assessment.report_card_published",
                label=_("A report card published (of a child or of oneself)"),
                # Params: the class's and the period's names (data, nothing to word).
                text=_("The report card of %(class)s for %(period)s is published."),
            )
        )
        # -- Families
        from . import widgets_family

        registry.register_widget(widgets_family.MARKS_WIDGET)
        _connect_family_signals()


def _connect_family_signals() -> None:
    """A saved or deleted mark, or assessment, refreshes its students' cached marks page and widget.

    A mark moves its student's ``assessment-marks`` stamp; an assessment (its publication date,
    title, scale) moves that of every student with a mark in it (one query), and its teacher's
    ``assessment-teacher`` stamp (their cached "My assessments" list). Bulk writes send no
    signal: their services call ``services.marks_changed`` and ``teacher_assessments_changed``.
    """
    from django.db.models.signals import post_delete, post_save

    from romsie.schooling.models import Teaching

    from . import models, services

    def mark_changed(sender: type, instance: models.Mark, **kwargs: object) -> None:
        services.marks_changed([instance.student_id])

    def assessment_changed(sender: type, instance: models.Assessment, **kwargs: object) -> None:
        teaching = models.Assessment.teaching.field.get_cached_value(instance, None)
        services.teacher_assessments_changed(
            [teaching.teacher_id]
            if isinstance(teaching, Teaching)
            else Teaching.objects.filter(pk=instance.teaching_id).values_list("teacher_id", flat=True)
        )
        if kwargs.get("created"):
            return  # no mark yet
        services.assessment_marks_changed(instance.pk)

    for signal, action in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(mark_changed, sender=models.Mark, dispatch_uid=f"assessment-marks-mark-{action}", weak=False)
        signal.connect(
            assessment_changed,
            sender=models.Assessment,
            dispatch_uid=f"assessment-marks-assessment-{action}",
            weak=False,
        )
