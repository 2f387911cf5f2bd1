"""WSGI entry point: ``gunicorn config.wsgi -c config/gunicorn.py``.

The application is wrapped in ``CapacityGate``: past what the server can serve in time, a
request gets a quick 503 with ``Retry-After`` instead of a place in a queue that times out.
"""

import os

from django.core.wsgi import get_wsgi_application

from romsie.core.capacity import CapacityGate

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = CapacityGate(get_wsgi_application())
