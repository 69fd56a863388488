"""Steps the account tests share: the administrator sets a password on a staff account."""

from __future__ import annotations

ADMINS_PASSWORD = "the admin's choice, 1"


def admin_sets_password(client, account) -> None:
    """The administrator (signed in on `client`) sets a new password on a staff account,
    keeping its name, role and supervisor as they are."""
    client.submit(
        f"/admin/users/{account.id}",
        {
            "full_name": account.full_name,
            "role": "staff",
            "supervisor_id": "0",
            "password": ADMINS_PASSWORD,
        },
    )
