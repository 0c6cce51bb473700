"""A period of work in words on a page (2026年11月), never its stored key (2026-11)."""

from django import template

from ..periods import period_key_label as _period_key_label

register = template.Library()


@register.filter
def period_key_label(value: object) -> str:
    return _period_key_label(value)
