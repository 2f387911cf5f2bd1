"""Forms of the messaging. Recipients are checked by the service, against the sender's rights."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.forms import RichTextField, VersionedForm
from romsie.core.uploads import MultipleFileField

from .models import MailingList, Policy, Report


class ComposeForm(forms.Form):
    subject = forms.CharField(label=_("Subject line"), max_length=200)
    body = RichTextField(label=_("Message"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images, office documents or text; 10 MB at most each, 5 files at most."),
    )


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
