"""Pages that belong to no single area: home pages per role, errors, shared helpers."""
