"""Case numbers per year stay unique when clerks log at the same moment (docs/rules.md
R-case-numbers, R-gag-numbers-count-nothing: drawn at random)."""

from __future__ import annotations

import re
import threading

import pytest

from disclosure.auth.models import User
from disclosure.cases import intake
from disclosure.db import db
from tests import factories

pytestmark = pytest.mark.committing
CLERKS = 4


def test_clerks_logging_at_once_get_different_numbers(fresh_app):
    with fresh_app.app_context():
        setup = db.new_session(fresh_app)
        factories.user(setup, "director")
        clerk_ids = [factories.user(setup, "staff").id for _ in range(CLERKS)]
        setup.commit()
        setup.close()
    barrier = threading.Barrier(CLERKS)
    references, errors = [], []

    def log(clerk_id: int) -> None:
        with fresh_app.app_context():
            session = db.new_session(fresh_app)
            try:
                clerk = session.get(User, clerk_id)
                barrier.wait()  # everyone reaches the desk at once
                intake.take_write_lock(session)
                case = intake.log_request(
                    session,
                    clerk,
                    intake.Intake(
                        kind="informal",
                        officer_name="Officer",
                        officer_agency="County",
                        records_sought="Logs",
                    ),
                )
                session.commit()
                references.append(case.reference)
            except Exception as err:  # noqa: BLE001  (reported below, with the others)
                errors.append(err)
            finally:
                session.close()

    threads = [threading.Thread(target=log, args=(clerk_id,)) for clerk_id in clerk_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = references[0][:4]
    assert len(set(references)) == CLERKS
    assert all(re.fullmatch(rf"{year}-\d{{4}}", reference) for reference in references)
