"""CSV import: documented columns, all or nothing, errors that name the line and column."""

from pathlib import Path

from sqlalchemy import func, select

from disclosure.records import models as m
from tests import factories


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n")
    return path


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_of_each_kind_writes_the_rows(app, session, tmp_path):
    runner = app.test_cli_runner()
    files = [
        ("branches", "code,name\nHQ,Headquarters\nNW,Northwest"),
        ("workstations", "code,branch_code\nHQ-PC01,HQ\nNW-PC01,NW"),
        (
            "patrons",
            "card_number,name,address,phone,email,birth_year,card_expires_on,amount_owed,guardian_card_number,home_branch_code\n21001,Ada Parent,1 Oak St,555-1000,ada@example.org,1980,2027-01-01,0,,HQ\n21002,Ben Child,1 Oak St,,,2015,2027-01-01,1.50,21001,HQ",
        ),
        (
            "loans",
            "card_number,branch_code,item_barcode,item_title,checked_out_at,due_at,returned_at,fine_settled\n21001,HQ,3100001,Gilead,2026-10-01T10:00,2026-10-22T10:00,2026-10-10T09:00,yes",
        ),
        (
            "computer_sessions",
            "workstation_code,card_number,signup_name,started_at,ended_at\nHQ-PC01,21001,,2026-11-20T10:00,2026-11-20T11:00\nNW-PC01,,Walk In,2026-11-21T10:00,",
        ),
        (
            "interlibrary_loans",
            "reference,card_number,title,lending_library,status,department,requested_at,completed_at\nILL-1,21001,Circe,County Library,Returned,Reference,2026-09-01T10:00,2026-09-20T10:00",
        ),
        (
            "ill_emails",
            "ill_reference,sent_at,to_address,subject,body\nILL-1,2026-09-02T10:00,ada@example.org,Your request,Hello",
        ),
        (
            "programs",
            "code,branch_code,title,starts_on,ends_on\nP1,HQ,Storytime,2026-12-01,2026-12-01",
        ),
        (
            "program_registrations",
            "program_code,card_number,registered_at\nP1,21002,2026-11-01T10:00",
        ),
        (
            "mailing_list_subscriptions",
            "list_name,card_number,email,subscribed_at,last_activity_at\nEvents,21001,ada@example.org,2025-01-01T00:00,2026-10-01T00:00",
        ),
    ]
    for kind, text in files:
        result = runner.invoke(args=["import", kind, str(_write(tmp_path, f"{kind}.csv", text))])
        assert result.exit_code == 0, (kind, result.output)
    child = session.scalar(select(m.Patron).where(m.Patron.card_number == "21002"))
    assert child.guardian.card_number == "21001"
    assert _count(session, m.ComputerSession) == 2
    ill = session.scalar(select(m.InterlibraryLoan))
    assert ill.status == "returned" and ill.department == "Reference"
    assert _count(session, m.MailingList) == 1 and _count(session, m.IllEmail) == 1
    loan = session.scalar(select(m.Loan))
    # 10:00 in the library's zone (America/Chicago, CDT in October) is 15:00 UTC
    assert loan.checked_out_at.hour == 15


def test_a_bad_row_stops_the_import_and_leaves_the_database_unchanged(app, session, tmp_path):
    branch = factories.branch(session, code="HQ")
    session.commit()
    rows = [
        "card_number,branch_code,item_barcode,item_title,checked_out_at,due_at,returned_at,fine_settled"
    ]
    patron = factories.patron(session)
    session.commit()
    for n in range(2500):  # past one insert batch, so the bad row comes after rows were written
        rows.append(
            f"{patron.card_number},HQ,31{n:06d},Gilead,2026-10-01T10:00,2026-10-22T10:00,,yes"
        )
    rows.append(f"{patron.card_number},HQ,3199999,Gilead,yesterday,2026-10-22T10:00,,yes")
    before = _count(session, m.Loan)
    result = app.test_cli_runner().invoke(
        args=["import", "loans", str(_write(tmp_path, "loans.csv", "\n".join(rows)))]
    )
    assert result.exit_code != 0
    assert "line 2502, column checked_out_at" in result.output
    assert "Nothing was imported" in result.output
    assert _count(session, m.Loan) == before
    assert branch.id


