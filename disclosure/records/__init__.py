"""The library records the system keeps, preserves and purges."""
