"""Notifications: an outbox table, and e-mail when SMTP is configured."""
