from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolingConfig(AppConfig):
    name = "romsie.schooling"
    verbose_name = _("Schooling")

    def ready(self) -> None:
        from romsie.core.access import catalogue

        from . import habilitations

        catalogue.register(habilitations.SPECS)
        _invalidate_cached_structure_on_change()


def _invalidate_cached_structure_on_change() -> None:
    """Bump the establishment's structure stamp when a school year, period, class, group, subject or teaching changes.

    Cached dashboard widgets that show classes or teachings depend on that stamp. Bulk
    writes that send no signal (imports) are bounded by the widgets' one-minute time-out.
    """
    from django.db.models.signals import post_delete, post_save

    from romsie.core import versions

    from . import models as m

    def structure(sender: type, instance: m.SchoolClass, **kwargs: object) -> None:
        versions.bump(versions.Kind.STRUCTURE, instance.establishment_id)

    years = (m.SchoolYear, m.Period)
    classes = (m.SchoolClass, m.Enrollment, m.TeachingGroup, m.GroupMembership, m.Subject, m.Room, m.Teaching)
    for model in (*years, *classes):
        post_save.connect(structure, sender=model, dispatch_uid=f"structure-{model.__name__}-save", weak=False)
        post_delete.connect(structure, sender=model, dispatch_uid=f"structure-{model.__name__}-delete", weak=False)
