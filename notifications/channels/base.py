from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Delivery


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def sender_for(channel: str) -> Callable[["Delivery"], None]:
    from . import email, robots, sms

    senders: dict[str, Callable[[Delivery], None]] = {
        "in_app": lambda delivery: None,
        "email": email.send,
        "sms": sms.send,
        "wecom": robots.send_wecom,
        "dingtalk": robots.send_dingtalk,
    }
    return senders[channel]
