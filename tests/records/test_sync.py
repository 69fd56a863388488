"""Import as a sync with the library's own system (ILS): upserts by natural key, the Koha and
Evergreen presets and a generic mapping file, the drop folder, and the card numbers under holds.

The fixtures are written here from the column names Koha (`borrowers`, `issues`/`old_issues`,
`statistics`) and Evergreen (`actor.usr`, `action.circulation`) publish; the README's ILS chapter gives the
report queries that produce them."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from disclosure import clock, jobs
from disclosure.holds.models import PreservedRecord
from disclosure.holds.preservation import read_content
from disclosure.notify.models import Notification
from disclosure.records import models as m
from tests import factories as f

KOHA_BORROWERS = """
borrowernumber,cardnumber,surname,firstname,address,city,state,zipcode,phone,email,dateofbirth,dateexpiry,branchcode
11,21001,Lovelace,Ada,1 Oak St,Hillsboro,MO,63050,555-1000,ada@example.org,1980-05-02,2027-01-01,HQ
12,21002,Babbage,Charles,2 Elm St,Hillsboro,MO,63050,,,1975-12-26,2027-06-30,HQ
"""

KOHA_ISSUES = """
borrowernumber,cardnumber,itemnumber,barcode,title,branchcode,issuedate,date_due,returndate
11,21001,501,3100001,Gilead,HQ,2026-10-01 10:00:00,2026-10-22 23:59:00,
11,21001,502,3100002,Circe,HQ,2026-10-02 11:30:00,2026-10-23 23:59:00,
12,21002,503,3100003,Beloved,HQ,2026-10-03 09:15:00,2026-10-24 23:59:00,2026-10-09 16:00:00
"""

# the next night's report: two returns, one new checkout of a returned item
KOHA_ISSUES_LATER = """
borrowernumber,cardnumber,itemnumber,barcode,title,branchcode,issuedate,date_due,returndate
11,21001,501,3100001,Gilead,HQ,2026-10-01 10:00:00,2026-10-22 23:59:00,2026-10-12 10:00:00
11,21001,502,3100002,Circe,HQ,2026-10-02 11:30:00,2026-10-23 23:59:00,2026-10-12 10:05:00
12,21002,503,3100003,Beloved,HQ,2026-10-03 09:15:00,2026-10-24 23:59:00,2026-10-09 16:00:00
11,21001,503,3100003,Beloved,HQ,2026-10-12 10:10:00,2026-11-02 23:59:00,
"""

# Koha's `statistics` rows of type `return` (the README's report adds the card number, barcode):
# Ada's two loans come back; 3100009 was never on loan here; Charles's Beloved is long closed.
KOHA_STATISTICS_RETURNS = """
datetime,branch,type,itemnumber,itemtype,borrowernumber,cardnumber,barcode
2026-10-12 10:00:00,HQ,return,501,BK,11,21001,3100001
2026-10-12 10:05:00,HQ,return,502,BK,11,21001,3100002
2026-10-12 10:06:00,HQ,return,509,BK,11,21001,3100009
2026-10-13 09:00:00,HQ,return,503,BK,12,21002,3100003
"""

EVERGREEN_USR = """
id,usrname,barcode,family_name,first_given_name,street1,city,state,post_code,day_phone,email,dob,expire_date,home_ou
7,ahopper,22001,Hopper,Grace,3 Pine St,Hillsboro,MO,63050,555-2000,grace@example.org,1906-12-09,2027-03-31 00:00:00-05,HQ
"""

EVERGREEN_CIRCULATION = """
id,usr,target_copy,title,circ_lib,xact_start,due_date,checkin_time
90,22001,3200001,Middlemarch,HQ,2026-10-05 14:00:00-05,2026-10-26 23:59:59-05,
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text.strip() + "\n")
    return path


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _import(app, *args):
    return app.test_cli_runner().invoke(args=["import", *map(str, args)])


