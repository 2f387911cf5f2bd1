"""Permission-matrix rows of the families' pages of marks (joined by ``matrix.py``).

Students and guardians of ``a`` see their own marks and report cards (the page is for the
followed student: oneself, or the chosen child); the staff, who hold ``assessment.view`` for
their own pages, are refused (403). The "what if" simulation is for students only, and its POST
never writes. The pages take no object: another establishment's data cannot be named in them
(a foreign period in ``?periode=`` answers 404: ``test_family.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from romsie.core.testing.world import World

from .builders import enable, period_of
from .builders_family import marked

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
MATRIX = """
assessment:my-marks                 -      | 302  200  200  403  403  403  403  403  403  403  403  403
assessment:what-if                  -      | 302  200  403  403  403  403  403  403  403  403  403  403
assessment:my-report-cards          -      | 302  200  200  403  403  403  403  403  403  403  403  403
"""

# url name                          object | anon stud pare teac part head life libr offi afte digi terr
POST_MATRIX = """
assessment:my-marks                 -      | 302  405  405  405  403  405  403  403  403  403  403  403
assessment:what-if                  -      | 302  200  403  403  403  403  403  403  403  403  403  403
assessment:my-report-cards          -      | 302  405  405  405  403  405  403  403  403  403  403  403
"""


def _marks(w: World, which: str) -> dict[str, Any]:
    """The service on, and a published mark of ``a``'s student to show."""
    enable(w.a, w.c)
    period_of(w.a)
    marked(w.a, "14", title="Fractions")
    return {}


def _what_if(w: World, which: str) -> dict[str, Any]:
    return {
        "hyp-TOTAL_FORMS": "1",
        "hyp-INITIAL_FORMS": "0",
        "hyp-0-subject": str(w.a.subject.pk),
        "hyp-0-value": "18",
        "hyp-0-out_of": "20",
        "hyp-0-weight": "1",
    }


OBJECTS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "assessment:my-marks": _marks,
    "assessment:what-if": _marks,
    "assessment:my-report-cards": _marks,
}
POST_DATA: dict[str, Callable[[World, str], dict[str, Any]]] = {"assessment:what-if": _what_if}
