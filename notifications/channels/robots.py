"""WeCom (企业微信) and DingTalk (钉钉) group robots: a JSON POST to the robot's webhook.

- WeCom: ``{"msgtype": "markdown", "markdown": {"content": …}}`` (at most 4096 bytes).
- DingTalk: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; in signed mode
  (加签) the address carries ``timestamp`` (milliseconds) and ``sign``: the HMAC-SHA256 of
  ``"{timestamp}\\n{secret}"`` keyed with the secret, base64, URL-encoded.
Both answer ``{"errcode": 0, "errmsg": "ok"}`` when the message is taken.

Only hosts in NOTIFY_WEBHOOK_HOSTS are called, so a robot's address cannot be turned
against the server's own network.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus, urlsplit

from django.conf import settings

from ..secrets import UnreadableSecret, decrypt
from .base import DeliveryError

TIMEOUT_SECONDS = 10
WECOM_MAX_BYTES = 4096


def allowed_host(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in settings.NOTIFY_WEBHOOK_HOSTS


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def _post(url: str, payload: dict) -> None:
    if not allowed_host(url):
        raise DeliveryError("the robot's host is not in NOTIFY_WEBHOOK_HOSTS", permanent=True)
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) to an allowed host only (checked above)
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - host checked
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} from the robot") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"robot unreachable: {getattr(exc, 'reason', exc)}") from exc
    try:
        data = json.loads(answer or b"{}")
    except ValueError as exc:
        raise DeliveryError("the robot's answer is not JSON") from exc
    if not isinstance(data, dict) or data.get("errcode", 0) != 0:
        errmsg = str(data.get("errmsg", "")) if isinstance(data, dict) else ""
        errcode = data.get("errcode") if isinstance(data, dict) else "?"
        raise DeliveryError(f"the robot refused it: errcode {errcode} {errmsg}"[:300])


def _address(delivery) -> tuple[str, str]:
    robot = delivery.robot
    try:
        return decrypt(robot.url_encrypted), decrypt(robot.secret_encrypted)
    except UnreadableSecret as exc:
        raise DeliveryError(str(exc), permanent=True) from exc


def _markdown(delivery) -> str:
    message = delivery.message
    return message.markdown or f"**{message.title}**\n\n{message.text}"


def send_wecom(delivery) -> None:
    url, _secret = _address(delivery)
    content = _markdown(delivery).encode()[:WECOM_MAX_BYTES].decode(errors="ignore")
    _post(url, {"msgtype": "markdown", "markdown": {"content": content}})


def send_dingtalk(delivery) -> None:
    url, secret = _address(delivery)
    payload = {"msgtype": "markdown", "markdown": {"title": delivery.message.title, "text": _markdown(delivery)}}
    _post(signed_url(url, secret), payload)
