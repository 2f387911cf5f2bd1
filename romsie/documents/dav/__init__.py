"""WebDAV at ``/dav/``: one's documents mounted in a file manager or an office suite.

* :mod:`.views` — the endpoint (a Django view wrapping WsgiDAV, so ``runserver``, gunicorn and
  the tests serve it alike) and the app passwords' page;
* :mod:`.auth` — HTTP Basic over the ENT password (``authenticate()``, so the sign-in's
  throttling applies) or an app password, with a short cache of successful checks;
* :mod:`.provider` — the tree the person sees, read through :mod:`romsie.documents.access` and
  written through :mod:`romsie.documents.services`;
* :mod:`.app` — the WsgiDAV application (lock storage, settings);
* :mod:`.services` and :mod:`.selectors` — app passwords and WebDAV properties.
"""
