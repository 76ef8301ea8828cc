"""Presentation helpers: time formatting, timeline words and items, list rows, Markdown."""
