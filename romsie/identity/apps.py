from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "romsie.identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.core.access.scope import register_scope_builder

        from . import habilitations, widgets
        from .scope import build_scope

        register_scope_builder(build_scope)
        _invalidate_cached_scopes_on_change()
        catalogue.register(habilitations.SPECS)
        registry.register_widget(widgets.CONTEXT_WIDGET)


def _invalidate_cached_scopes_on_change() -> None:
    """Bump the version stamps that cached scopes depend on whenever their rows change.

    A cache-coherence concern rather than a business workflow, so model signals are the
    right tool: they catch every save, from our services and from the Django admin alike.
    """
    from django.db.models.signals import post_delete, post_save

    from romsie.core import versions
    from romsie.establishments.models import Establishment, Territory

    from .models import Guardianship, RoleAssignment, TerritoryAdmin, User

    DIRECTORY_FIELDS = {"first_name", "last_name", "search_name", "is_active"}

    def person(sender: type, instance: object, **kwargs: object) -> None:
        user_id = getattr(instance, "guardian_id", None) or getattr(instance, "user_id", None)
        versions.bump(versions.Kind.USER, user_id)
        establishment_id = getattr(instance, "establishment_id", None)
        if establishment_id is not None:  # a role or a guardianship: the establishment's people
            versions.bump(versions.Kind.PEOPLE, establishment_id)

    def establishment(sender: type, instance: Establishment, **kwargs: object) -> None:
        versions.bump(versions.Kind.ESTABLISHMENT, instance.pk)

    def territory(sender: type, instance: Territory, **kwargs: object) -> None:
        versions.bump(versions.Kind.TERRITORY, instance.pk)

    def account(sender: type, instance: User, update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
        versions.bump(versions.Kind.USER, instance.pk)
        # A name or an account switched on or off shows in the directory of each of the person's
        # establishments; a sign-in (last_login) or a language choice does not.
        if update_fields is None or update_fields & DIRECTORY_FIELDS:
            places = RoleAssignment.objects.filter(user_id=instance.pk).values_list("establishment_id", flat=True)
            for establishment_id in set(places):
                versions.bump(versions.Kind.PEOPLE, establishment_id)

    post_save.connect(account, sender=User, dispatch_uid="scope-user-save", weak=False)
    for model in (RoleAssignment, Guardianship, TerritoryAdmin):
        post_save.connect(person, sender=model, dispatch_uid=f"scope-{model.__name__}-save", weak=False)
        post_delete.connect(person, sender=model, dispatch_uid=f"scope-{model.__name__}-delete", weak=False)
    post_save.connect(establishment, sender=Establishment, dispatch_uid="scope-establishment-save", weak=False)
    post_save.connect(territory, sender=Territory, dispatch_uid="scope-territory-save", weak=False)
