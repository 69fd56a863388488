"""The audit trail read as a whole: the Director's audit page, `disclosure audit verify`, and the
daily anchor of the chain sent to the Director."""
