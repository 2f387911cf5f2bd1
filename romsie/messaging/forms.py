"""Forms of the messaging. Recipients are checked by the service, against the sender's rights."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from romsie.core.uploads import MultipleFileField

from .models import MailingList, Policy, Report


class ComposeForm(forms.Form):
    subject = forms.CharField(label=_("Subject line"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text, or a little HTML: paragraphs, bold, italics, lists and links."),
        max_length=50_000,
    )
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


class MailingListForm(forms.ModelForm[MailingList]):
    class Meta:
        model = MailingList
        fields = ["name", "description", "is_open", "members_may_post"]


class PolicyForm(forms.Form):
    mode = forms.ChoiceField(label=_("Messaging"), choices=Policy.Mode.choices, widget=forms.RadioSelect)
    student_hourly_recipients = forms.IntegerField(
        label=_("Recipients a student may reach per hour"),
        min_value=0,
        max_value=10_000,
        required=False,
        help_text=_("Empty: the default limit."),
    )