def _library(session):
    f.branch(session, code="HQ", name="Headquarters")
    session.commit()


def _loan(session, barcode: str, card: str = "21001") -> m.Loan:
    return session.scalar(
        select(m.Loan)
        .join(m.Patron, m.Patron.id == m.Loan.patron_id)
        .where(m.Loan.item_barcode == barcode, m.Patron.card_number == card)
        .order_by(m.Loan.checked_out_at)
    )


def test_the_same_koha_file_twice_changes_nothing_and_a_later_one_updates_the_loans(
    app, session, tmp_path
):
    _library(session)
    borrowers = _write(tmp_path, "borrowers.csv", KOHA_BORROWERS)
    issues = _write(tmp_path, "issues.csv", KOHA_ISSUES)
    assert _import(app, "patrons", borrowers, "--preset", "koha").exit_code == 0
    first = _import(app, "loans", issues, "--preset", "koha")
    assert first.exit_code == 0, first.output
    assert "3 new, 0 updated, 0 unchanged" in first.output
    counts = (_count(session, m.Patron), _count(session, m.Loan))

    again = _import(app, "loans", issues, "--preset", "koha")
    assert again.exit_code == 0 and "0 new, 0 updated, 3 unchanged" in again.output
    assert _import(app, "patrons", borrowers, "--preset", "koha").exit_code == 0
    assert (_count(session, m.Patron), _count(session, m.Loan)) == counts

    later = _import(
        app, "loans", _write(tmp_path, "later.csv", KOHA_ISSUES_LATER), "--preset", "koha"
    )
    assert later.exit_code == 0 and "1 new, 2 updated, 1 unchanged" in later.output
    session.expire_all()
    assert _count(session, m.Loan) == counts[1] + 1
    # 10:00 in the library's zone (America/Chicago, CDT in October) is 15:00 UTC
    assert _loan(session, "3100001").returned_at == datetime(2026, 10, 12, 15, 0, tzinfo=UTC)
    assert _loan(session, "3100003", "21002").returned_at is not None
    assert _loan(session, "3100003", "21001").returned_at is None


def test_a_koha_patron_is_read_in_the_library_s_words(app, session, tmp_path):
    _library(session)
    result = _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    assert result.exit_code == 0, result.output
    ada = session.scalar(select(m.Patron).where(m.Patron.card_number == "21001"))
    assert ada.name == "Ada Lovelace"
    assert ada.address == "1 Oak St, Hillsboro, MO, 63050"
    assert ada.birth_year == 1980 and str(ada.card_expires_on) == "2027-01-01"
    assert ada.home_branch.code == "HQ"


def test_a_patron_imported_again_is_updated_not_refused(app, session, tmp_path):
    patron = f.patron(session, card_number="21009", name="Old Name", phone="555-0000")
    session.commit()
    header = "card_number,name,address,card_expires_on"
    path = _write(tmp_path, "p.csv", f"{header}\n21009,New Name,9 New St,2028-01-31")
    result = _import(app, "patrons", path)
    assert result.exit_code == 0, result.output
    assert "0 new, 1 updated" in result.output
    session.expire_all()
    assert _count(session, m.Patron) == 1
    updated = session.get(m.Patron, patron.id)
    assert (updated.name, updated.address) == ("New Name", "9 New St")
    # a column the file does not have is left as it was (a file of changes only)
    assert updated.phone == "555-0000" and updated.pin_hash == patron.pin_hash


def test_a_koha_file_s_bad_line_is_named_in_koha_s_columns(app, session, tmp_path):
    _library(session)
    _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    bad = KOHA_ISSUES.replace("2026-10-02 11:30:00", "last tuesday")
    result = _import(app, "loans", _write(tmp_path, "i.csv", bad), "--preset", "koha")
    assert result.exit_code != 0
    assert "line 3, column issuedate" in result.output and "Nothing was imported" in result.output
    assert _count(session, m.Loan) == 0


