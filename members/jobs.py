"""Celery jobs of the members app: thin wrappers that take an id and call a service."""

from celery import shared_task


@shared_task(ignore_result=True)
def validate_import(import_id: int) -> None:
    from .imports import import_validate

    import_validate(import_id=import_id)


@shared_task(ignore_result=True)
def commit_import(import_id: int) -> None:
    from .imports import import_commit

    import_commit(import_id=import_id)


@shared_task(ignore_result=True)
def purge_import_files() -> int:
    from .retention import purge_import_files as purge

    return purge()
