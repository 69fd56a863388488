"""What a staff password must be (docs/rules.md R-password): at least 12 characters, not one
character repeated or only spaces, not containing the account's username or name, not in the
list of common and breached passwords shipped in auth/data/, and not scored weak by zxcvbn.
Each refusal says why, beside the password field."""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from disclosure.errors import DomainError

MIN_LENGTH = 12
# zxcvbn's scores run 0-4; 3 means about 10^10 guesses, beyond an online attacker held by the
# sign-in limits and costly offline against argon2id (auth/passwords.py).
MIN_SCORE = 3
# zxcvbn refuses longer input; a longer password is at least as strong as its first 72 characters.
SCORED_LENGTH = 72
# Name words shorter than this ("Ann", "Lee") occur inside too many ordinary words to refuse.
NAME_WORD_MIN = 4
# 437,651 passwords from leaked and common-password lists (see auth/data/README.md).
COMMON_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased, keeping only entries long enough to be chosen at all."""
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8", errors="replace") as lines:
        return frozenset(word for line in lines if len(word := line.strip().lower()) >= MIN_LENGTH)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _personal_words(username: str, full_name: str) -> list[str]:
    words = [_letters(username), _letters(full_name)]
    words += [_letters(word) for word in re.split(r"[\s.\-_']+", full_name)]
    return [word for word in words if len(word) >= NAME_WORD_MIN]


def check_password(password: str, *, username: str = "", full_name: str = "") -> None:
    """Refuse a password a person or a guessing program would find, saying why (a DomainError
    on the 'password' field; callers with another field name re-raise it there)."""
    if len(password) < MIN_LENGTH:
        raise DomainError(f"Use a password of at least {MIN_LENGTH} characters.", field="password")
    if not password.strip() or len(set(password.strip())) == 1:
        raise DomainError(
            "A password must not be only spaces or one character repeated.", field="password"
        )
    flat = _letters(password)
    if any(word in flat for word in _personal_words(username, full_name)):
        raise DomainError(
            "A password must not contain the account's username or name.", field="password"
        )
    if password.strip().lower() in common_passwords():
        raise DomainError(
            "That password is in a list of common and leaked passwords that attackers try "
            "first. Choose another.",
            field="password",
        )
    _check_strength(password, username, full_name)


def _check_strength(password: str, username: str, full_name: str) -> None:
    # Imported at the first password checked, not at start-up: zxcvbn's word lists hold about
    # 12 MB that the scheduler, the command line and most requests never use.
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=[username, *full_name.split()])
    if result["score"] >= MIN_SCORE:
        return
    feedback = result["feedback"]
    why = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
    raise DomainError(
        f"That password is too easy to guess. {why or 'Add another word or two.'}".strip(),
        field="password",
    )
