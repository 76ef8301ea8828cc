"""Render once, serve many: sections of an incident and rows of the list, each rendered for
a role set and a time zone, keyed by the revisions it was drawn from, and shared by every
viewer (page loads and live frames alike) through Django's cache.

Nothing here decides who may see what: callers pass the access gate first
(incidents.access.gate), and a key never names a person.
"""
