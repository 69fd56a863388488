"""A page that lists a patron's reports never reads the reports' files from the database."""

from __future__ import annotations

import re

from tests import factories
from tests.patrons.steps import ask, latest_request, sign_in_patron, verify
from tests.statements import page_and_statements


def test_the_patrons_home_lists_reports_without_loading_their_files(app, client, session):
    patron = factories.patron_with_every_kind(session)
    session.commit()
    sign_in_patron(client, patron)
    ask(client)
    verify(app, session, latest_request(session, patron))
    page, statements = page_and_statements(app, client, "/patron")
    assert "Download" in page or "download" in page
    report_reads = [s for s in statements if "patron_reports" in s]
    assert report_reads, "the page reads its reports"
    files = re.compile(r"patron_reports\.(pdf|json_data|csv_data)\b")  # not their *_sha256
    loading = [s for s in report_reads if files.search(s)]
    assert not loading, loading
