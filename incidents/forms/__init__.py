"""Forms: parsing and checking what people type, one module per concern, named as in
services/ and views/ (mitigation: credentials, rotations and checklists)."""
