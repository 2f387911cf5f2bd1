"""Demo content of the address book, for the showcase establishments.

The first parents of each establishment (five at most, the featured demo accounts first) get a
group "Équipe pédagogique" holding their children's teachers (linked to their ENT accounts, so
the group can be written to) and the parents' association (outside the ENT); the first teacher
gets a group "Collègues" with three colleagues. Bulk writes, a fixed number of queries per
establishment; running it twice adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from romsie.establishments.models import Establishment
from romsie.identity.models import Guardianship, Role, RoleAssignment, User
from romsie.schooling.access import current_class_ids
from romsie.schooling.models import Enrollment, Teaching

from .models import Contact, ContactGroup

SERVICE = "contacts"
PARENTS = 5
ASSOCIATION = {
    "organisation": "Association des parents d'élèves",
    "emails": ["ape@example.org"],
    "phones": ["01 60 00 00 00"],
    "notes": "Permanence le samedi matin",
}


def _contact(owner_id: int, person: User | None = None, **fields: object) -> Contact:
    contact = Contact(owner_id=owner_id, person=person, **fields)
    if person is not None:
        contact.first_name, contact.last_name = person.first_name, person.last_name
    contact.refresh_search_name()
    return contact


def _members(establishment_id: int, featured: set[int]) -> tuple[list[int], list[User]]:
    """The first parents (the featured accounts first), and the teachers, of an establishment (two queries)."""
    guardians = set(
        Guardianship.objects.filter(establishment_id=establishment_id).values_list("guardian_id", flat=True)
    )
    parents = sorted(guardians, key=lambda pk: (pk not in featured, pk))[:PARENTS]
    teacher_ids = RoleAssignment.objects.filter(
        establishment_id=establishment_id, role=Role.TEACHER, is_active=True
    ).values("user_id")
    teachers = list(User.objects.filter(pk__in=teacher_ids).order_by("pk")[:4])
    return parents, teachers


def populate(establishment_ids: Iterable[int], *, featured_user_ids: Iterable[int] = ()) -> int:
    """Write the demo address books of these establishments' first parents and teacher; return the rows.

    ``featured_user_ids`` (the accounts the demo's documentation names) come first among the parents.
    """
    featured = set(featured_user_ids)
    establishments = [
        e.pk
        for e in Establishment.objects.filter(pk__in=list(establishment_ids)).order_by("pk")
        if SERVICE in (e.enabled_services or [])
    ]
    rows = 0
    for establishment_id in establishments:
        parents, teachers = _members(establishment_id, featured)
        owners = set(parents) | ({teachers[0].pk} if teachers else set())
        owners -= set(ContactGroup.objects.filter(owner_id__in=owners).values_list("owner_id", flat=True))
        if not owners:
            continue
        # Each parent's children's teachers: students, their current classes, their teachings.
        children = Guardianship.objects.filter(establishment_id=establishment_id, guardian_id__in=parents)
        child_of = defaultdict(set)
        for guardian_id, student_id in children.values_list("guardian_id", "student_id"):
            child_of[student_id].add(guardian_id)
        classes = current_class_ids(establishment_id, list(child_of))
        class_of = defaultdict(set)
        for student_id, class_id in Enrollment.objects.filter(
            student_id__in=list(child_of), school_class_id__in=classes
        ).values_list("student_id", "school_class_id"):
            class_of[class_id].add(student_id)
        teachers_of: defaultdict[int, set[int]] = defaultdict(set)
        for class_id, teacher_id in Teaching.objects.filter(
            establishment_id=establishment_id, school_class_id__in=list(class_of)
        ).values_list("school_class_id", "teacher_id"):
            for student_id in class_of[class_id]:
                for guardian_id in child_of[student_id]:
                    teachers_of[guardian_id].add(teacher_id)
        people = {u.pk: u for u in User.objects.filter(pk__in={t for ts in teachers_of.values() for t in ts})}
        groups: list[ContactGroup] = []
        contacts: list[tuple[ContactGroup, Contact]] = []
        for parent_id in sorted(owners & set(parents)):
            group = ContactGroup(owner_id=parent_id, name="Équipe pédagogique")
            groups.append(group)
            contacts += [(group, _contact(parent_id, people[t])) for t in sorted(teachers_of[parent_id])[:6]]
            contacts.append((group, _contact(parent_id, **ASSOCIATION)))  # type: ignore[arg-type]
        if teachers and teachers[0].pk in owners:
            group = ContactGroup(owner_id=teachers[0].pk, name="Collègues")
            groups.append(group)
            contacts += [(group, _contact(teachers[0].pk, colleague)) for colleague in teachers[1:]]
        ContactGroup.objects.bulk_create(groups)
        Contact.objects.bulk_create([c for _g, c in contacts])
        links = [Contact.groups.through(contact_id=c.pk, contactgroup_id=g.pk) for g, c in contacts]
        Contact.groups.through.objects.bulk_create(links)
        rows += len(groups) + len(contacts) + len(links)
    return rows
