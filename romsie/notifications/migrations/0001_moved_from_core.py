"""Take over the notification models that core created, with their rows.

The models enter this app's state on core's tables (``core_notification``...), which are then
renamed to this app's names; their indexes and constraints keep their names. The content types
(and so the permissions attached to them) follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["notification", "notificationpreference", "quiethours"]


def _move_content_types(apps, schema_editor, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    taken = rows.filter(app_label=target, model__in=MODELS).values_list("model", flat=True)
    rows.filter(app_label=source, model__in=MODELS).exclude(model__in=list(taken)).update(app_label=target)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "core", "notifications")


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "notifications", "core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_notifications_moved_to_their_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("establishment_id", models.BigIntegerField(blank=True, null=True)),
                        ("kind", models.CharField(max_length=64, verbose_name="kind")),
                        ("params", models.JSONField(blank=True, default=dict)),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                        (
                            "email_state",
                            models.CharField(
                                choices=[
                                    ("none", "In-app only"),
                                    ("due", "To send"),
                                    ("digest", "In the daily digest"),
                                    ("sent", "Sent"),
                                ],
                                default="none",
                                max_length=8,
                            ),
                        ),
                        ("email_due_at", models.DateTimeField(blank=True, null=True)),
                        ("email_attempts", models.PositiveSmallIntegerField(default=0)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "core_notification",
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["recipient", "-created_at"], name="notification_timeline"),
                            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
                            models.Index(fields=["email_state", "email_due_at"], name="notification_email_due"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("kind", models.CharField(max_length=64, verbose_name="kind")),
                        (
                            "delivery",
                            models.CharField(
                                choices=[
                                    ("app", "In the app only"),
                                    ("email", "By e-mail at once"),
                                    ("digest", "In the daily e-mail digest"),
                                    ("off", "Off"),
                                ],
                                max_length=8,
                                verbose_name="delivery",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "core_notificationpreference",
                        "verbose_name": "notification preference",
                        "verbose_name_plural": "notification preferences",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "kind"), name="notification_preference_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="QuietHours",
                    fields=[
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("starts_at", models.TimeField(verbose_name="from")),
                        ("ends_at", models.TimeField(verbose_name="until")),
                    ],
                    options={
                        "db_table": "core_quiethours",
                        "verbose_name": "quiet hours",
                        "verbose_name_plural": "quiet hours",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("starts_at", models.F("ends_at")), _negated=True),
                                name="quiet_hours_not_empty",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.AlterModelTable(name="notificationpreference", table=None),
        migrations.AlterModelTable(name="quiethours", table=None),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
