"""The establishment's structure: school years, periods, classes, groups, subjects, rooms, teachings.

Built on the generic scoped views; saving and deleting go through
``romsie.schooling.services`` instead of ``form.save()``.

Deleting a class that still has students needs an explicit confirmation (a checkbox
on the confirmation page): the students then belong to no class. Without it the
deletion is refused with a message and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from romsie.core.access.declarations import requires
from romsie.core.access.views import ScopedCreateView, ScopedDeleteView, ScopedListView, ScopedUpdateView
from romsie.core.errors import ApplicationError
from romsie.core.forms import show_error
from romsie.schooling import access as schooling_access
from romsie.schooling import forms as schooling_forms
from romsie.schooling import services
from romsie.schooling.habilitations import SchoolingHabilitation

from .. import selectors
from ..forms import ClassDeleteForm

MANAGE = SchoolingHabilitation.MANAGE_STRUCTURE


class StructureListView(ScopedListView):
    template_name = "administration/structure_list.html"
    entity: ClassVar[str] = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entity"] = self.entity
        return context


class StructureCreateView(ScopedCreateView):
    """Create through a service: ``service(scope=..., **cleaned_data)``."""

    template_name = "administration/structure_form.html"
    service: ClassVar[Callable[..., Any]]

    def form_valid(self, form: forms.BaseModelForm[Any]) -> HttpResponse:
        try:
            self.object = type(self).service(scope=self.scope, **form.cleaned_data)
        except ApplicationError as error:
            show_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())


class StructureUpdateView(ScopedUpdateView):
    """Update through a service: ``service(scope=..., <entity>=object, **cleaned_data)``.

    The cleaned data carry the ``version`` the form showed; a stale save is refused with the
    other person's version shown above the form (``romsie.core.concurrency``).
    """

    template_name = "administration/structure_form.html"
    service: ClassVar[Callable[..., Any]]
    entity: ClassVar[str]

    def form_valid(self, form: forms.BaseModelForm[Any]) -> HttpResponse:
        try:
            type(self).service(scope=self.scope, **{self.entity: self.object}, **form.cleaned_data)
        except ApplicationError as error:
            show_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())


class StructureDeleteView(ScopedDeleteView):
    """Delete through a service: ``service(scope=..., <entity>=object, **cleaned_data)``."""

    template_name = "administration/structure_confirm_delete.html"
    service: ClassVar[Callable[..., Any]]
    entity: ClassVar[str]

    def consequences(self) -> list[str]:
        return []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(consequences=self.consequences(), cancel_url=self.get_success_url())
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            type(self).service(scope=self.scope, **{self.entity: self.object}, **form.cleaned_data)
        except ApplicationError as error:
            show_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Deleted."))
        return HttpResponseRedirect(self.get_success_url())


# School years


@requires(MANAGE)
class SchoolYearListView(StructureListView):
    visible = staticmethod(selectors.school_year_list)
    entity = "school-year"
    title = gettext_lazy("School years")
    columns = (
        ("name", gettext_lazy("Name")),
        ("starts_on", gettext_lazy("Starts on")),
        ("ends_on", gettext_lazy("Ends on")),
        ("is_current", gettext_lazy("Current year")),
    )
    create_url_name = "administration:school-year-create"
    update_url_name = "administration:school-year-update"
    delete_url_name = "administration:school-year-delete"


@requires(MANAGE)
class SchoolYearCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_school_years)
    form_class = schooling_forms.SchoolYearForm
    service = services.school_year_create
    title = gettext_lazy("New school year")
    success_url_name = "administration:school-year-list"


@requires(MANAGE)
class SchoolYearUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_school_years)
    form_class = schooling_forms.SchoolYearForm
    service = services.school_year_update
    entity = "school_year"
    title = gettext_lazy("Edit the school year")
    success_url_name = "administration:school-year-list"


@requires(MANAGE)
class SchoolYearDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_school_years)
    service = services.school_year_delete
    entity = "school_year"
    success_url_name = "administration:school-year-list"


# Periods


@requires(MANAGE)
class PeriodListView(StructureListView):
    visible = staticmethod(selectors.period_list)
    entity = "period"
    title = gettext_lazy("Periods")
    columns = (
        ("name", gettext_lazy("Name")),
        ("school_year", gettext_lazy("School year")),
        ("starts_on", gettext_lazy("Starts on")),
        ("ends_on", gettext_lazy("Ends on")),
    )
    create_url_name = "administration:period-create"
    update_url_name = "administration:period-update"
    delete_url_name = "administration:period-delete"


@requires(MANAGE)
class PeriodCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_periods)
    form_class = schooling_forms.PeriodForm
    service = services.period_create
    title = gettext_lazy("New period")
    success_url_name = "administration:period-list"


@requires(MANAGE)
class PeriodUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_periods)
    form_class = schooling_forms.PeriodForm
    service = services.period_update
    entity = "period"
    title = gettext_lazy("Edit the period")
    success_url_name = "administration:period-list"


@requires(MANAGE)
class PeriodDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_periods)
    service = services.period_delete
    entity = "period"
    success_url_name = "administration:period-list"


# Classes


@requires(MANAGE)
class SchoolClassListView(StructureListView):
    visible = staticmethod(selectors.school_class_list)
    entity = "class"
    title = gettext_lazy("Classes")
    columns = (
        ("name", gettext_lazy("Name")),
        ("code", gettext_lazy("Code")),
        ("level.name", gettext_lazy("Level")),
        ("homeroom_teacher", gettext_lazy("Homeroom teacher")),
        ("student_count", gettext_lazy("Students")),
    )
    create_url_name = "administration:class-create"
    update_url_name = "administration:class-update"
    delete_url_name = "administration:class-delete"


@requires(MANAGE)
class SchoolClassCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_school_classes)
    form_class = schooling_forms.SchoolClassForm
    service = services.school_class_create
    title = gettext_lazy("New class")
    success_url_name = "administration:class-list"


@requires(MANAGE)
class SchoolClassUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_school_classes)
    form_class = schooling_forms.SchoolClassForm
    service = services.school_class_update
    entity = "school_class"
    title = gettext_lazy("Edit the class")
    success_url_name = "administration:class-list"


@requires(MANAGE)
class SchoolClassDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_school_classes)
    service = services.school_class_delete
    entity = "school_class"
    success_url_name = "administration:class-list"

    def get_form_class(self) -> type[forms.Form]:
        if selectors.school_class_deletion_facts(self.object).students:
            return ClassDeleteForm
        return forms.Form

    def consequences(self) -> list[str]:
        facts = selectors.school_class_deletion_facts(self.object)
        lines = []
        if facts.students:
            lines.append(
                ngettext("%(count)s student is in this class.", "%(count)s students are in this class.", facts.students)
                % {"count": facts.students}
            )
        if facts.teachings:
            lines.append(
                ngettext(
                    "%(count)s teaching of this class will be deleted.",
                    "%(count)s teachings of this class will be deleted.",
                    facts.teachings,
                )
                % {"count": facts.teachings}
            )
        return lines


# Teaching groups


@requires(MANAGE)
class TeachingGroupListView(StructureListView):
    visible = staticmethod(selectors.teaching_group_list)
    entity = "group"
    title = gettext_lazy("Teaching groups")
    columns = (
        ("name", gettext_lazy("Name")),
        ("code", gettext_lazy("Code")),
        ("class_count", gettext_lazy("Classes")),
        ("student_count", gettext_lazy("Students")),
    )
    create_url_name = "administration:group-create"
    update_url_name = "administration:group-update"
    delete_url_name = "administration:group-delete"


@requires(MANAGE)
class TeachingGroupCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_teaching_groups)
    form_class = schooling_forms.TeachingGroupForm
    service = services.teaching_group_create
    title = gettext_lazy("New teaching group")
    success_url_name = "administration:group-list"


@requires(MANAGE)
class TeachingGroupUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_teaching_groups)
    form_class = schooling_forms.TeachingGroupForm
    service = services.teaching_group_update
    entity = "teaching_group"
    title = gettext_lazy("Edit the teaching group")
    success_url_name = "administration:group-list"


@requires(MANAGE)
class TeachingGroupDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_teaching_groups)
    service = services.teaching_group_delete
    entity = "teaching_group"
    success_url_name = "administration:group-list"

    def consequences(self) -> list[str]:
        return [_("The group's teachings are deleted too; its students keep their classes.")]


# Subjects


@requires(MANAGE)
class SubjectListView(StructureListView):
    visible = staticmethod(selectors.subject_list)
    entity = "subject"
    title = gettext_lazy("Subjects")
    columns = (
        ("code", gettext_lazy("Code")),
        ("name", gettext_lazy("Name")),
        ("teaching_count", gettext_lazy("Teachings")),
    )
    create_url_name = "administration:subject-create"
    update_url_name = "administration:subject-update"
    delete_url_name = "administration:subject-delete"


@requires(MANAGE)
class SubjectCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_subjects)
    form_class = schooling_forms.SubjectForm
    service = services.subject_create
    title = gettext_lazy("New subject")
    success_url_name = "administration:subject-list"


@requires(MANAGE)
class SubjectUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_subjects)
    form_class = schooling_forms.SubjectForm
    service = services.subject_update
    entity = "subject"
    title = gettext_lazy("Edit the subject")
    success_url_name = "administration:subject-list"


@requires(MANAGE)
class SubjectDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_subjects)
    service = services.subject_delete
    entity = "subject"
    success_url_name = "administration:subject-list"

    def consequences(self) -> list[str]:
        return [_("The teachings of this subject are deleted too.")]


# Rooms


@requires(MANAGE)
class RoomListView(StructureListView):
    visible = staticmethod(selectors.room_list)
    entity = "room"
    title = gettext_lazy("Rooms")
    columns = (("name", gettext_lazy("Name")), ("capacity", gettext_lazy("Capacity")))
    create_url_name = "administration:room-create"
    update_url_name = "administration:room-update"
    delete_url_name = "administration:room-delete"


@requires(MANAGE)
class RoomCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_rooms)
    form_class = schooling_forms.RoomForm
    service = services.room_create
    title = gettext_lazy("New room")
    success_url_name = "administration:room-list"


@requires(MANAGE)
class RoomUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_rooms)
    form_class = schooling_forms.RoomForm
    service = services.room_update
    entity = "room"
    title = gettext_lazy("Edit the room")
    success_url_name = "administration:room-list"


@requires(MANAGE)
class RoomDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_rooms)
    service = services.room_delete
    entity = "room"
    success_url_name = "administration:room-list"


# Teachings


@requires(MANAGE)
class TeachingListView(StructureListView):
    visible = staticmethod(selectors.teaching_list)
    entity = "teaching"
    title = gettext_lazy("Teachings")
    columns = (
        ("subject.name", gettext_lazy("Subject")),
        ("teacher", gettext_lazy("Teacher")),
        ("school_class.name", gettext_lazy("Class")),
        ("teaching_group.name", gettext_lazy("Teaching group")),
    )
    create_url_name = "administration:teaching-create"
    update_url_name = "administration:teaching-update"
    delete_url_name = "administration:teaching-delete"


@requires(MANAGE)
class TeachingCreateView(StructureCreateView):
    visible = staticmethod(schooling_access.visible_teachings)
    form_class = schooling_forms.TeachingForm
    service = services.teaching_create
    title = gettext_lazy("New teaching")
    success_url_name = "administration:teaching-list"


@requires(MANAGE)
class TeachingUpdateView(StructureUpdateView):
    visible = staticmethod(schooling_access.visible_teachings)
    form_class = schooling_forms.TeachingForm
    service = services.teaching_update
    entity = "teaching"
    title = gettext_lazy("Edit the teaching")
    success_url_name = "administration:teaching-list"


@requires(MANAGE)
class TeachingDeleteView(StructureDeleteView):
    visible = staticmethod(schooling_access.visible_teachings)
    service = services.teaching_delete
    entity = "teaching"
    success_url_name = "administration:teaching-list"
