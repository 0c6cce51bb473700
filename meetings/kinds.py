"""The kinds of organisational life the handbook prescribes, and the article each is kept under.

``ARTICLE_OF_KIND`` is the one place that says which handbook article a meeting of a kind
answers: recording the meeting completes (or links) that article's task of the period."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    COMMITTEE = "committee", _("Branch committee meeting")  # 支委会
    GENERAL = "general", _("General meeting of the branch's members")  # 支部党员大会
    GROUP = "group", _("Party group meeting")  # 党小组会
    LECTURE = "lecture", _("Party lecture")  # 党课
    THEME_DAY = "theme_day", _("Theme Party day")  # 主题党日
    ORG_LIFE = "org_life", _("Organisational life meeting")  # 组织生活会
    APPRAISAL = "appraisal", _("Democratic appraisal of members")  # 民主评议党员
    TALK = "talk", _("Heart-to-heart talk")  # 谈心谈话


# kind → the code of the handbook article (default edition) whose task the meeting answers.
ARTICLE_OF_KIND: dict[str, str] = {
    MeetingKind.COMMITTEE: "1-01",  # 三会一课
    MeetingKind.GENERAL: "1-01",
    MeetingKind.GROUP: "1-01",
    MeetingKind.LECTURE: "1-01",
    MeetingKind.THEME_DAY: "2-01",  # 月度主题党日活动
    MeetingKind.ORG_LIFE: "1-02",  # 组织生活会制度
    MeetingKind.APPRAISAL: "1-03",  # 民主评议党员制度
    MeetingKind.TALK: "1-04",  # 谈心谈话制度
}
