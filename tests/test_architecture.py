"""Guard rails: rules of the house style that a test can check for every app at once."""

import ast
import dataclasses
import inspect
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from romsie.core.access.declarations import public
from romsie.core.checks import undeclared_views

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(p for p in (ROOT / "romsie").iterdir() if (p / "apps.py").exists())


def test_every_url_pattern_declares_who_may_use_it() -> None:
    assert undeclared_views() == []


def undeclared(request: object) -> HttpResponse:
    return HttpResponse("secret")


@public
def declared(request: object) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [path("undeclared/", undeclared), path("declared/", declared), path("", include("config.urls"))]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_view_without_declaration_is_refused_even_to_an_operator(django_user_model: type) -> None:
    operator = django_user_model.objects.create_superuser("op", password="x-long-password")  # type: ignore[attr-defined]
    client = Client()
    client.force_login(operator)
    assert client.get("/undeclared/").status_code == 403
    assert client.get("/declared/").status_code == 200


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_views_reach_objects_only_through_access_modules(app: Path) -> None:
    """No ``Model.objects`` nor ``get_object_or_404`` in views: the access gate is the only way."""
    for name in ("views.py", "api.py"):
        for source in [app / name, *sorted((app / "views").glob("*.py"))] if name == "views.py" else [app / name]:
            if not source.exists():
                continue
            tree = ast.parse(source.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr == "objects":
                    pytest.fail(f"{source.relative_to(ROOT)}:{node.lineno} uses .objects in a view")
                if isinstance(node, ast.Name) and node.id in {"get_object_or_404", "get_list_or_404"}:
                    pytest.fail(f"{source.relative_to(ROOT)}:{node.lineno} uses {node.id} in a view")
                if isinstance(node, ast.ExceptHandler) and "DoesNotExist" in ast.unparse(node.type or node):
                    pytest.fail(f"{source.relative_to(ROOT)}:{node.lineno} catches DoesNotExist: the gate answers 404")
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get"
                    and any(k.arg in {"pk", "id"} for k in node.keywords)
                ):
                    pytest.fail(f"{source.relative_to(ROOT)}:{node.lineno} fetches by id: call the gate get_*")


def _returned_call(node: ast.Return) -> str:
    call = node.value
    if not isinstance(call, ast.Call):
        return ""
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_every_gate_ends_in_first_or_404(app: Path) -> None:
    """Every ``get_<thing>(scope, ...)`` of an access module answers 404 for absent and forbidden alike.

    Its returns are ``first_or_404(<access-filtered queryset>)``, ``found_or_404(<what the gate
    computed, None when absent or forbidden>)`` or another gate, so no
    ``DoesNotExist`` escapes to a view and no view needs a ``try``.
    """
    access = app / "access.py"
    if not access.exists():
        return
    for node in ast.parse(access.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("get_"):
            returns = [r for r in ast.walk(node) if isinstance(r, ast.Return)]
            assert returns, f"{access.name}:{node.name} returns nothing"
            for ret in returns:
                called = _returned_call(ret)
                assert called in {"first_or_404", "found_or_404"} or called.startswith("get_"), (
                    f"{access.relative_to(ROOT)}:{ret.lineno} {node.name} must return first_or_404(...)"
                )


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_access_modules_state_their_rules(app: Path) -> None:
    access = app / "access.py"
    if access.exists():
        tree = ast.parse(access.read_text())
        assert ast.get_docstring(tree), f"{access.relative_to(ROOT)} must start with its rules in plain words"
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                assert ast.get_docstring(node), f"{access.name}:{node.name} needs a docstring"


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_models_have_docstrings(app: Path) -> None:
    models = app / "models.py"
    if models.exists():
        for node in ast.parse(models.read_text()).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {getattr(b, "attr", getattr(b, "id", "")) for b in node.bases}
                if bases & {"Model", "AbstractUser"}:
                    assert ast.get_docstring(node), f"{models.relative_to(ROOT)}:{node.name} needs a docstring"


def _widget_calls(source: Path) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "Widget"
    ]


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_every_widget_declares_its_service_and_habilitation(app: Path) -> None:
    """A dashboard block is a road around the gates unless it says which service and right it needs."""
    source = app / "widgets.py"
    if not source.exists():
        return
    for call in _widget_calls(source):
        given = {k.arg for k in call.keywords}
        for needed in ("service", "habilitation"):
            where = f"{source.relative_to(ROOT)}:{call.lineno}"
            assert needed in given, f"{where}: Widget must declare {needed}= (None if it has none)"


