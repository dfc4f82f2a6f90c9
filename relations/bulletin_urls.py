"""Pages of leader bulletins (信息通报), under /relations/bulletins/."""

from django.urls import path

from . import bulletin_views

app_name = "bulletins"
urlpatterns = [
    path("", bulletin_views.bulletin_list, name="list"),
    path("new/", bulletin_views.bulletin_create, name="create"),
    path("<int:pk>/", bulletin_views.bulletin_detail, name="detail"),
    path("<int:pk>/read/", bulletin_views.bulletin_read, name="read"),
    path("<int:pk>/reply/", bulletin_views.bulletin_reply, name="reply"),
]
