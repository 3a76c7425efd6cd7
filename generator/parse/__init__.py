"""Parsing: source text → `Document` (layout tables + shared prose readers)."""
