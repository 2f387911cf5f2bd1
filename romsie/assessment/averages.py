"""How averages are worked out: pure functions, no database (worked examples in ``docs/assessment.md``).

The rules:

1. **A mark is brought back to 20**: ``value × 20 / out_of`` (12/40 counts as 6/20).
2. **What counts**: a mark counts. *Absent*, *exempt* and *not marked* do not count at all
   (neither the mark nor the weight). *Not handed in* counts as 0.
3. **A subject's average** for a student is the weighted mean of the marks that count, each
   weighted by its assessment's weight: ``Σ(weight × mark on 20) / Σ weight``. No mark that
   counts: no average (shown as a dash, never 0).
4. **The overall average** is the weighted mean of the subject averages, each weighted by the
   subject's weight set by the establishment (1 when it set none); subjects without an average
   are left out.
5. **Rounding happens once, for display**: averages are computed exactly (``Decimal``) from
   unrounded subject averages, then shown rounded half up to 2 decimals (12.345 → 12.35).
6. **Class figures**: the minimum, maximum and mean of an assessment are over the marks that
   count (on the assessment's own scale); those of a subject are over the students' subject
   averages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWENTY = Decimal(20)
ZERO = Decimal(0)
CENT = Decimal("0.01")

# The statuses of ``models.MarkStatus`` (kept as strings: this module imports no model).
COUNTED_AS_ZERO = frozenset({"not_handed_in"})
NOT_COUNTED = frozenset({"absent", "exempt", "not_marked"})


@dataclass(frozen=True)
class Cell:
    """One mark as the averages see it."""

    value: Decimal | None
    status: str
    out_of: Decimal
    weight: Decimal


@dataclass(frozen=True)
class Stats:
    """The minimum, maximum and mean of some values, and how many there were."""

    minimum: Decimal
    maximum: Decimal
    mean: Decimal
    count: int


def on_twenty(value: Decimal, out_of: Decimal) -> Decimal:
    """A mark on its scale brought back to 20."""
    return value * TWENTY / out_of


def counted_value(cell: Cell) -> Decimal | None:
    """The cell's value on its own scale as the averages count it, or None when it does not count."""
    if cell.status in COUNTED_AS_ZERO:
        return ZERO
    if cell.status or cell.value is None:
        return None
    return cell.value


def subject_average(cells: Iterable[Cell]) -> Decimal | None:
    """The weighted average on 20 of the cells that count (unrounded), or None."""
    total = ZERO
    weights = ZERO
    for cell in cells:
        value = counted_value(cell)
        if value is None:
            continue
        total += cell.weight * on_twenty(value, cell.out_of)
        weights += cell.weight
    if not weights:
        return None
    return total / weights


def overall_average(subjects: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """The average of ``(subject average, subject weight)`` pairs, leaving out subjects without one."""
    total = ZERO
    weights = ZERO
    for average, weight in subjects:
        if average is None:
            continue
        total += weight * average
        weights += weight
    if not weights:
        return None
    return total / weights


def stats(values: Iterable[Decimal | None]) -> Stats | None:
    """The minimum, maximum and mean of the values that are not None (unrounded), or None."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    return Stats(min(present), max(present), sum(present, ZERO) / len(present), len(present))


def assessment_stats(cells: Iterable[Cell]) -> Stats | None:
    """An assessment's class figures, on its own scale, over the marks that count."""
    return stats(counted_value(cell) for cell in cells)


def rounded(value: Decimal | None) -> Decimal | None:
    """A figure as shown: rounded half up to 2 decimals."""
    if value is None:
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
