"""Notifications moved to their own app, ``romsie.notifications``: their models leave core's state.

Only the state changes here: the tables and their rows stay, and
``notifications.0001_moved_from_core`` takes the models over and renames their tables.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_notification_preferences"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationPreference"),
                migrations.DeleteModel(name="QuietHours"),
            ],
            database_operations=[],
        ),
    ]
