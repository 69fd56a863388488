"""The documents area: the Director's letters and certificates, the annual report, the desk card,
the receipt PDF."""

DIRECTOR = {"director"}

TABLE = {
    "documents.case_documents": DIRECTOR,
    "documents.letter_new": DIRECTOR,
    "documents.letter_edit": DIRECTOR,
    "documents.letter_preview": DIRECTOR,
    "documents.letter_finalize": DIRECTOR,
    "documents.letter_final_pdf": DIRECTOR,
    "documents.letter_delete": DIRECTOR,
    "documents.download": DIRECTOR,
    "documents.certificate": DIRECTOR,
}
TABLE["documents.annual_report"] = DIRECTOR
TABLE["documents.desk_card"] = {"staff", "supervisor", "director"}
TABLE["documents.receipt_pdf"] = {"staff", "supervisor", "director"}
