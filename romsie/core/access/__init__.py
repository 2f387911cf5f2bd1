"""Access control primitives: declarations, the request scope, the deny-by-default gate.

Rules, in plain words:

* every view declares who may use it with one of the decorators of
  :mod:`romsie.core.access.declarations`; a view without a declaration is refused;
* the request's scope (person, current establishment, roles, habilitations, enabled
  services) is computed once per request by the builder the identity app registers;
* objects are reached through each app's ``access`` module, which filters on the scope's
  establishment, so another establishment's object is simply not found (404).
"""
