"""docs/rules.md R-records-only-under-process: a record goes to an agency only under legal
process from a court, or in an emergency under a waiver made on counsel's advice."""

from __future__ import annotations

import pytest

from disclosure.cases import productions, service, uploads
from disclosure.errors import DomainError
from tests import factories
from tests.cases.test_workflow import PDF


@pytest.mark.parametrize("kind", ["informal", "preservation"])
def test_a_request_without_legal_process_can_never_be_answered_by_releasing_records(
    app, session, kind
):
    director = factories.user(session, "director")
    case = factories.advised_case(session, kind, director=director)
    for decision in ("comply", "comply_in_part"):
        with pytest.raises(DomainError, match="without legal process from a court"):
            service.decide(session, director, case, decision)
    assert case.decision is None
    # a court order attached later is legal process: then the Director may comply
    with app.app_context():
        service.attach_document(
            session, director, case, uploads.Scan("order.pdf", PDF), "court_order"
        )
    service.decide(session, director, case, "comply")
    assert case.decision == "comply"


def test_a_release_is_refused_when_the_case_rests_on_no_process(session):
    director = factories.user(session, "director")
    case = factories.advised_case(session, "informal", director=director)
    case.decision = "comply"  # as if written around the service
    with pytest.raises(DomainError, match="no legal process from a court"):
        productions.require_release_allowed(case)


def test_the_process_an_officer_presents_is_enough(session):
    director = factories.user(session, "director")
    for kind in ("subpoena", "search_warrant", "court_order"):
        case = factories.advised_case(session, kind, director=director)
        service.decide(session, director, case, "comply")
        productions.require_release_allowed(case)
