"""Administration of an establishment by its head and digital lead, and of a territory.

One module per area: ``hub`` (the entry page), ``structure`` (classes, groups, subjects,
rooms, teachings, years, periods), ``people`` (people, roles, guardians, accounts),
``letters`` (activation letters and follow-up), ``settings`` (services switched on and
role rights) and ``territory`` (a territory's establishments and their administrators).
Views stay thin: they declare the habilitation, parse the input, call one selector or
service and render. Single objects come from an access gate, so another
establishment's object is a 404.
"""
