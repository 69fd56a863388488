"""Preservation holds (DOMAIN.md, "Preservation holds"; seed 004: 90 + 90 days)."""
