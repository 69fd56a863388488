"""The case timeline reads as sentences a Director (or a court) can follow, not as stored codes."""

from __future__ import annotations

import html
import re

from disclosure import clock
from disclosure.cases import service
from tests import factories


def _timeline(page: str) -> str:
    section = page.split('id="timeline-h"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", section)))


def test_each_step_of_a_case_reads_plainly_on_its_timeline(client, session, login_as):
    clock.freeze(factories.at(2026, 3, 2, 15))
    director = login_as("director")
    counsel = factories.user(session, "counsel", full_name="Morgan Ellis")
    patron = factories.patron(session)
    factories.loan(session, patron)
    factories.loan(session, patron)
    case = factories.case(session, "subpoena", patron_cards=[patron.card_number])
    service.assign_counsel(session, director, case, counsel, factories.at(2026, 3, 9).date())
    service.record_advice(
        session,
        counsel,
        case,
        advice="Valid; comply narrowly.",
        recommendation="comply_in_part",
        checklist={},
    )
    service.decide(session, director, case, "comply_in_part")
    session.commit()
    client.submit(
        "/holds/new",
        {
            "case_id": case.public_id,
            "requested_by": "Det. R. Vance, County Sheriff",
            "requested_on": "2026-03-02",
            "categories": ["loans"],
            "branch_id": 0,
            "patron_cards": patron.card_number,
        },
        page=f"/holds/new?case={case.public_id}",
    )

    text = _timeline(client.get(f"/cases/{case.public_id}").get_data(as_text=True))
    for sentence in (
        "Logged at the desk",
        "Subpoena. No scans of the paper attached.",
        "Routed to the Director",
        "The Director was notified.",
        "Counsel assigned",
        "Morgan Ellis; advice due 9 Mar 2026.",
        "Counsel's advice recorded",
        "Recommends: Comply in part (narrow the request).",
        "Decision recorded",
        "Comply in part (narrow the request).",
        "Preservation hold placed",
        "Scope: named patrons. When placed it covered 2 records: Loans (circulation history): 2.",
    ):
        assert sentence in text, sentence
    assert "=" not in text  # no stored code like kind=subpoena shows through