def test_a_file_that_stops_being_utf8_past_the_first_batch_changes_nothing(app, session, tmp_path):
    """The file is read as it is imported (memory stays flat), so a bad byte far down the file
    is met after rows were written: the import still stops whole."""
    factories.branch(session, code="HQ")
    patron = factories.patron(session)
    session.commit()
    header = "card_number,branch_code,item_barcode,item_title,checked_out_at,due_at"
    rows = [
        f"{patron.card_number},HQ,32{n:06d},Gilead,2026-10-01T10:00,2026-10-22T10:00"
        for n in range(2500)
    ]
    path = tmp_path / "loans.csv"
    path.write_bytes(
        "\n".join([header, *rows]).encode()
        + b"\n"
        + patron.card_number.encode()
        + b",HQ,3299999,Caf\xe9,2026-10-01T10:00,2026-10-22T10:00\n"
    )
    before = _count(session, m.Loan)
    result = app.test_cli_runner().invoke(args=["import", "loans", str(path)])
    assert result.exit_code != 0
    assert "the file is not UTF-8 text. Nothing was imported." in result.output
    assert _count(session, m.Loan) == before


def test_unknown_reference_names_line_and_column(app, session, tmp_path):
    factories.branch(session, code="HQ")
    session.commit()
    path = _write(tmp_path, "ws.csv", "code,branch_code\nPC1,HQ\nPC2,ZZ")
    result = app.test_cli_runner().invoke(args=["import", "workstations", str(path)])
    assert result.exit_code != 0
    assert "line 3, column branch_code: no branch “ZZ” is known." in result.output
    assert _count(session, m.Workstation) == 0


def test_missing_header_column_is_refused(app, session, tmp_path):
    path = _write(tmp_path, "b.csv", "code\nHQ")
    result = app.test_cli_runner().invoke(args=["import", "branches", str(path)])
    assert result.exit_code != 0 and "line 1: the header lacks the column(s) name." in result.output


def test_a_time_in_the_hour_the_clocks_go_forward_is_named_as_not_existing(app, session, tmp_path):
    factories.workstation(session, factories.branch(session, code="HQ"), code="HQ-PC01")
    session.commit()
    path = _write(
        tmp_path,
        "sessions.csv",
        "workstation_code,card_number,signup_name,started_at,ended_at\n"
        "HQ-PC01,,Walk In,2026-03-08T01:30,2026-03-08T01:45\n"
        "HQ-PC01,,Walk In,2026-03-08T02:50,2026-03-08T03:10",
    )
    result = app.test_cli_runner().invoke(args=["import", "computer_sessions", str(path)])
    assert result.exit_code != 0
    assert (
        "line 3, column started_at: 02:50 on 8 Mar 2026 does not exist at the library "
        "(America/Chicago): the clocks go forward that night." in result.output
    )
    assert "earlier than" not in result.output
    assert _count(session, m.ComputerSession) == 0


def test_a_control_character_in_a_cell_names_line_and_column_on_both_databases(
    app, session, tmp_path
):
    path = _write(tmp_path, "b.csv", "code,name\nHQ,Main\nEB,East\x00 Branch")
    result = app.test_cli_runner().invoke(args=["import", "branches", str(path)])
    assert result.exit_code != 0
    assert "line 3, column name: holds an invisible control character" in result.output
    assert _count(session, m.Branch) == 0


def test_minors_find_their_guardians_anywhere_earlier_in_the_file_or_already_registered(
    app, session, tmp_path, monkeypatch
):
    """Patrons are written in batches; a minor whose guardian waits in the batch has the batch
    written first, and a guardian of an earlier batch or already registered is found too."""
    from disclosure.records import importer

    monkeypatch.setattr(importer, "BATCH", 3)
    known = factories.patron(session, card_number="20999")
    session.commit()
    header = "card_number,name,address,card_expires_on,guardian_card_number"
    lines = [
        "21001,Ada Parent,1 Oak St,2027-01-01,",
        "21002,Cy Adult,2 Oak St,2027-01-01,",
        "21003,Dee Adult,3 Oak St,2027-01-01,",
        "21004,Eve Adult,4 Oak St,2027-01-01,",
        "21005,Fay Parent,5 Oak St,2027-01-01,",
        "21006,Gus Child,5 Oak St,2027-01-01,21005",
        "21007,Hal Child,1 Oak St,2027-01-01,21001",
        "21008,Ida Child,9 Oak St,2027-01-01,20999",
    ]
    path = _write(tmp_path, "patrons.csv", "\n".join([header, *lines]))
    result = app.test_cli_runner().invoke(args=["import", "patrons", str(path)])
    assert result.exit_code == 0, result.output
    guardians = dict(
        session.execute(
            select(m.Patron.card_number, m.Patron.guardian_id).where(
                m.Patron.guardian_id.is_not(None)
            )
        ).all()
    )
    ids = dict(session.execute(select(m.Patron.card_number, m.Patron.id)).all())
    assert guardians == {"21006": ids["21005"], "21007": ids["21001"], "21008": known.id}
    assert _count(session, m.Patron) == 9
