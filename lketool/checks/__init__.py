"""Checks: small functions that look at a mapped sheet and yield :class:`Problem` records.

Order matters only in that :func:`answers.normalise` runs first: it turns raw cells into
the values the scorer and the other checks use."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lketool.layouts import MappedSheet
from lketool.problems import Location, Problem
from lketool.reader import cell_ref
from lketool.rubric import Rubric


@dataclass
class Context:
    file: str
    rubric: Rubric
    mapped: MappedSheet
    values: dict[str, Any] = field(default_factory=dict)
    tpi_values: dict[str, Any] = field(default_factory=dict)
    causes: dict[str, str] = field(default_factory=dict)  # cell -> why its value departs (id)
    causes_en: dict[str, str] = field(default_factory=dict)
    # score-mismatch cell -> what its cause points at: ("cell", "L91") or ("row", 107)
    cause_refs: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    # the unit's scores (blanks ignored) as the formula check computed them from the
    # final ``values``, so the caller need not compute them again (None: not computed)
    scores: Any = None

    def loc(self, row: int | None = None, col: int | None = None, item: str | None = None) -> Location:
        cell = cell_ref(row, col) if row and col else None
        return Location(file=self.file, sheet=self.mapped.sheet, cell=cell, row=row, column=col, item=item)

    def problem(self, code: str, row=None, col=None, item=None, value=None, severity: str = "", **params) -> Problem:
        return Problem(code=code, location=self.loc(row, col, item), params=params, value=value, severity=severity)


def run_all(ctx: Context) -> list[Problem]:
    """Every offline check, in a stable order; the result is sorted by location."""
    from lketool.checks import answers, counts, evidence, formulas, structure

    problems: list[Problem] = []
    problems += structure.check(ctx)
    problems += answers.normalise(ctx)
    ctx.tpi_values = answers.normalise_tpi(ctx)
    problems += counts.check(ctx)
    problems += evidence.check(ctx)
    problems += formulas.check(ctx)
    formulas.link_roots(ctx, problems)
    problems.sort(key=Problem.sort_key)
    return problems
