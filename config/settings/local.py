"""The default for ``make run``: a developer's or a small office's own machine."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
