"""Writes of the tasks app: generation, the task life cycle, ad-hoc requests and reminder
sheets. Each is called alike by the HTML views, the Celery jobs and the commands."""

from .generation import branches_for_tasks, tasks_generate
from .lifecycle import (
    task_assign,
    task_cancel,
    task_check,
    task_comment,
    task_complete,
    task_release,
    task_reply,
    task_supervise,
    tasks_complete_many,
)
from .reminders import SendResult, reminders_send
from .requests import request_send

__all__ = [
    "SendResult",
    "branches_for_tasks",
    "reminders_send",
    "request_send",
    "task_assign",
    "task_cancel",
    "task_check",
    "task_comment",
    "task_complete",
    "task_release",
    "task_reply",
    "task_supervise",
    "tasks_complete_many",
    "tasks_generate",
]
