"""What to do at the desk, per kind of request: THE ONE SOURCE for the intake page and the
printable desk card (documents/desk.py), so the two can never disagree.

The words follow the library's procedure (docs/rules.md, "Requests and cases" and "Gag
orders"): no library employee but the Director gives out anything from a patron's record; it is
lawful to refer an officer to the Director even when the Director is not there; a search
warrant is executed without interference; a FISA order or an NSL carries a gag order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from disclosure.auth import service as auth
from disclosure.cases.models import GAGGED_KINDS, CaseKind

REFER = (
    "Tell the officer: “The Director answers all requests for library records. I have passed this "
    "on to the Director now.” It is lawful to refer you to the Director even if the Director is "
    "not here."
)
RELEASE_NOTHING = "Do not give out, confirm or show any patron information yourself."


@dataclass(frozen=True)
class DeskGuidance:
    """The plain-words steps for one kind of request."""

    kind: str  # a CaseKind value, or a patron-side kind handled at the patron desk
    title: str  # what the officer (or patron) presents, as the radio button says it
    steps: tuple[str, ...]
    call_director_now: bool = False
    tell_no_one: bool = False  # a gag order applies from the moment the paper is presented
    is_case: bool = True  # False: not a law-enforcement request; handled as a patron request
    refer_to: str | None = None  # endpoint of the page that handles it, when not a case

    @property
    def gagged(self) -> bool:
        return self.is_case and CaseKind(self.kind) in GAGGED_KINDS


GUIDANCE: tuple[DeskGuidance, ...] = (
    DeskGuidance(
        CaseKind.SEARCH_WARRANT.value,
        "A search warrant",
        (
            "Stand back and let the officers execute the warrant. Do not interfere with the "
            "search or seizure.",
            "Ask for a copy of the warrant.",
            "Call the Director now (the number is on this page).",
            RELEASE_NOTHING,
            "Then log it here: when it was executed, what was searched, what was seized.",
        ),
        call_director_now=True,
    ),
    DeskGuidance(
        CaseKind.FISA_ORDER.value,
        "A FISA order (USA PATRIOT Act section 215 order)",
        (
            "Call the Director now (the number is on this page).",
            "Tell no one about this order except your supervisor and the library's counsel. A gag "
            "order applies.",
            RELEASE_NOTHING,
            "Log it here. After you send it you will see only a receipt.",
        ),
        call_director_now=True,
        tell_no_one=True,
    ),
    DeskGuidance(
        CaseKind.NSL.value,
        "A National Security Letter (NSL)",
        (
            "Call the Director now (the number is on this page).",
            "Tell no one about this letter except your supervisor and the library's counsel. A "
            "nondisclosure order applies.",
            RELEASE_NOTHING,
            "Log it here. After you send it you will see only a receipt.",
        ),
        call_director_now=True,
        tell_no_one=True,
    ),
    DeskGuidance(
        CaseKind.EXIGENT.value,
        "An emergency request (no paper: danger of death, injury or serious damage)",
        (
            "Call the Director now (the number is on this page). Only the Director, on counsel's "
            "advice, may answer an emergency request.",
            RELEASE_NOTHING,
            "Log it here: what the officer asks for and the emergency they describe (who is in "
            "danger, and how).",
        ),
        call_director_now=True,
    ),
    DeskGuidance(
        CaseKind.SUBPOENA.value,
        "A subpoena",
        (
            REFER,
            RELEASE_NOTHING,
            "Log it here and attach a scan of the subpoena. Note its return date.",
        ),
    ),
    DeskGuidance(
        CaseKind.COURT_ORDER.value,
        "A court order",
        (REFER, RELEASE_NOTHING, "Log it here and attach a scan of the order."),
    ),
    DeskGuidance(
        CaseKind.PRESERVATION.value,
        "A request to preserve records (keep them, pending a court order)",
        (
            REFER,
            "Do not delete or change anything yourself. The Director places the hold.",
            "Log it here with the records, patrons, computers and dates named.",
        ),
    ),
    DeskGuidance(
        CaseKind.INFORMAL.value,
        "A request with no paper (a question, a phone call, an e-mail)",
        (REFER, RELEASE_NOTHING, "Log it here: who asked, and what they asked for."),
    ),
    DeskGuidance(
        "patron_self",
        "A patron asking for their own records",
        (
            "This is not a law-enforcement request. Staff may answer it; the Director is not "
            "needed.",
            "Ask for the request in writing and check photo ID. Note the kind of ID, never its "
            "number.",
        ),
        is_case=False,
        refer_to="patrons.desk_queue",
    ),
    DeskGuidance(
        "guardian",
        "A parent or guardian asking for a minor's records",
        (
            "This is not a law-enforcement request. Staff may answer it.",
            "Check photo ID and proof of guardianship before anything is released.",
        ),
        is_case=False,
        refer_to="patrons.desk_queue",
    ),
    DeskGuidance(
        "consent",
        "Someone bringing a patron's signed consent to release records",
        (
            "Check the signed consent. Release only what the consent covers.",
            "Use the patron requests page; the Director is not needed.",
        ),
        is_case=False,
        refer_to="patrons.desk_queue",
    ),
)

_BY_KIND = {g.kind: g for g in GUIDANCE}
KIND_TITLES = {g.kind: g.title for g in GUIDANCE}
# Short names for lists and notifications (no article, no explanation).
KIND_LABELS = {
    CaseKind.INFORMAL.value: "Informal request",
    CaseKind.SUBPOENA.value: "Subpoena",
    CaseKind.SEARCH_WARRANT.value: "Search warrant",
    CaseKind.COURT_ORDER.value: "Court order",
    CaseKind.FISA_ORDER.value: "FISA order",
    CaseKind.NSL.value: "National Security Letter",
    CaseKind.PRESERVATION.value: "Preservation request",
    CaseKind.EXIGENT.value: "Emergency (exigent) request",
}


def guidance_for(kind: str) -> DeskGuidance | None:
    """The desk guidance for `kind`, or None for an unknown kind."""
    return _BY_KIND.get(kind)


def kind_label(kind: str) -> str:
    """'Subpoena', 'Search warrant', ... for a CaseKind value."""
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class DirectorContact:
    """Whom to call now: a name, whether acting, and a phone number from their account."""

    name: str
    acting: bool
    phone: str | None


def directors_to_call(session: Session) -> list[DirectorContact]:
    """The Director(s) and any acting Director in force now, with the phone numbers on their
    accounts."""
    return [
        DirectorContact(user.full_name, user.role != "director", user.phone)
        for user in auth.directors_now(session)
    ]
