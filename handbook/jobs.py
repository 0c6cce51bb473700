"""Celery jobs of the handbook (thin: each calls a service)."""

from celery import shared_task


@shared_task(ignore_result=True)
def make_edition_pdf(edition_id: int, language: str) -> None:
    from .printing import make_edition_pdf as make

    make(edition_id=edition_id, language=language)
