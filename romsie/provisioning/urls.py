from django.urls import path

app_name = "provisioning"

urlpatterns: list[path] = []  # type: ignore[valid-type]
