"""E-mail: the message's text and HTML, Chinese, through Django's configured backend."""

from django.core.mail import EmailMultiAlternatives

from .base import DeliveryError


def send(delivery) -> None:
    message = delivery.message
    if not delivery.address:
        raise DeliveryError("no e-mail address", permanent=True)
    mail = EmailMultiAlternatives(subject=message.title, body=message.text, to=[delivery.address])
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    try:
        mail.send()
    except OSError as exc:  # SMTP errors are OSErrors (smtplib.SMTPException, socket errors)
        raise DeliveryError(f"e-mail not sent: {exc}") from exc
