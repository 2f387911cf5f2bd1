"""The preview of an import: what would be created, updated, moved, deactivated, and why not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .records import PERSON_KINDS, Problem

PERSON_ACTIONS = ("create", "update", "move", "deactivate", "reactivate")
STRUCTURE_KINDS = ("establishment", "school_year", "class", "group", "subject", "teaching", "guardianship", "homeroom")


@dataclass(frozen=True)
class PersonChange:
    """One change to one person: created, updated (which fields), moved, deactivated, reactivated."""

    key: str
    kind: str
    name: str
    action: str
    uai: str = ""
    fields: tuple[str, ...] = ()
    detail: str = ""
    file: str = ""
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "name": self.name,
            "action": self.action,
            "uai": self.uai,
            "fields": list(self.fields),
            "detail": self.detail,
            "file": self.file,
            "line": self.line,
        }


@dataclass(frozen=True)
class StructureChange:
    """One change to the school structure or to a link (class, group, teaching, guardianship...)."""

    kind: str
    action: str  # create, update or delete
    uai: str
    label: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "action": self.action, "uai": self.uai, "label": self.label}


@dataclass
class Plan:
    """The outcome of comparing a feed with the database; applying it writes exactly these changes."""

    source: str
    files: list[dict[str, Any]] = field(default_factory=list)
    is_full: bool = False
    establishments: list[str] = field(default_factory=list)
    people: list[PersonChange] = field(default_factory=list)
    structures: list[StructureChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def has_changes(self) -> bool:
        return bool(self.people or self.structures)

    def counts(self) -> dict[str, dict[str, int]]:
        """Return ``{kind: {action: n}}`` for people and structures, zeros included for people."""
        result: dict[str, dict[str, int]] = {kind: dict.fromkeys(PERSON_ACTIONS, 0) for kind in PERSON_KINDS}
        for change in self.people:
            result[change.kind][change.action] += 1
        for structure in self.structures:
            result.setdefault(structure.kind, {}).setdefault(structure.action, 0)
            result[structure.kind][structure.action] += 1
        return result

    def class_moves(self) -> dict[str, Counter[str]]:
        """Return, per class, how many students arrive (``in``) and leave (``out``)."""
        moves: dict[str, Counter[str]] = {}
        for change in self.people:
            if change.action in ("move", "create") and change.kind == "student" and change.detail:
                old, _sep, new = change.detail.partition(" -> ")
                if new:
                    moves.setdefault(old, Counter())["out"] += 1
                    moves.setdefault(new, Counter())["in"] += 1
                else:
                    moves.setdefault(old, Counter())["in"] += 1
        return moves

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable form for a web page or the run's history."""
        return {
            "source": self.source,
            "files": self.files,
            "is_full": self.is_full,
            "applied": self.applied,
            "establishments": self.establishments,
            "counts": self.counts(),
            "people": [c.as_dict() for c in self.people],
            "structures": [s.as_dict() for s in self.structures],
            "problems": [p.as_dict() for p in self.problems],
        }

    def summary(self, *, limit: int = 50) -> str:
        """Return a readable text summary: counts by kind, class moves, then each problem."""
        verb = _("applied") if self.applied else _("preview, nothing written")
        lines = [
            _("%(source)s import (%(verb)s), %(n)d file(s), %(mode)s")
            % {
                "source": self.source.upper(),
                "verb": verb,
                "n": len(self.files),
                "mode": _("full") if self.is_full else _("delta"),
            },
            _("Establishments: %(list)s") % {"list": ", ".join(self.establishments) or "-"},
        ]
        created = [s for s in self.structures if s.kind == "establishment" and s.action == "create"]
        if created:
            lines.append(_("Establishments to create (%(n)d):") % {"n": len(created)})
            lines += [f"  {change.uai} {change.label}" for change in created]
        counts = self.counts()
        labels = {"student": _("Students"), "guardian": _("Guardians"), "teacher": _("Teachers"), "staff": _("Staff")}
        for kind in PERSON_KINDS:
            c = counts[kind]
            template = _(
                "%(label)s: %(create)d new, %(update)d updated, %(move)d moved, %(deactivate)d deactivated, "
                "%(reactivate)d reactivated"
            )
            lines.append(template % {"label": labels[kind], **c})
        for kind in STRUCTURE_KINDS:
            if kind in counts:
                parts = ", ".join(f"{action} {n}" for action, n in sorted(counts[kind].items()))
                lines.append(f"{kind}: {parts}")
        moves = self.class_moves()
        if moves:
            lines.append(_("Per class (students in / out):"))
            for code in sorted(moves):
                lines.append(f"  {code}: +{moves[code]['in']} / -{moves[code]['out']}")
        lines.append(_("Problems: %(e)d error(s), %(w)d warning(s)") % {"e": len(self.errors), "w": len(self.warnings)})
        for problem in self.problems[:limit]:
            lines.append(f"  {problem}")
        if len(self.problems) > limit:
            lines.append(_("  ... and %(n)d more") % {"n": len(self.problems) - limit})
        return "\n".join(lines)
