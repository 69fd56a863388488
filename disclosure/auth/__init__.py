"""Staff accounts, roles, sign-in, and the deny-by-default access rule."""
