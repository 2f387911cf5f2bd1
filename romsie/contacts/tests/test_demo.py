from romsie.contacts import demo
from romsie.contacts.models import Contact, ContactGroup


def test_demo_address_books_hold_the_childrens_teachers_once(world):
    ids = [world.a.establishment.pk, world.b.establishment.pk]
    assert demo.populate(ids) > 0
    assert demo.populate(ids) == 0
    group = ContactGroup.objects.get(owner=world.a.parent)
    people = set(Contact.objects.filter(groups=group).values_list("person_id", flat=True))
    assert people == {world.a.teacher.pk, None}  # the child's teacher, and the association
