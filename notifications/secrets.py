"""Robot webhook addresses and secrets, encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY: a copy of the
database alone does not give the addresses away. Changing SECRET_KEY makes the stored
robots unreadable: they then fail with a message saying to enter them again.
"""

import base64
import hashlib
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class UnreadableSecret(Exception):
    pass


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"notifications.robot:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise UnreadableSecret("the stored address cannot be read (was SECRET_KEY changed?)") from exc


def hint(url: str) -> str:
    """What may be shown of a webhook address: its host and its last four characters."""
    host = urlsplit(url).netloc
    return f"{host}/…{url[-4:]}" if len(url) > 12 else "…"
