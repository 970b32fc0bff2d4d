"""Writes of the annotation side, by noun: keyword-only services that validate, then write in one
transaction. The htmx views, the API, the admin and the commands all call them."""
