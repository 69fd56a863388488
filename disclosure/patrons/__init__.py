"""Patrons' own records: the portal, desk requests, guardians, consent releases, the report."""
