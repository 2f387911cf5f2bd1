"""Small registries that apps fill from ``AppConfig.ready``: dashboard widgets, services.

The dashboard and the menu know nothing of the apps; each app contributes here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class Widget:
    """A dashboard block: a template and a function returning its context (or None to hide)."""

    key: str
    template_name: str
    get_context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100
    habilitation: str = ""
    wide: bool = False
    # Return what the widget's content depends on (version stamps) to cache its HTML for
    # a minute per person, establishment and language; None: render at every request.
    cache_stamp: Callable[[HttpRequest], tuple[Any, ...]] | None = None


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


_widgets: dict[str, Widget] = {}
_services: dict[str, Service] = {}


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def register_service(service: Service) -> None:
    _services[service.key] = service


def widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


def services() -> list[Service]:
    return sorted(_services.values(), key=lambda s: (s.order, s.key))


def switchable_services() -> list[Service]:
    return [s for s in services() if s.switchable]
