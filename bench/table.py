"""The table `make bench` prints: one row per figure, with its baseline, budget and verdict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    name: str
    measured: str
    baseline: str
    figure: str
    budget: str
    passed: bool | None  # None: reported, no budget

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "-"}[self.passed]


HEADINGS = ("Benchmark", "Measured", "Baseline", "Figure", "Budget", "Result")


def table_text(rows: list[Row]) -> str:
    cells = [HEADINGS] + [(r.name, r.measured, r.baseline, r.figure, r.budget, r.verdict) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADINGS))]

    def line(values) -> str:
        return "| " + " | ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(HEADINGS), rule, *(line(row) for row in cells[1:])])