def test_evergreen_patrons_and_circulation(app, session, tmp_path):
    _library(session)
    usr = _write(tmp_path, "usr.csv", EVERGREEN_USR)
    circ = _write(tmp_path, "circ.csv", EVERGREEN_CIRCULATION)
    assert _import(app, "patrons", usr, "--preset", "evergreen").exit_code == 0
    result = _import(app, "loans", circ, "--preset", "evergreen")
    assert result.exit_code == 0, result.output
    grace = session.scalar(select(m.Patron).where(m.Patron.card_number == "22001"))
    assert grace.name == "Grace Hopper" and str(grace.card_expires_on) == "2027-03-31"
    loan = _loan(session, "3200001", "22001")
    assert loan.item_title == "Middlemarch" and loan.returned_at is None
    assert loan.checked_out_at == datetime(2026, 10, 5, 19, 0, tzinfo=UTC)  # -05 offset kept
    again = _import(app, "loans", circ, "--preset", "evergreen")
    assert "0 new, 0 updated, 1 unchanged" in again.output


def test_a_generic_mapping_file(app, session, tmp_path):
    _library(session)
    f.patron(session, card_number="23001")
    session.commit()
    mapping = _write(
        tmp_path,
        "sierra.toml",
        """
        [loans]
        card_number = "P BARCODE"
        branch_code = "LOCATION"
        item_barcode = "I BARCODE"
        item_title = "TITLE"
        checked_out_at = "OUT DATE"
        due_at = "DUE DATE"
        """,
    )
    export = _write(
        tmp_path,
        "sierra-loans.csv",
        "P BARCODE,I BARCODE,TITLE,LOCATION,OUT DATE,DUE DATE\n"
        "23001,3300001,Persuasion,HQ,2026-10-07T10:00,2026-10-28T10:00",
    )
    result = _import(app, "loans", export, "--preset", mapping)
    assert result.exit_code == 0, result.output
    assert _loan(session, "3300001", "23001").item_title == "Persuasion"
    unmapped = _import(app, "patrons", export, "--preset", mapping)
    assert unmapped.exit_code != 0 and "no mapping for patrons" in unmapped.output


def test_the_drop_folder_job_imports_good_files_and_sets_bad_ones_aside(
    app, session, tmp_path, monkeypatch
):
    _library(session)
    director = f.user(session, "director")
    session.commit()
    monkeypatch.setattr(app.config["SETTINGS"], "import_folder", tmp_path)
    _write(tmp_path, "loans-koha-2026-10-12.csv", KOHA_ISSUES)
    _write(tmp_path, "patrons-koha-2026-10-12.csv", KOHA_BORROWERS)  # taken before the loans
    bad = KOHA_ISSUES_LATER.replace("3100002,Circe,HQ", "3100002,Circe,ZZ")
    _write(tmp_path, "loans-koha-2026-10-13.csv", bad)

    jobs.run_job(app, jobs.job_named(app, "ils-sync"))

    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == [
        "loans-koha-2026-10-12.csv",
        "patrons-koha-2026-10-12.csv",
    ]
    failed = tmp_path / "failed"
    assert (failed / "loans-koha-2026-10-13.csv").exists()
    reason = (failed / "loans-koha-2026-10-13.reason.txt").read_text()
    assert "line 3, column branchcode" in reason
    assert list(tmp_path.glob("*.csv")) == []
    # the bad file changed nothing: its first line's return date is not there
    session.expire_all()
    assert _count(session, m.Loan) == 3
    assert _loan(session, "3100001").returned_at is None
    note = session.scalar(select(Notification).where(Notification.recipient_id == director.id))
    assert note.subject == "Sync with the library's system: 2 file(s) imported, 1 failed"
    assert "loans: 3 new, 0 updated, 0 unchanged" in note.body
    assert "21001" not in note.body + note.subject and "Lovelace" not in note.body


