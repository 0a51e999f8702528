"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from utilitycrm import create_app

app = create_app()
