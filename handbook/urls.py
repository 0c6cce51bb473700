from django.urls import path

from .views import exchange, learning, proposals, reading, revising

app_name = "handbook"

urlpatterns = [
    # 定标: reading
    path("", reading.index, name="index"),
    path("editions/", reading.edition_list, name="editions"),
    path("editions/<int:pk>/", reading.edition_detail, name="edition"),
    path("editions/<int:pk>/pdf/", reading.edition_pdf, name="edition_pdf"),
    path("articles/<int:pk>/", reading.article_detail, name="article"),
    path("articles/<int:pk>/fill-in.xlsx", reading.article_fill_in, name="article_fill_in"),
    path("editions/<int:pk>/export/<str:fmt>/", exchange.edition_export, name="edition_export"),
    path("editions/import/", exchange.edition_upload, name="edition_import"),
    # 优标: revising (administrators)
    path("editions/new-draft/", revising.draft_start, name="draft_start"),
    path("editions/<int:pk>/diff/", revising.edition_diff, name="edition_diff"),
    path("editions/<int:pk>/publish/", revising.edition_publish, name="edition_publish"),
    path("editions/<int:pk>/discard/", revising.edition_discard, name="edition_discard"),
    path("editions/<int:pk>/articles/new/", revising.article_create, name="article_create"),
    path("articles/<int:pk>/edit/", revising.article_edit, name="article_edit"),
    path("articles/<int:pk>/retire/", revising.article_retire, name="article_retire"),
    # 优标: proposals
    path("articles/<int:pk>/propose/", proposals.propose, name="propose"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new-article/", proposals.propose_new, name="propose_new"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/accept/", proposals.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", proposals.proposal_decline, name="proposal_decline"),
    # 明标: learning
    path("study/", learning.study_list, name="study_list"),
    path("study/new/", learning.study_create, name="study_create"),
    path("study/<int:pk>/", learning.study_detail, name="study"),
    path("training/", learning.training_list, name="training_list"),
    path("training/new/", learning.training_create, name="training_create"),
    path("training/<int:pk>/", learning.training_detail, name="training"),
    path("training/<int:pk>/attendance/", learning.training_attendance, name="training_attendance"),
    path("demonstrations/", learning.demonstration_list, name="demonstrations"),
    path("demonstrations/<int:pk>/", learning.demonstration_edit, name="demonstration_edit"),
]
