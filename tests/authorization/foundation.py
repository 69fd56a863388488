PUBLIC = {"public"}

TABLE = {
    "static": PUBLIC,
    "web.home": PUBLIC,
    "ops.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": {"staff-any", "patron"},
    "auth.users": {"admin"},
    "auth.new_user": {"admin"},
    "auth.edit_user": {"admin"},
    "auth.toggle_user": {"admin"},
    "auth.change_password": {"staff-any"},
    "session_keep.keep": {"staff-any", "patron"},
}
