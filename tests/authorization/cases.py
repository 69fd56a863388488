"""The cases area's routes (issue 3), and the acting-Director page it adds to auth."""
DESK = {"staff", "supervisor", "director"}
DIRECTOR = {"director"}
CASE_READERS = {"director", "counsel"}

TABLE = {
    "cases.intake": DESK,
    "cases.receipt": DESK,
    "cases.queue": DIRECTOR,
    "cases.counsel_queue": {"counsel"},
    "cases.detail": CASE_READERS,
    "cases.document": CASE_READERS,
    "cases.advise": {"counsel"},
    "cases.assign_counsel": DIRECTOR,
    "cases.decide": DIRECTOR,
    "cases.waive": DIRECTOR,
    "cases.attach": DIRECTOR,
    "cases.close": DIRECTOR,
    "cases.reopen": DIRECTOR,
    "cases.production_new": DIRECTOR,
    "cases.production": DIRECTOR,
    "cases.production_file": DIRECTOR,
    "auth.acting": DIRECTOR,
    "auth.acting_revoke": DIRECTOR,
}
