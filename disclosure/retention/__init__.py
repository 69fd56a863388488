"""Retention rules, the purge that enforces them, and the statistics kept after it."""
