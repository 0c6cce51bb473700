"""Message texts from templates, so that the committee's office can reword them.

For an event ``e``: ``notifications/e.title.txt`` (the subject: short), ``e.txt`` (the text:
in-app, e-mail, text message), ``e.md`` (the group robots' markdown) and, if present,
``e.html`` (the e-mail's HTML; ``email/wrapper.html`` wraps the text otherwise). Every template
gets the sender's context plus ``branch`` (the organisation's name) and ``link`` (absolute).
Texts are made in the interface's default language (Chinese), whoever triggered them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Rendered:
    title: str
    text: str
    markdown: str
    html: str


def _plain(name: str, context: dict) -> str:
    # Plain text and markdown are not HTML: nothing is escaped.
    template = get_template(name).template
    return template.render(Context(context, autoescape=False)).strip()


def render(event: str, context: dict) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE):
        title = " ".join(_plain(f"notifications/{event}.title.txt", context).split())[:200]
        text = _plain(f"notifications/{event}.txt", context)
        markdown = _plain(f"notifications/{event}.md", context)
        full = {**context, "title": title, "text": text}
        try:
            html = render_to_string(f"notifications/{event}.html", full)
        except TemplateDoesNotExist:
            html = render_to_string("notifications/email/wrapper.html", full)
    return Rendered(title=title, text=text, markdown=markdown, html=html)
