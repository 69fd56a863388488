PUBLIC = {"public"}
# Between password and second factor: the second-factor pages and sign-out, nothing else.
PENDING = "second-factor"

TABLE = {
    "static": {"public", PENDING},
    "web.home": PUBLIC,
    "ops.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": {"staff-any", "patron", PENDING},
    "auth.users": {"admin"},
    "auth.new_user": {"admin"},
    "auth.edit_user": {"admin"},
    "auth.toggle_user": {"admin"},
    "auth.reset_second_factor": {"admin"},
    "auth.confirm_account": {"director"},
    "auth.staff_account": {"director"},
    "auth.own_contact": {"staff-any"},
    "auth.change_password": {"staff-any"},
    "session_keep.keep": {"staff-any", "patron"},
    "second_factor.verify": {PENDING},
    "second_factor.verify_key": {PENDING},
    "second_factor.enrol": {"staff-any", PENDING},
    "second_factor.register_key": {"staff-any", PENDING},
    "second_factor.recovery_codes": {"staff-any"},
    "second_factor.new_recovery_codes": {"staff-any"},
    "second_factor.policy": {"director"},
    # the audit trail: the Director every event, the administrator account events only
    "trail.audit": {"director", "admin"},
    "trail.export": {"director", "admin"},
    "trail.export_progress": {"director", "admin"},
    "trail.export_retry": {"director", "admin"},
    "trail.export_file": {"director", "admin"},
}
