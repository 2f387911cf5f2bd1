"""Small registries that apps fill from ``AppConfig.ready``: dashboard widgets, services, the header.

The dashboard, the menu and the page header know nothing of the apps; each app contributes here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .access.scope import Scope, ScopedRequest


@dataclass(frozen=True, kw_only=True)
class Widget:
    """A dashboard block: a template and a function returning its context (or None to hide).

    Every widget declares the service it belongs to and the habilitation it needs, ``None``
    for neither (the services menu, the territory area): the dashboard shows a widget only
    where its service is switched on and the person holds its habilitation, as the access
    middleware does for a view declared ``@requires(habilitation, service=...)``.
    """

    key: str
    template_name: str
    get_context: Callable[[ScopedRequest], dict[str, Any] | None]
    service: str | None
    habilitation: str | None
    order: int = 100
    wide: bool = False
    # Facts and links that rarely change (my card, the establishment, the services): the
    # dashboard leads with what is new for the person and shows these after it, folded.
    is_folded: bool = False
    # Return what the widget's content depends on (version stamps) to cache its HTML for
    # a minute per person, establishment and language; None: render at every request.
    cache_stamp: Callable[[ScopedRequest], tuple[Any, ...]] | None = None
    # The style sheets its template needs (static paths, usually its app's "<app>/<app>.css"):
    # the dashboard links those of the widgets it shows, each once, in the page's head.
    css: tuple[str, ...] = ()


@dataclass(frozen=True)
class Service:
    """An entry of the services menu. ``switchable`` services are enabled per establishment."""

    key: str
    label: Any
    url_name: str
    habilitation: str
    description: Any = ""
    switchable: bool = True
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class HeaderItem:
    """A partial every signed-in page shows in its header, beside the brand (the notification bell).

    The template reads what it needs from the context (a context processor of its app).
    """

    key: str
    template_name: str
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class AccountLink:
    """An entry of the account menu, between "My account" and "Sign out" (notification preferences)."""

    key: str
    label: Any
    url_name: str
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class SignInChoice:
    """A button of the sign-in page that signs in elsewhere ("Sign in with EduConnect")."""

    label: Any
    url: str


_widgets: dict[str, Widget] = {}
_services: dict[str, Service] = {}
_header_items: dict[str, HeaderItem] = {}
_account_links: dict[str, AccountLink] = {}
_sign_in_choices: list[Callable[[], list[SignInChoice]]] = []


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def register_service(service: Service) -> None:
    _services[service.key] = service


def register_header_item(item: HeaderItem) -> None:
    _header_items[item.key] = item


def register_account_link(link: AccountLink) -> None:
    _account_links[link.key] = link


def register_sign_in_choices(source: Callable[[], list[SignInChoice]]) -> None:
    """Register a function returning the sign-in page's buttons (called at each display)."""
    if source not in _sign_in_choices:
        _sign_in_choices.append(source)


def sign_in_choices() -> list[SignInChoice]:
    return [choice for source in _sign_in_choices for choice in source()]


def widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


def widgets_for(scope: Scope) -> list[Widget]:
    """The widgets whose service is on in the scope's establishment and whose habilitation it holds."""
    always_on = {s.key for s in services() if not s.switchable}

    def service_on(widget: Widget) -> bool:
        return widget.service is None or widget.service in always_on or widget.service in scope.services

    return [w for w in widgets() if service_on(w) and (not w.habilitation or scope.has(w.habilitation))]


def services() -> list[Service]:
    return sorted(_services.values(), key=lambda s: (s.order, s.key))


def switchable_services() -> list[Service]:
    return [s for s in services() if s.switchable]


def header_items() -> list[HeaderItem]:
    return sorted(_header_items.values(), key=lambda i: (i.order, i.key))


def account_links() -> list[AccountLink]:
    return sorted(_account_links.values(), key=lambda link: (link.order, link.key))
