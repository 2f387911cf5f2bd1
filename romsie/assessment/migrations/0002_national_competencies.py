"""The eight components of the common base of knowledge, skills and culture (cycles 2 to 4).

Their codes are those of the national LSU (``livret scolaire unique``) files; their names are
the official French wording.
"""

from django.db import migrations

COMPONENTS = [
    ("CPD_FRA", "D1.1 Comprendre, s'exprimer en utilisant la langue française à l'oral et à l'écrit"),
    (
        "CPD_ETR",
        "D1.2 Comprendre, s'exprimer en utilisant une langue étrangère et, le cas échéant, une langue régionale",
    ),
    ("CPD_SCI", "D1.3 Comprendre, s'exprimer en utilisant les langages mathématiques, scientifiques et informatiques"),
    ("CPD_ART", "D1.4 Comprendre, s'exprimer en utilisant les langages des arts et du corps"),
    ("MET_APP", "D2 Les méthodes et outils pour apprendre"),
    ("FRM_CIT", "D3 La formation de la personne et du citoyen"),
    ("SYS_NAT", "D4 Les systèmes naturels et les systèmes techniques"),
    ("REP_MND", "D5 Les représentations du monde et l'activité humaine"),
]


def load(apps, schema_editor):
    Competency = apps.get_model("assessment", "Competency")
    for order, (code, name) in enumerate(COMPONENTS, start=1):
        Competency.objects.update_or_create(
            establishment=None, code=code, defaults={"name": name, "order": order, "component": None}
        )


def unload(apps, schema_editor):
    Competency = apps.get_model("assessment", "Competency")
    Competency.objects.filter(establishment=None, code__in=[code for code, _ in COMPONENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
