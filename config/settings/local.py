"""The default for ``make run``: a developer's or a small office's own machine."""

from config.env import env_bool, env_list

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)

# The demo's robot posts to a local listener (README: "Notifications").
NOTIFY_WEBHOOK_HOSTS = env_list("NOTIFY_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com", "127.0.0.1"])
