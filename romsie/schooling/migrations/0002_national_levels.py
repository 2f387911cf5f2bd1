"""Load the national levels, from nursery to the final year of lycée."""

from django.db import migrations

LEVELS = [
    ("PS", "Petite section", True), ("MS", "Moyenne section", True), ("GS", "Grande section", True),
    ("CP", "CP", True), ("CE1", "CE1", True), ("CE2", "CE2", True), ("CM1", "CM1", True), ("CM2", "CM2", True),
    ("6E", "6e", False), ("5E", "5e", False), ("4E", "4e", False), ("3E", "3e", False),
    ("2NDE", "2nde", False), ("1RE", "1re", False), ("TLE", "Terminale", False),
]


def load(apps, schema_editor):
    Level = apps.get_model("schooling", "Level")
    for order, (code, name, is_primary) in enumerate(LEVELS, start=1):
        Level.objects.update_or_create(code=code, defaults={"name": name, "order": order, "is_primary": is_primary})


def unload(apps, schema_editor):
    apps.get_model("schooling", "Level").objects.filter(code__in=[c for c, _, _ in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("schooling", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
