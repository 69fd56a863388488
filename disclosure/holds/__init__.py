"""Preservation holds (docs/rules.md, "Preservation holds": 90 + 90 days)."""
