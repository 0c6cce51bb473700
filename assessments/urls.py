from django.urls import path

from .views import checks, dashboard, evidence, feedback, plans, rectification, review, scorecards

app_name = "assessments"

urlpatterns = [
    # 对标
    path("", scorecards.index, name="index"),
    path("branch/<int:pk>/", scorecards.branch_cards, name="branch"),
    path("branch/<int:pk>/open/", scorecards.open_card, name="open"),
    path("cards/<int:pk>/", scorecards.scorecard, name="scorecard"),
    path("cards/<int:pk>/lines/<int:line_pk>/", scorecards.line_save, name="line_save"),
    path("cards/<int:pk>/lines/<int:line_pk>/seen/", scorecards.line_seen, name="line_seen"),
    path("cards/<int:pk>/lines/<int:line_pk>/evidence/", evidence.upload, name="evidence_upload"),
    path("evidence/<int:pk>/", evidence.download, name="evidence"),
    path("evidence/<int:pk>/delete/", evidence.remove, name="evidence_delete"),
    path("cards/<int:pk>/submit/", scorecards.submit, name="submit"),
    path("cards/<int:pk>/submit/check/", scorecards.submit_check, name="submit_check"),
    path("cards/<int:pk>/accept-suggestions/", scorecards.accept_suggestions, name="accept_suggestions"),
    path("cards/<int:pk>/history/", scorecards.history, name="history"),
    # 核标
    path("cards/<int:pk>/review/", review.review, name="review"),
    path("cards/<int:pk>/review/lines/<int:line_pk>/", review.review_line_save, name="review_line_save"),
    path("cards/<int:pk>/review/details/", review.details, name="review_details"),
    path("cards/<int:pk>/review/findings/", review.finding_add, name="finding_add"),
    path("cards/<int:pk>/review/findings/<int:finding_pk>/delete/", review.finding_delete, name="finding_delete"),
    path("cards/<int:pk>/return/", review.return_card, name="return"),
    path("cards/<int:pk>/reviewed/", review.mark_reviewed, name="mark_reviewed"),
    path("cards/<int:pk>/finalise/", review.finalise, name="finalise"),
    # 核标 检查记录: the record of the quarter's check and of the year-end check
    path("cards/<int:pk>/check/", checks.check_record, name="check_record"),
    path("cards/<int:pk>/year-end-check/", checks.check_record, {"kind": "year_end"}, name="year_end_check"),
    path("checks/<int:pk>/written/", checks.written_scores, name="check_written"),
    path("checks/<int:pk>/practices/", checks.practice_add, name="check_practice_add"),
    path("checks/<int:pk>/practices/<int:practice_pk>/send/", checks.practice_send, name="check_practice_send"),
    path("checks/<int:pk>/difficulties/", checks.difficulty_add, name="check_difficulty_add"),
    path("difficulties/", checks.difficulties, name="difficulties"),
    path("difficulties/<int:pk>/answer/", checks.difficulty_answer, name="difficulty_answer"),
    # 优标
    path("cards/<int:pk>/feedback.pdf", feedback.feedback_pdf, name="feedback_pdf"),
    path("cards/<int:pk>/acknowledge/", feedback.acknowledge, name="acknowledge"),
    # 优标: the dashboard and the yearly export
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export/", dashboard.export_year, name="export"),
    path("dashboard/branches/", dashboard.desk_list, name="desk_list"),
    # 核标 plans and 优标 upgrade plans
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("upgrade/<int:pk>/", plans.upgrade_detail, name="upgrade"),
    path("upgrade/<int:pk>/targets/<int:target_pk>/", plans.upgrade_target, name="upgrade_target"),
    # 整改
    path("rectification/", rectification.item_list, name="rectification_list"),
    path("rectification/<int:pk>/", rectification.item_detail, name="rectification_item"),
    path("rectification/<int:pk>/report/", rectification.item_report, name="rectification_report"),
    path("rectification/<int:pk>/assign/", rectification.item_assign, name="rectification_assign"),
    path("rectification/evidence/<int:pk>/", rectification.item_evidence, name="rectification_evidence"),
    path("rectification/<int:pk>/verify/", rectification.item_verify, name="rectification_verify"),
]
