"""Writes of marks and report cards: keyword-only, typed, atomic, taking the actor's scope.

Parts, each in its section: assessments and marks, competencies, councils and report cards,
families.
"""

from __future__ import annotations
