"""Celery jobs of the members app: thin wrappers that take an id and call a service."""

from celery import shared_task

from config.jobs import IDEMPOTENT


@shared_task(ignore_result=True, **IDEMPOTENT)
def validate_import(import_id: int) -> None:
    from .imports import import_validate
    from .notices import import_outcome

    import_validate(import_id=import_id)
    import_outcome(import_id=import_id)


@shared_task(ignore_result=True, **IDEMPOTENT)
def commit_import(import_id: int) -> None:
    from .imports import import_commit
    from .notices import import_outcome

    import_commit(import_id=import_id)
    import_outcome(import_id=import_id)


@shared_task(**IDEMPOTENT)
def sweep_imports() -> dict[str, int]:
    """Sends again the imports left waiting, takes back those whose worker died."""
    from .imports import imports_sweep

    return imports_sweep()


@shared_task(ignore_result=True, **IDEMPOTENT)
def purge_import_files() -> int:
    from .retention import purge_import_files as purge

    return purge()
