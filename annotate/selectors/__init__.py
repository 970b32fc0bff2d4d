"""Reads of the annotation side, by noun; each in a fixed number of queries whatever the
data size."""
