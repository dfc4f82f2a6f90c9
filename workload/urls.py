"""Pages of workload: 我的工作台 (my desk), the landing page after login, one work item, search, and
the workload dashboards (统计)."""

from django.urls import path

from . import dashboard_views, search_views, views

app_name = "workload"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/urge/", views.item_urge, name="item_urge"),
    path("search/", search_views.search, name="search"),
    path("dashboard/", dashboard_views.organization, name="dashboard"),
    path("dashboard/department/<int:pk>/", dashboard_views.department, name="dashboard_department"),
    path(
        "dashboard/department/<int:pk>/report.pdf",
        dashboard_views.department_report,
        name="dashboard_department_report",
    ),
    path("dashboard/items/", dashboard_views.items, name="dashboard_items"),
    path("dashboard/processes/", dashboard_views.processes, name="dashboard_processes"),
]
