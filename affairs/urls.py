"""Pages of affairs: matters, receptions, work plans (routed at /affairs/).

The work-item ledger links to ``matter_detail`` and ``arrangement_detail`` (see ``AffairsConfig.ready``).
"""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "affairs"
urlpatterns = [
    # /affairs/ itself: the matter list, the section's first page in the navigation.
    path("", RedirectView.as_view(pattern_name="affairs:matter_list"), name="index"),
    # Matters (交办/督办事项)
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/new/", views.matter_create, name="matter_create"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/progress/", views.matter_progress, name="matter_progress"),
    path("matters/<int:pk>/transfer/", views.matter_transfer, name="matter_transfer"),
    path("matters/<int:pk>/complete/", views.matter_complete, name="matter_complete"),
    path("matters/<int:pk>/confirm/", views.matter_confirm, name="matter_confirm"),
    path("matters/<int:pk>/cancel/", views.matter_cancel, name="matter_cancel"),
    path("matters/attachments/<int:pk>/", views.matter_attachment, name="matter_attachment"),
    # Receptions (接待)
    path("receptions/", views.reception_list, name="reception_list"),
    path("receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
    path("receptions/<int:pk>/print/", views.reception_print, name="reception_print"),
    path("receptions/<int:pk>/status/", views.reception_status, name="reception_status"),
    path("receptions/<int:pk>/arrangements/", views.arrangement_add, name="arrangement_add"),
    path("arrangements/<int:pk>/", views.arrangement_detail, name="arrangement_detail"),
    path("arrangements/<int:pk>/arranged/", views.arrangement_arranged, name="arrangement_arranged"),
    # Work plans (工作计划/预案)
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/items/", views.plan_item_add, name="plan_item_add"),
    path("plan-items/<int:pk>/to-matter/", views.plan_item_to_matter, name="plan_item_to_matter"),
]
