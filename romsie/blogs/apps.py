from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogsConfig(AppConfig):
    """Blogs of classes, projects and the establishment: posts, validation, comments."""

    name = "romsie.blogs"
    verbose_name = _("Blogs")

    def ready(self) -> None:
        from romsie.core import registry
        from romsie.core.access import catalogue
        from romsie.notifications.kinds import NotificationKind, register_kind

        from . import habilitations, services, widgets

        catalogue.register(habilitations.SPECS)
        register_kind(
            NotificationKind(
                key=services.KIND_POST_PUBLISHED,
                label=_("New blog post"),
                text=_("New post on %(blog)s: %(title)s"),
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_POST_VALIDATED,
                label=_("Your blog post was published"),
                text=_("Your post “%(title)s” is published on %(blog)s"),
                default_delivery="app",
            )
        )
        register_kind(
            NotificationKind(
                key=services.KIND_POST_REFUSED,
                label=_("Your blog post was refused"),
                text=_("Your post “%(title)s” was not published: %(reason)s"),
                default_delivery="app",
            )
        )
        registry.register_widget(widgets.LATEST_POSTS_WIDGET)
        registry.register_service(
            registry.Service(
                key="blogs",
                label=_("Blogs"),
                url_name="blogs:blog-list",
                habilitation=habilitations.BlogHabilitation.READ,
                description=_("Blogs of classes, projects and the establishment"),
                order=25,
            )
        )