def test_registered_widgets_name_real_services_and_habilitations() -> None:
    from romsie.core import registry
    from romsie.core.access import catalogue

    services = {s.key for s in registry.services()}
    widgets = registry.widgets()
    assert widgets
    for widget in widgets:
        assert widget.service is None or widget.service in services, f"{widget.key}: unknown service {widget.service}"
        assert not widget.habilitation or catalogue.get_spec(widget.habilitation), f"{widget.key}: unknown right"


def test_the_dashboard_shows_a_widget_only_where_its_service_is_on_and_its_right_held() -> None:
    from romsie.core import registry
    from romsie.core.access import catalogue
    from romsie.core.access.scope import Scope

    everything = Scope(
        user_id=1,
        services=frozenset(s.key for s in registry.services()),
        habilitations=frozenset(s.key for s in catalogue.all_specs()),
    )
    assert registry.widgets_for(everything) == registry.widgets()
    for widget in registry.widgets():
        switchable = widget.service in {s.key for s in registry.switchable_services()}
        if switchable:
            off = dataclasses.replace(everything, services=everything.services - {widget.service})
            assert widget not in registry.widgets_for(off), widget.key
        if widget.habilitation:
            without = dataclasses.replace(everything, habilitations=everything.habilitations - {widget.habilitation})
            assert widget not in registry.widgets_for(without), widget.key


def test_every_timetable_hook_declares_its_service_and_receives_a_scope() -> None:
    """Session panels, week markers and feed sources are called only where their service is on."""
    from romsie.core import registry as core_registry
    from romsie.core.access import catalogue
    from romsie.core.access.scope import Scope
    from romsie.timetable import registry

    hooks = registry.hooks()
    assert {h.kind for h in hooks} == {"session_panel", "week_marker", "feed_source"}
    services = {s.key for s in core_registry.switchable_services()}
    everything = Scope(
        user_id=1, services=frozenset(services), habilitations=frozenset(s.key for s in catalogue.all_specs())
    )
    accessors = {
        "session_panel": registry.session_panels,
        "week_marker": registry.week_markers,
        "feed_source": registry.feed_sources,
    }
    for hook in hooks:
        assert hook.service in services, f"{hook.fn.__qualname__}: declare a switchable service"
        assert catalogue.get_spec(hook.habilitation), f"{hook.fn.__qualname__}: declare a habilitation"
        first = next(iter(inspect.signature(hook.fn).parameters))
        assert first == ("scope" if hook.kind == "feed_source" else "request"), hook.fn.__qualname__
        accessor = accessors[hook.kind]
        assert hook.fn in accessor(everything)
        assert hook.fn not in accessor(dataclasses.replace(everything, services=services - {hook.service}))
        assert hook.fn not in accessor(dataclasses.replace(everything, habilitations=frozenset()))


FEED_MODULES = sorted([*(ROOT / "romsie").glob("*/feeds.py"), *(ROOT / "romsie").glob("*/timetable_hooks.py")])


@pytest.mark.parametrize("source", FEED_MODULES, ids=[str(p.relative_to(ROOT)) for p in FEED_MODULES])
def test_feeds_and_hooks_take_rights_from_the_scope_not_from_role_tables(source: Path) -> None:
    """A feed is reached without a request: it must not rebuild rights from roles by itself."""
    for node in ast.walk(ast.parse(source.read_text())):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        assert name not in {"RoleAssignment", "Guardianship", "TerritoryAdmin"}, (
            f"{source.relative_to(ROOT)}:{getattr(node, 'lineno', '?')} reads {name}: build the owner's scope "
            "(romsie.identity.scope.scopes_of) and filter through the app's access module"
        )


def test_tests_needing_committed_data_use_the_one_marker() -> None:
    """A plain ``transaction=True`` flush breaks the next serialized test: use ``committed_db``."""
    offenders = [
        str(source.relative_to(ROOT))
        for folder in (ROOT / "romsie", ROOT / "tests")
        for source in folder.rglob("*.py")
        if "transaction=True" in source.read_text(encoding="utf-8")
        and source != ROOT / "romsie" / "core" / "testing" / "concurrency.py"
        and source != Path(__file__).resolve()
    ]
    assert not offenders, f"use romsie.core.testing.concurrency.committed_db in {offenders}"


def test_background_tasks_live_in_the_apps_tasks_modules() -> None:
    """Every ``@task`` is in an app's ``tasks.py``, where the next engineer looks for background work."""
    for source in sorted((ROOT / "romsie").rglob("*.py")):
        if "tests" in source.parts or source.name == "tasks.py":
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    called = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
                    assert name != "task", f"{source.relative_to(ROOT)}:{node.lineno} {node.name}: move it to tasks.py"
