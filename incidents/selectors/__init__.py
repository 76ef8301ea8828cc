"""Selectors: what pages read, one module per concern, named as in services/ and views/
(mitigation: rotations and checklists). Nothing here writes."""
