"""Pages of the messaging: mailbox, thread, compose, lists, reports, governance, audit."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from romsie.core import fragments, versions
from romsie.core.access.declarations import requires, territory_admin
from romsie.core.access.scope import ScopedRequest
from romsie.core.errors import ApplicationError
from romsie.core.forms import PickerField, person_choice, person_ids, show_error
from romsie.core.ids import parse_id
from romsie.core.services import audit_record
from romsie.core.uploads import download_response
from romsie.establishments.models import Territory

from . import access, selectors, services
from .forms import ComposeForm, FolderForm, MailingListForm, PolicyForm, ReportForm
from .habilitations import MessagingHabilitation as H
from .models import Delivery, Folder, MailingList, Policy

SERVICE = "messaging"


def _posted(request: ScopedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _mailbox(request: ScopedRequest, box: str, title: str, folder: Folder | None = None) -> HttpResponse:
    """A box of the mailbox, cached until the person's mailbox changes (every write refreshes it)."""
    scope = request.scope
    cursor = request.GET.get("after", "")

    def render_box() -> str:
        context = {
            "page": selectors.mailbox_page(scope, box, folder=folder, cursor=cursor),
            "box": box,
            "folder": folder,
            "summary": selectors.mailbox_summary(scope),
        }
        return render_to_string("messaging/_mailbox_body.html", context, request)

    stamp = (
        box,
        folder.pk if folder else None,
        cursor,
        sorted(scope.habilitations),
        *versions.stamp(versions.key(selectors.MAILBOX_VERSION, scope.user_id)),
    )
    body = fragments.cached(request, f"messaging-{box}", stamp, render_box)
    return render(request, "messaging/mailbox.html", {"title": title, "body": body})


@requires(H.USE, service=SERVICE)
def inbox(request: ScopedRequest) -> HttpResponse:
    """Show the received messages, newest first, 25 per page (keyset pagination)."""
    return _mailbox(request, Delivery.Box.INBOX, _("Inbox"))


@requires(H.USE, service=SERVICE)
def sent(request: ScopedRequest) -> HttpResponse:
    return _mailbox(request, Delivery.Box.SENT, _("Sent"))


@requires(H.USE, service=SERVICE)
def drafts(request: ScopedRequest) -> HttpResponse:
    return _mailbox(request, Delivery.Box.DRAFTS, _("Drafts"))


@requires(H.USE, service=SERVICE)
def trash(request: ScopedRequest) -> HttpResponse:
    return _mailbox(request, Delivery.Box.TRASH, _("Trash"))


@requires(H.USE, service=SERVICE)
def folder_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    folder = selectors.get_folder(request.scope, pk)
    return _mailbox(request, Delivery.Box.FOLDER, folder.name, folder)


@requires(H.USE, service=SERVICE)
def folder_list(request: ScopedRequest) -> HttpResponse:
    """List the person's folders and create new ones."""
    scope = request.scope
    form = FolderForm(_posted(request))
    if form.is_valid():
        try:
            folder = services.folder_create(scope=scope, name=form.cleaned_data["name"])
        except ApplicationError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Folder “%(name)s” created.") % {"name": folder.name})
            return redirect("messaging:folder-list")
    return render(request, "messaging/folder_list.html", {"form": form, "summary": selectors.mailbox_summary(scope)})