def test_files_imported_over_a_week_ago_are_deleted_from_done(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app.config["SETTINGS"], "import_folder", tmp_path)
    done = tmp_path / "done"
    done.mkdir()
    old, recent = _write(done, "loans-old.csv", "x"), _write(done, "loans-recent.csv", "x")
    eight_days_ago = (clock.now() - timedelta(days=8)).timestamp()
    os.utime(old, (eight_days_ago, eight_days_ago))
    jobs.run_job(app, jobs.job_named(app, "ils-sync"))
    assert [p.name for p in done.iterdir()] == [recent.name]


def test_export_patrons_lists_the_card_numbers_under_an_active_hold(app, session):
    branch = f.branch(session)
    other_branch = f.branch(session)
    named = f.patron(session, card_number="24001")
    by_branch = f.patron(session, card_number="24002")
    elsewhere = f.patron(session, card_number="24003")
    released = f.patron(session, card_number="24004")
    f.loan(session, by_branch, branch)
    f.loan(session, elsewhere, other_branch)
    f.hold(session, categories=("loans",), patrons=(named,))
    f.hold(session, categories=("loans",), branch_obj=branch)
    f.hold(session, categories=("loans",), patrons=(released,), released_at=f.at(2026, 1, 1))
    session.commit()
    result = app.test_cli_runner().invoke(args=["holds", "export-patrons"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [named.card_number, by_branch.card_number]
    assert elsewhere.card_number not in result.output


def test_an_import_changes_a_held_record_and_the_hold_keeps_its_prior_version(
    app, session, tmp_path
):
    _library(session)
    _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    _import(app, "loans", _write(tmp_path, "i.csv", KOHA_ISSUES), "--preset", "koha")
    ada = session.scalar(select(m.Patron).where(m.Patron.card_number == "21001"))
    f.hold(session, categories=("loans", "patrons"), patrons=(ada,))
    session.commit()
    moved = KOHA_BORROWERS.replace("1 Oak St", "8 New Rd")
    result = _import(app, "patrons", _write(tmp_path, "b2.csv", moved), "--preset", "koha")
    assert "0 new, 1 updated, 1 unchanged" in result.output
    retitled = KOHA_ISSUES_LATER.replace("3100001,Gilead", "3100001,Gilead (2nd ed.)")
    later = _import(app, "loans", _write(tmp_path, "i2.csv", retitled), "--preset", "koha")
    assert later.exit_code == 0, later.output
    session.expire_all()
    # ordinary use follows the library's system, held or not (R-hold-preserved-apart)
    assert ada.address.startswith("8 New Rd")
    gilead = _loan(session, "3100001")
    assert gilead.returned_at is not None and gilead.item_title == "Gilead (2nd ed.)"
    # the versions as they stood before are with the hold
    kept = {
        (c.kind, c.original_id): read_content(c)
        for c in session.scalars(select(PreservedRecord).where(PreservedRecord.why == "imported"))
    }
    assert kept[("patrons", ada.id)]["address"].startswith("1 Oak St")
    assert kept[("loans", gilead.id)]["item_title"] == "Gilead"
    assert kept[("loans", gilead.id)]["returned_at"] is None


def test_a_value_too_long_for_its_column_is_named_not_a_traceback(app, session, tmp_path):
    _library(session)
    path = _write(tmp_path, "ws.csv", f"code,branch_code\nPC1,HQ\n{'P' * 41},HQ")
    result = _import(app, "workstations", path)
    assert result.exit_code != 0
    assert "line 3, column code: longer than the 40 characters it may have." in result.output
    assert _count(session, m.Workstation) == 0


def test_koha_returns_close_the_open_loans_once_and_a_second_import_changes_nothing(
    app, session, tmp_path
):
    """A return whose checkout Koha anonymised at check-in reaches us only in `statistics`."""
    _library(session)
    _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    _import(app, "loans", _write(tmp_path, "i.csv", KOHA_ISSUES), "--preset", "koha")
    returns = _write(tmp_path, "loan_returns-koha-1012.csv", KOHA_STATISTICS_RETURNS)
    first = _import(app, "loan_returns", returns, "--preset", "koha")
    assert first.exit_code == 0, first.output
    assert "Imported 4 loan_returns: 0 new, 2 updated, 2 unchanged." in first.output
    session.expire_all()
    # 10:00 in the library's zone (America/Chicago, CDT in October) is 15:00 UTC
    assert _loan(session, "3100001").returned_at == datetime(2026, 10, 12, 15, 0, tzinfo=UTC)
    assert _loan(session, "3100002").returned_at == datetime(2026, 10, 12, 15, 5, tzinfo=UTC)
    # already returned on the 9th: a later return event does not move it
    beloved = _loan(session, "3100003", "21002").returned_at
    assert beloved == datetime(2026, 10, 9, 21, 0, tzinfo=UTC)
    assert _count(session, m.Loan) == 3

    again = _import(app, "loan_returns", returns, "--preset", "koha")
    assert again.exit_code == 0 and "0 new, 0 updated, 4 unchanged" in again.output


def test_a_return_closes_the_checkout_before_it_not_a_later_one(app, session, tmp_path):
    _library(session)
    _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    # Ada has Gilead out twice: the first loan's return never reached us
    twice = KOHA_ISSUES.strip() + "\n11,21001,501,3100001,Gilead,HQ,2026-10-20 10:00:00,"
    twice += "2026-11-10 23:59:00,\n"
    _import(app, "loans", _write(tmp_path, "i.csv", twice), "--preset", "koha")
    returned = KOHA_STATISTICS_RETURNS.replace("2026-10-12 10:00:00", "2026-10-25 10:00:00")
    result = _import(app, "loan_returns", _write(tmp_path, "r.csv", returned), "--preset", "koha")
    assert result.exit_code == 0, result.output
    session.expire_all()
    first, second = session.scalars(
        select(m.Loan).where(m.Loan.item_barcode == "3100001").order_by(m.Loan.checked_out_at)
    )
    assert first.returned_at is None
    assert second.returned_at == datetime(2026, 10, 25, 15, 0, tzinfo=UTC)


def test_a_statistics_row_that_is_not_a_return_is_refused_in_koha_s_words(app, session, tmp_path):
    _library(session)
    _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    _import(app, "loans", _write(tmp_path, "i.csv", KOHA_ISSUES), "--preset", "koha")
    issued = KOHA_STATISTICS_RETURNS.replace("HQ,return,502", "HQ,issue,502")
    result = _import(app, "loan_returns", _write(tmp_path, "r.csv", issued), "--preset", "koha")
    assert result.exit_code != 0
    assert "line 3, column type: “issue” is not one of return." in result.output
    session.expire_all()
    assert _loan(session, "3100001").returned_at is None


def test_a_return_closing_a_held_loan_leaves_its_open_version_with_the_hold(app, session, tmp_path):
    _library(session)
    _import(app, "patrons", _write(tmp_path, "b.csv", KOHA_BORROWERS), "--preset", "koha")
    _import(app, "loans", _write(tmp_path, "i.csv", KOHA_ISSUES), "--preset", "koha")
    ada = session.scalar(select(m.Patron).where(m.Patron.card_number == "21001"))
    f.hold(session, categories=("loans",), patrons=(ada,))
    session.commit()
    returns = _write(tmp_path, "r.csv", KOHA_STATISTICS_RETURNS)
    assert _import(app, "loan_returns", returns, "--preset", "koha").exit_code == 0
    session.expire_all()
    gilead = _loan(session, "3100001")
    assert gilead.returned_at is not None
    kept = {
        c.original_id: read_content(c)
        for c in session.scalars(select(PreservedRecord).where(PreservedRecord.why == "imported"))
    }
    assert kept[gilead.id]["returned_at"] is None
