"""How create_app joins the areas: each app holds its own list of jobs, panels and hook answers,
read by the scheduler and `disclosure run-job` alike; mistakes in the wiring stop the app at
start."""

from __future__ import annotations

import pytest
from flask import Flask

from disclosure import areas, jobs
from disclosure.areas import Area, Hook, Job, Panel
from tests.conftest import make_app


def _job(job_id: str) -> Job:
    return Job(job_id, "interval", {"minutes": 1}, lambda session: "done")


def test_the_scheduler_and_run_job_read_the_one_list_of_jobs_of_each_app():
    app = make_app("sqlite://")
    scheduled = {job.id for job in jobs.build_scheduler(app, blocking=False).get_jobs()}
    assert scheduled == set(areas.of(app).jobs)
    assert scheduled >= {
        "send-email",
        "purge",
        "hold-expiry",
        "reminders",
        "case-reminders",
        "gag-expiry",
        "drop-expired-patron-reports",
    }
    result = app.test_cli_runner().invoke(args=["run-job", "no-such-job"])
    assert "no job no-such-job; jobs: send-email," in result.output


def test_a_second_app_in_the_process_adds_nothing_to_the_first():
    first = make_app("sqlite://")
    before = {role: len(panels) for role, panels in areas.of(first).panels.items()}
    make_app("sqlite://")
    assert {role: len(panels) for role, panels in areas.of(first).panels.items()} == before
    assert [p.template for p in areas.of(first).panels["director"]] == [
        "cases/_home_director.html",
        "holds/_home_panel.html",
        "retention/_home_panel.html",
        "patrons/_home_desk.html",
        "breaches/_home_panel.html",
        "documents/_home_deadlines.html",
        "documents/_home_chart.html",
    ]


def test_a_job_named_twice_stops_the_app():
    with pytest.raises(ValueError, match="job nightly is given twice"):
        areas.connect(
            Flask(__name__),
            [Area("one", jobs=(_job("nightly"),)), Area("two", jobs=(_job("nightly"),))],
        )


def test_a_hook_that_takes_one_answer_refuses_a_second():
    question = Hook("test.question")
    with pytest.raises(ValueError, match="takes one answer; two gives a second"):
        areas.connect(
            Flask(__name__),
            [Area("one", hooks={question: lambda: 1}), Area("two", hooks={question: lambda: 2})],
        )


def test_an_unanswered_hook_is_an_error_unless_it_has_a_default():
    app = Flask(__name__)
    areas.connect(app, [Area("one", panels=(Panel("director", "x.html"),))])
    with app.app_context():
        with pytest.raises(LookupError, match="no area of this app answers"):
            Hook("test.must_be_answered").answer()
        assert Hook("test.optional", default=lambda: "default").answer()() == "default"
        assert Hook("test.event", many=True).answers() == []


def test_every_area_hears_an_event_in_the_order_the_app_lists_them():
    event, heard = Hook("test.event", many=True), []
    app = Flask(__name__)
    areas.connect(
        app,
        [
            Area("lower", hooks={event: lambda: heard.append("lower")}),
            Area("upper", hooks={event: lambda: heard.append("upper")}),
        ],
    )
    with app.app_context():
        for answer in event.answers():
            answer()
    assert heard == ["lower", "upper"]
