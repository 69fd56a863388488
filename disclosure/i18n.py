"""The patron portal's languages (Flask-Babel). English is the portal's own; each other language
is a catalogue, `<code>/LC_MESSAGES/messages.mo`, in disclosure/translations/ (Spanish ships
with the app) or in the library's own folder (DISCLOSURE_TRANSLATIONS_FOLDER), so a library
adds a language by dropping a compiled catalogue there (README, "Languages").

Staff pages stay in English: a Director's case file and its letters are in the library's own
language. A patron's choice is kept on their card (Patron.language) so that what is made for
them later, away from any request (their report's PDF, their e-mails), follows it too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import Locale
from flask import current_app, has_app_context, has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale
from flask_login import current_user

ENGLISH = "en"
PACKAGE_CATALOGUES = Path(__file__).parent / "translations"
# The session key an anonymous visitor's choice is kept under until they sign in.
SESSION_KEY = "language"


def N_(words: str) -> str:  # noqa: N802 (the name translation tools look for)
    """Mark `words` for the catalogues, left as they are: shown translated where shown."""
    return words


def init_app(app, library_folder: Path | None) -> None:
    """Connect Flask-Babel: catalogues from the package, then the library's own folder."""
    folders = [PACKAGE_CATALOGUES] + ([Path(library_folder)] if library_folder else [])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(f) for f in folders)
    app.config["BABEL_DEFAULT_LOCALE"] = ENGLISH
    app.config["LANGUAGES"] = _languages(folders)
    Babel(app, locale_selector=_chosen)
    app.jinja_env.globals.update(languages=lambda: current_app.config["LANGUAGES"])
    app.jinja_env.globals.update(language=current)


def _languages(folders: list[Path]) -> dict[str, str]:
    """Code -> the language's own name, English first, then every compiled catalogue found."""
    found = {ENGLISH: "English"}
    for folder in folders:
        for catalogue in sorted(folder.glob("*/LC_MESSAGES/messages.mo")):
            code = catalogue.parent.parent.name
            try:
                found.setdefault(code, Locale.parse(code).get_display_name(code).capitalize())
            except (ValueError, LookupError):
                continue  # a folder not named after a language
    return found


def current() -> str:
    """The language of what is being made now (a page, a PDF, an e-mail)."""
    return str(get_locale() or ENGLISH) if has_app_context() else ENGLISH


def known(code: str | None) -> str | None:
    """`code` when the app has that language, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def _chosen() -> str:
    """A patron's language (their card's, else the one chosen before signing in, else their
    browser's); always English for staff."""
    if not has_request_context():
        return ENGLISH
    if getattr(current_user, "kind", None) == "staff":
        return ENGLISH
    if getattr(current_user, "kind", None) != "patron" and request.blueprint != "patrons":
        return ENGLISH  # a visitor's browser language applies to the portal's pages only
    return (
        known(getattr(current_user, "language", None))
        or known(session.get(SESSION_KEY))
        or request.accept_languages.best_match(list(current_app.config["LANGUAGES"]))
        or ENGLISH
    )


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Make what follows (a PDF, an e-mail) in `code`, or in English when the app lacks it."""
    with force_locale(known(code) or ENGLISH):
        yield
