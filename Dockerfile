# The production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production VAR_DIR=/data

# Pango, HarfBuzz and a CJK font for the PDFs (WeasyPrint); gettext is not needed: the
# compiled catalogues are in the repository.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs a key only to import the settings; the real one comes at run time.
RUN DJANGO_SECRET_KEY=build-only-key-build-only-key-build-only-key-0000000 python manage.py collectstatic --noinput \
 && useradd --system --home /app partybranch && mkdir -p /data && chown partybranch /data
USER partybranch
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
