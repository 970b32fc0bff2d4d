"""Geometry of the server-drawn charts: numbers in, positions out; the SVG markup is in the
templates. Pure, so a chart is checked without rendering it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Scatter:
    width: int
    height: int
    points: list[Point]
    missing: int  # threads with a figure undefined on either axis

    @property
    def mid_x(self) -> int:
        """Where 0 is across (chance agreement)."""
        return self.width // 2

    @property
    def mid_y(self) -> int:
        """Where 0 is up."""
        return self.height // 2


def scatter(
    rows: list[tuple[str, float | None, float | None]], *, width: int = 420, height: int = 300
) -> Scatter:
    """Each thread at (x, y) in a square of figures from -1 to 1 (alpha can be negative);
    threads where either figure is undefined are counted, not drawn."""
    pad = 36
    points = []
    missing = 0
    for label, x, y in rows:
        if x is None or y is None:
            missing += 1
            continue
        cx = pad + (max(-1.0, min(1.0, x)) + 1) / 2 * (width - 2 * pad)
        cy = height - pad - (max(-1.0, min(1.0, y)) + 1) / 2 * (height - 2 * pad)
        points.append(Point(label, round(cx, 1), round(cy, 1), f"{label}: {x:.3f}, {y:.3f}"))
    return Scatter(width, height, points, missing)
