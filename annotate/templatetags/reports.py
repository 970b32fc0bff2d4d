"""Filters for the report pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def figure(value: float | None) -> str:
    """An agreement figure to three decimals; an undefined one (null) as a dash, never 0."""
    return "—" if value is None else f"{value:.3f}"