@requires(H.USE, service=SERVICE)
@require_POST
def folder_delete(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    folder = selectors.get_folder(scope, pk)
    services.folder_delete(scope=scope, folder=folder)
    messages.success(request, _("Folder deleted; its messages are back in the inbox."))
    return redirect("messaging:folder-list")


@requires(H.USE, service=SERVICE)
def search(request: ScopedRequest) -> HttpResponse:
    """Search one's own messages (subject and text)."""
    scope = request.scope
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search(scope, query)
    context = {"query": query, "results": results, "summary": selectors.mailbox_summary(scope)}
    return render(request, "messaging/search.html", context)


def _int(value: str | None) -> int | None:
    return parse_id(value)  # an over-long number is no id: a 404 or a form error, never a 500


def _initial_from(request: ScopedRequest) -> dict[str, Any]:
    """Prepare a reply, a reply to all, a forward or a draft from the query string."""
    scope = request.scope
    initial: dict[str, Any] = {
        "tokens": [],
        "parent_id": None,
        "reply_to_sender_id": None,
        "forward_id": None,
        "draft": None,
    }
    for param in ("reply", "forward", "draft"):
        raw = request.GET.get(param) or request.POST.get(param) or ""
        if not raw.isdigit():
            continue
        # A number too long to be an id is no message of the person's either: 404.
        delivery = access.get_delivery(scope, _int(raw) or 0)
        message = delivery.message
        if param == "reply":
            initial["parent_id"], initial["reply_to_sender_id"] = message.pk, message.sender_id
            initial["subject"] = message.subject if message.subject.startswith("Re:") else f"Re: {message.subject}"
            tokens = [f"user:{message.sender_id}"]
            if request.GET.get("all") or request.POST.get("all"):
                tokens += [t for t in message.recipient_tokens if t.startswith("user:")]
            initial["tokens"] = [t for t in dict.fromkeys(tokens) if t != f"user:{scope.user_id}"]
        elif param == "forward":
            initial["forward_id"] = message.pk
            initial["subject"] = f"Fwd: {message.subject}"
            initial["body"] = f"<blockquote>{message.body}</blockquote>"
        elif param == "draft" and delivery.folder == Delivery.Box.DRAFTS:
            initial.update(draft=message, subject=message.subject, body=message.body)
            initial["tokens"] = list(message.recipient_tokens)
            if message.parent_id is not None:
                # A draft reply stays a reply while the answered message is in the mailbox.
                mine = access.visible_deliveries(scope).select_related("message")
                answered = mine.filter(message_id=message.parent_id).first()
                if answered is not None:
                    initial["parent_id"], initial["reply_to_sender_id"] = (
                        answered.message_id,
                        answered.message.sender_id,
                    )
    return initial


@requires(H.USE, service=SERVICE)
def compose(request: ScopedRequest) -> HttpResponse:
    """Write a message to people and groups the person may write to; send or keep as draft."""
    scope = request.scope
    initial = _initial_from(request)
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    form = ComposeForm(
        _posted(request),
        request.FILES or None,
        initial={**initial, "recipients": initial["tokens"]},
        scope=scope,
        reply_to_sender_id=initial["reply_to_sender_id"],
        query=query,
    )
    searching = "picker_search" in request.POST  # the picker's Search button, without JavaScript
    if request.method == "POST" and not searching and form.is_valid():
        send = "save_draft" not in request.POST
        try:
            message = services.message_save(
                scope=scope,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                tokens=form.cleaned_data["recipients"],
                send=send,
                files=form.cleaned_data["attachments"],
                documents=form.cleaned_data.get("documents") or [],
                draft=initial["draft"],
                parent_id=initial["parent_id"],
                forward_id=initial["forward_id"],
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            if send:
                messages.success(
                    request, _("Message sent to %(count)d recipient(s).") % {"count": message.recipient_count}
                )
                left_out = access.contact_groups_left_out(scope, form.cleaned_data["recipients"])
                if left_out:
                    messages.warning(
                        request,
                        _("%(count)d member(s) of your groups were left out: messaging does not let you write to them.")
                        % {"count": left_out},
                    )
                return redirect("messaging:message-detail", message.pk)
            messages.success(request, _("Draft saved."))
            return redirect("messaging:drafts")
    picker = form.fields["recipients"]
    assert isinstance(picker, PickerField)
    tokens = form["recipients"].value() or []
    context = {
        "form": form,
        "initial": initial,
        "chosen_people": [c.obj for c in picker.people_of(person_ids(tokens))],
        "refusal": selectors.sending_refusal(scope),
        "summary": selectors.mailbox_summary(scope),
    }
    return render(request, "messaging/compose.html", context)


@requires(H.USE, service=SERVICE)
def recipient_search(request: ScopedRequest) -> HttpResponse:
    """Return the people matching a name among those the person may write to (htmx picker)."""
    scope = request.scope
    query = request.GET.get("q", "").strip()[:100]
    people = [person_choice(p) for p in selectors.people_matching(scope, query)]
    context = {"people": people, "query": query, "name": "recipients", "base": "id_recipients"}
    return render(request, "core/widgets/_picker_people.html", context)


@requires(H.USE, service=SERVICE)
def message_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a message with its thread and actions; opening it marks the thread read.

    The page is cached until the person's mailbox or the messaging policy changes: a reply, a
    recall, a message marked unread or moved all refresh it, and so does the first opening
    (which marks the thread read), so a cached thread never hides an unread message. A page
    is cached only once the person's access to it was checked, so a hit needs no query; only
    the sender's "recall" button, which depends on the others' reads, is worked out each time.
    """
    scope = request.scope
    est = scope.establishment
    found: list[Delivery] = []

    def delivery() -> Delivery:
        if not found:
            found.append(access.get_delivery(scope, pk))
        return found[0]

    def render_page() -> str:
        entry = delivery()
        thread = selectors.thread(scope, entry)
        unread = [e.pk for e in thread.entries if e.read_at is None]
        if unread:
            services.deliveries_mark_read(scope=scope, delivery_ids=unread)
        shows_folders = entry.folder not in (Delivery.Box.TRASH, Delivery.Box.DRAFTS)
        context = {
            "thread": thread,
            "delivery": entry,
            "message": entry.message,
            "folders": list(selectors.folders_of(scope)) if shows_folders else [],
            "refusal": selectors.sending_refusal(scope),
            "documents_on": "documents" in scope.services,
        }
        body = render_to_string("messaging/_message_body.html", context, request)
        title = entry.message.subject or _("(no subject)")
        return json.dumps({"body": body, "title": title, "sent": entry.message.sender_id == scope.user_id})

    keys = [versions.key(selectors.MAILBOX_VERSION, scope.user_id)]
    keys += selectors.policy_stamp_keys(est.id, est.territory_id) if est else []
    documents_on = "documents" in scope.services
    stamp = (pk, sorted(scope.habilitations), sorted(scope.profiles), documents_on, *versions.stamp(*keys))
    page = json.loads(fragments.cached(request, "messaging-message", stamp, render_page))
    context = {
        "body": mark_safe(page["body"]),  # noqa: S308 (our own template, rendered with autoescape)
        "title": page["title"],
        "pk": pk,
        "recallable": page["sent"] and selectors.recallable(delivery()),
    }
    return render(request, "messaging/message_detail.html", context)


@requires(H.USE, service=SERVICE)
@require_POST
def message_action(request: ScopedRequest, pk: int) -> HttpResponse:
    """Mark read/unread, move to the trash or a folder, restore, delete for good."""
    scope = request.scope
    delivery = access.get_delivery(scope, pk)
    action = request.POST.get("action", "")
    back = delivery.folder
    if action == "unread":
        services.delivery_mark(scope=scope, delivery=delivery, read=False)
        messages.success(request, _("Marked as unread."))
    elif action == "read":
        services.delivery_mark(scope=scope, delivery=delivery, read=True)
    elif action == "trash":
        services.delivery_move(scope=scope, delivery=delivery, to=Delivery.Box.TRASH)
        messages.success(request, _("Message moved to the trash."))
    elif action == "restore":
        services.delivery_move(scope=scope, delivery=delivery, to="restore")
        messages.success(request, _("Message restored."))
        return redirect("messaging:message-detail", pk)
    elif action == "move":
        folder_id = _int(request.POST.get("folder"))
        if folder_id is None:
            services.delivery_move(scope=scope, delivery=delivery, to=Delivery.Box.INBOX)
        else:
            folder = selectors.get_folder(scope, folder_id)
            services.delivery_move(scope=scope, delivery=delivery, to=Delivery.Box.FOLDER, folder=folder)
        messages.success(request, _("Message moved."))
        return redirect("messaging:message-detail", pk)
    elif action == "delete":
        services.delivery_delete(scope=scope, delivery=delivery)
        messages.success(request, _("Message deleted for good."))
    else:
        return redirect("messaging:message-detail", pk)
    return redirect(_box_url(back, delivery))


def _box_url(box: str, delivery: Delivery) -> str:
    names: dict[str, str] = {
        Delivery.Box.SENT: "messaging:sent",
        Delivery.Box.DRAFTS: "messaging:drafts",
        Delivery.Box.TRASH: "messaging:trash",
    }
    if box == Delivery.Box.FOLDER and delivery.personal_folder_id:
        return reverse("messaging:folder-detail", args=[delivery.personal_folder_id])
    return reverse(names.get(box, "messaging:inbox"))


@requires(H.USE, service=SERVICE)
@require_POST
def message_recall(request: ScopedRequest, pk: int) -> HttpResponse:
    """Recall a sent message nobody has read yet."""
    scope = request.scope
    delivery = access.get_delivery(scope, pk)
    try:
        removed = services.message_recall(scope=scope, delivery=delivery)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Message recalled from %(count)d mailbox(es).") % {"count": removed})
    return redirect("messaging:message-detail", pk)


@requires(H.USE, service=SERVICE)
def message_report(request: ScopedRequest, pk: int) -> HttpResponse:
    """Report a received message to the establishment's moderators."""
    scope = request.scope
    delivery = access.get_delivery(scope, pk)
    form = ReportForm(_posted(request))
    if form.is_valid():
        try:
            services.message_report(scope=scope, delivery=delivery, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Thank you: the message was reported to the establishment's moderators."))
            return redirect("messaging:message-detail", pk)
    return render(request, "messaging/message_report.html", {"form": form, "message": delivery.message})


@requires(H.USE, service=SERVICE)
def attachment_download(request: ScopedRequest, pk: int) -> FileResponse:
    """Serve an attachment as a download, never displayed inline."""
    scope = request.scope
    attachment = access.get_attachment(scope, pk)
    return download_response(attachment.file, attachment.name, attachment.content_type)


# --------------------------------------------------------------------------- lists


@requires(H.USE, service=SERVICE)
def list_index(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    context = {
        "lists": selectors.lists_for(scope),
        "may_manage": scope.has(H.MANAGE_LISTS),
        "summary": selectors.mailbox_summary(scope),
    }
    return render(request, "messaging/list_list.html", context)


def _list_form(request: ScopedRequest, mailing_list: MailingList | None) -> HttpResponse:
    scope = request.scope
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    form = MailingListForm(_posted(request), instance=mailing_list, scope=scope, query=query)
    if "picker_search" not in request.POST and form.is_valid():
        try:
            saved = services.list_save(
                scope=scope,
                mailing_list=mailing_list,
                member_tokens=form.cleaned_data["recipients"],
                version=form.shown_version,
                **{k: form.cleaned_data[k] for k in ("name", "description", "is_open", "members_may_post")},
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("List saved."))
            return redirect("messaging:list-detail", saved.pk)
    return render(request, "messaging/list_form.html", {"form": form, "mailing_list": mailing_list})


@requires(H.MANAGE_LISTS, service=SERVICE)
def list_create(request: ScopedRequest) -> HttpResponse:
    return _list_form(request, None)


def _managed_list(request: ScopedRequest, pk: int) -> MailingList:
    scope = request.scope
    mailing_list = access.get_list(scope, pk)
    if not access.can_manage_list(scope, mailing_list):
        raise Http404
    return mailing_list


@requires(H.MANAGE_LISTS, service=SERVICE)
def list_update(request: ScopedRequest, pk: int) -> HttpResponse:
    mailing_list = _managed_list(request, pk)
    remove = _int(request.POST.get("remove_member")) if request.method == "POST" else None
    if remove is not None:
        services.list_member_remove(scope=request.scope, mailing_list=mailing_list, user_id=remove)
        messages.success(request, _("Member removed."))
        return redirect("messaging:list-detail", pk)
    return _list_form(request, mailing_list)


@requires(H.USE, service=SERVICE)
def list_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    """Show a list, its archive (members) and its members (managers)."""
    detail = selectors.list_detail(request.scope, pk)
    return render(request, "messaging/list_detail.html", {"detail": detail})


@requires(H.USE, service=SERVICE)
@require_POST
def list_subscription(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    mailing_list = access.get_list(scope, pk)
    subscribe = request.POST.get("subscribe") == "1"
    try:
        services.list_subscribe(scope=scope, mailing_list=mailing_list, subscribe=subscribe)
    except ApplicationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Subscribed.") if subscribe else _("Unsubscribed."))
    return redirect("messaging:list-detail", pk)


@requires(H.USE, service=SERVICE)
def list_archive_message(request: ScopedRequest, pk: int, message_pk: int) -> HttpResponse:
    message = selectors.list_archived_message(request.scope, pk, message_pk)
    return render(request, "messaging/list_archive_message.html", {"message": message, "list_id": pk})


# --------------------------------------------------------------------------- governance


@requires(H.MODERATE, service=SERVICE)
def report_list(request: ScopedRequest) -> HttpResponse:
    reports = selectors.reports_for(request.scope)
    return render(request, "messaging/report_list.html", {"reports": reports})


@requires(H.GOVERN, service=SERVICE)
def policy(request: ScopedRequest) -> HttpResponse:
    """Suspend or restrict the establishment's messaging, and set the hourly limit of each role."""
    scope = request.scope
    current = selectors.establishment_policy(scope)
    form = PolicyForm(_posted(request), edited=current, initial=PolicyForm.initial_from(current))
    if form.is_valid():
        try:
            services.policy_set(
                scope=scope,
                establishment_id=scope.establishment_id,
                mode=form.cleaned_data["mode"],
                hourly_recipients=form.hourly_recipients(),
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Messaging settings saved; they apply at once."))
            return redirect("messaging:policy")
    context = {"form": form, "effective": selectors.effective_policy(scope)}
    return render(request, "messaging/policy.html", context)


@territory_admin
def territory_policy(request: ScopedRequest) -> HttpResponse:
    """Suspend or restrict the messaging of one's territories, and set each role's hourly ceiling."""
    scope = request.scope
    territories = selectors.territories_of(scope)
    chosen = _int(request.POST.get("territory") or request.GET.get("territory"))
    territory: Territory | None = next(
        (t for t in territories if t.pk == chosen), territories[0] if territories else None
    )
    if territory is None:
        raise Http404
    current = getattr(territory, "messaging_policy", None) or Policy(territory=territory)
    form = PolicyForm(_posted(request), edited=current, initial=PolicyForm.initial_from(current))
    if form.is_valid():
        try:
            services.policy_set(
                scope=scope,
                territory=territory,
                mode=form.cleaned_data["mode"],
                hourly_recipients=form.hourly_recipients(),
                version=form.shown_version,
            )
        except ApplicationError as error:
            show_error(request, error, form)
        else:
            messages.success(request, _("Messaging settings of the territory saved; they apply at once."))
            return redirect(f"{reverse('messaging:territory-policy')}?territory={territory.pk}")
    context = {
        "form": form,
        "territory": territory,
        "territories": territories,
        "defaults": selectors.labelled_limits(selectors.default_hourly_recipients()),
    }
    return render(request, "messaging/territory_policy.html", context)


@requires(H.AUDIT, service=SERVICE)
def audit_list(request: ScopedRequest) -> HttpResponse:
    """List who sent what to how many people; reading it is itself recorded."""
    scope = request.scope
    page = Paginator(selectors.audit_page(scope), 50).get_page(request.GET.get("page"))
    audit_record(scope=scope, action="messaging.audit_viewed", target=f"page {page.number}")
    return render(request, "messaging/audit_list.html", {"page_obj": page})


@requires(H.AUDIT, service=SERVICE)
def audit_detail(request: ScopedRequest, pk: int) -> HttpResponse:
    scope = request.scope
    message = access.get_audited_message(scope, pk)
    page = Paginator(selectors.audit_recipients(message), 100).get_page(request.GET.get("page"))
    audit_record(scope=scope, action="messaging.audit_viewed", target=message)
    return render(request, "messaging/audit_detail.html", {"message": message, "page_obj": page})
