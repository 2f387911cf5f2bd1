"""Guard rails: rules of the house style that a test can check for every app at once."""

import ast
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
