"""The cases area's routes, and the acting-Director page it adds to auth."""

DESK = {"staff", "supervisor", "director"}
DIRECTOR = {"director"}
# Any staff account may ask; cases.visibility answers 404 to all but counsel assigned, the Director
# and, for a gagged case, the people named to its circle.
CASE_READERS = {"staff-any"}

TABLE = {
    "cases.intake": DESK,
    "cases.receipt": DESK,
    "cases.queue": DIRECTOR,
    "cases.archive": DIRECTOR,
    "cases.archive_csv": DIRECTOR,
    "cases.search_cases": CASE_READERS,
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
    "auth.staff": DIRECTOR,
    # gag orders
    "cases.impose_gag": DIRECTOR,
    "cases.lift_gag": DIRECTOR,
    "cases.add_to_circle": DIRECTOR,
    "cases.remove_from_circle": DIRECTOR,
}
