"""Regulatory obligations: notification rules kept as data (rules/*.yaml), validated on
load, and a pure engine that says which apply to a breach, why, and by when."""
