"""Pages of workload: 我的工作台 (my desk), the landing page after login, one work item, and search."""

from django.urls import path

from . import search_views, views

app_name = "workload"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/urge/", views.item_urge, name="item_urge"),
    path("search/", search_views.search, name="search"),
]
