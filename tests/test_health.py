import pytest
from django.test import Client
from django.urls import reverse


def test_healthz_answers_ok_with_the_inline_broker(db: None, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "inline"}


def test_healthz_is_503_when_the_broker_does_not_answer(db: None, settings) -> None:
    from config.celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = Client().get(reverse("healthz"))
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")


def test_healthz_is_503_when_the_database_cannot_be_reached() -> None:
    # No `db` fixture: pytest-django refuses every query, as a dead database would.
    response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.mark.celery_worker
def test_healthz_sees_the_real_broker(db: None) -> None:
    response = Client().get(reverse("healthz"))
    assert response.json() == {"database": "ok", "broker": "ok"}
