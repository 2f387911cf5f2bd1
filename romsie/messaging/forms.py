"""Forms of the messaging. Recipients are chosen with the core picker, among what
``access.py`` and ``selectors.py`` say the person may write to; the service checks them again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from romsie.core.access.scope import Scope
from romsie.core.forms import PickerChoice, PickerField, RichTextField, VersionedForm, person_choice
from romsie.core.uploads import MultipleFileField
from romsie.documents.forms_sharing import linked_documents_field

from . import access, selectors
from .models import MailingList, Policy, Report
from .services import MAX_INDIVIDUALS


def recipients_field(
    scope: Scope,
    *,
    reply_to_sender_id: int | None = None,
    query: str = "",
    lists: bool = True,
    **kwargs: Any,
) -> PickerField:
    """The picker of the people and groups the person may write to (the lists too, if ``lists``)."""
    groups = [
        PickerChoice(c.token, c.label, c.section) for c in access.writable_groups(scope) if lists or c.kind != "list"
    ]

    def people(ids: list[int]) -> list[PickerChoice]:
        return [person_choice(p) for p in selectors.people_named(scope, ids, reply_to_sender_id=reply_to_sender_id)]

    def search(words: str) -> list[PickerChoice]:
        return [person_choice(p) for p in selectors.people_matching(scope, words)]

    return PickerField(
        groups=groups,
        people=people,
        search=search,
        search_url=reverse("messaging:recipient-search"),
        query=query,
        max_people=MAX_INDIVIDUALS,
        error_messages={
            "forbidden_people": _("You may not write to some of the people chosen; remove them and send again."),
            "forbidden_groups": _("You may not write to some of the groups chosen; remove them and send again."),
            "too_many": _("Choose at most %(max)d people one by one; write to a group instead."),
        },
        **kwargs,
    )


class ComposeForm(forms.Form):
    subject = forms.CharField(label=_("Subject line"), max_length=200)
    body = RichTextField(label=_("Message"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images, office documents or text; 10 MB at most each, 5 files at most."),
    )

    def __init__(
        self, *args: Any, scope: Scope, reply_to_sender_id: int | None = None, query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        picker = recipients_field(
            scope,
            reply_to_sender_id=reply_to_sender_id,
            query=query,
            label=_("Recipients"),
            required=False,  # a draft may have none; the service asks for one to send
            help_text=_("Only the people and groups you may write to are offered."),
        )
        self.fields = {"recipients": picker, **self.fields}
        documents = linked_documents_field(scope)
        if documents is not None:
            self.fields["documents"] = documents


class FolderForm(forms.Form):
    name = forms.CharField(label=_("New folder"), max_length=60)


class ReportForm(forms.ModelForm[Report]):
    class Meta:
        model = Report
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"reason": _("Say briefly what is wrong with this message.")}


class MailingListForm(VersionedForm, forms.ModelForm[MailingList]):
    class Meta:
        model = MailingList
        fields = ["name", "description", "is_open", "members_may_post"]

    def __init__(self, *args: Any, scope: Scope, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"] = recipients_field(
            scope,
            query=query,
            lists=False,
            label=_("Add members"),
            required=False,
            help_text=_("The people chosen, and the people in the groups chosen today, are added to the list."),
        )


class PolicyForm(VersionedForm):
    """The switch and, for each role, the recipients one may reach per hour (empty: the default).

    ``edited=`` the saved policy: the form posts the version shown; an unsaved default policy
    (none set yet) gives a form that creates, with no version.
    """

    mode = forms.ChoiceField(label=_("Messaging"), choices=Policy.Mode.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in Policy.LIMITED_ROLES:
            self.fields[f"{role}_hourly_recipients"] = forms.IntegerField(
                label=LIMIT_LABELS[role],
                min_value=0,
                max_value=100_000,
                required=False,
                help_text=_("Empty: the default limit."),
            )

    @staticmethod
    def initial_from(policy: Policy) -> dict[str, Any]:
        """Return the form's initial values from a saved (or default) policy."""
        initial: dict[str, Any] = {"mode": policy.mode}
        for role in Policy.LIMITED_ROLES:
            initial[f"{role}_hourly_recipients"] = getattr(policy, f"{role}_hourly_recipients")
        return initial

    def hourly_recipients(self) -> dict[str, int | None]:
        """Return the limits chosen, by role."""
        return {role: self.cleaned_data[f"{role}_hourly_recipients"] for role in Policy.LIMITED_ROLES}


LIMIT_LABELS = {
    "student": _("Recipients a student may reach per hour"),
    "parent": _("Recipients a parent may reach per hour"),
    "teacher": _("Recipients a teacher may reach per hour"),
    "staff": _("Recipients a staff member may reach per hour"),
    "partner": _("Recipients a partner may reach per hour"),
}
