"""Pages of public feedback (群众意见), under /relations/feedback/ (the relations namespace)."""

from django.urls import path

from . import feedback_views

urlpatterns = [
    path("", feedback_views.feedback_list, name="feedback_list"),
    path("export.xlsx", feedback_views.feedback_export_xlsx, name="feedback_export_xlsx"),
    path("export.csv", feedback_views.feedback_export_csv, name="feedback_export_csv"),
    path("new/", feedback_views.feedback_create, name="feedback_create"),
    path("<int:pk>/", feedback_views.feedback_detail, name="feedback_detail"),
    path("<int:pk>/route/", feedback_views.feedback_route, name="feedback_route"),
    path("<int:pk>/reply/", feedback_views.feedback_reply, name="feedback_reply"),
    path("<int:pk>/close/", feedback_views.feedback_close, name="feedback_close"),
    path("<int:pk>/send-back/", feedback_views.feedback_send_back, name="feedback_send_back"),
]
