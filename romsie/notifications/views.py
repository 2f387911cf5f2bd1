"""Pages of notifications: the person's timeline, opening one, marking all read, preferences."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from romsie.core.access.declarations import signed_in
from romsie.core.access.scope import ScopedRequest

from . import kinds, selectors, services
from .forms import NotificationPreferencesForm, field_name, hold_field_name


@signed_in
@require_GET
def notification_list(request: ScopedRequest) -> HttpResponse:
    """Show the person's notifications, newest first, with keyset pagination."""
    user_id: int = request.user.pk
    page = selectors.timeline_for(user_id, cursor=request.GET.get("before", "")[:40])
    entries = [{"notification": n, "text": kinds.render(n)} for n in page.entries]
    context = {
        "entries": entries,
        "next_cursor": page.next_cursor,
        "is_first_page": page.is_first,
    }
    return render(request, "notifications/notification_list.html", context)


@signed_in
@require_GET
def notification_open(request: ScopedRequest, pk: int) -> HttpResponse:
    """Mark one of the person's notifications read and go to its page (a page of this site only)."""
    url = services.notification_open(user_id=request.user.pk, pk=pk)
    return redirect(url if kinds.is_local_url(url) else "notifications:notification-list")


@signed_in
@require_POST
def notification_read_all(request: ScopedRequest) -> HttpResponse:
    """Mark every notification of the person read."""
    count = services.notifications_mark_all_read(user_id=request.user.pk)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:notification-list")


@signed_in
def notification_preferences(request: ScopedRequest) -> HttpResponse:
    """Let the person choose how each kind of notification reaches them, and their quiet hours."""
    user_id: int = request.user.pk
    registered = kinds.kinds()
    current = selectors.preferences_get(user_id)
    quiet = selectors.quiet_hours_get(user_id)
    initial: dict[str, object] = {
        "quiet_starts_at": quiet.starts_at if quiet else None,
        "quiet_ends_at": quiet.ends_at if quiet else None,
    }
    initial.update({field_name(kind): current[kind.key] for kind in registered})
    held = selectors.held_back_get(user_id)
    initial.update({hold_field_name(kind): kind.key in held for kind in registered if kind.urgent})
    form = NotificationPreferencesForm(request.POST or None, kinds=registered, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(
            user_id=user_id,
            deliveries=form.deliveries(),
            quiet_starts_at=form.cleaned_data["quiet_starts_at"],
            quiet_ends_at=form.cleaned_data["quiet_ends_at"],
            held_back=form.held_back(),
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:notification-preferences")
    has_email = bool(getattr(request.user, "email", ""))
    return render(request, "notifications/notification_preferences.html", {"form": form, "has_email": has_email})
