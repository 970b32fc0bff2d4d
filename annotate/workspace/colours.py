"""Colours of label values that stay readable: WCAG contrast of white text on a pill."""

from __future__ import annotations


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a ``#rrggbb`` colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def strong_colour(colour: str, *, on: str = "#ffffff", ratio: float = 4.5) -> str:
    """``colour``, darkened just enough for white text on it to meet WCAG AA (4.5:1).

    An active label pill is its value's colour with white text: the schema's colours are
    chosen for highlights, and several (green, orange, grey) are too light for that.
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(101):  # 1 % darker each step; black meets any ratio
        k = 1 - step / 100
        darker = f"#{round(r * k):02x}{round(g * k):02x}{round(b * k):02x}"
        if contrast_ratio(darker, on) >= ratio:
            return darker
    return "#000000"  # pragma: no cover - the loop ends at black
