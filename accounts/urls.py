"""Pages of accounts: sign-in and password, the profile, the people directory and its search.

``reverse("login")`` (Django's LOGIN_URL) is the same sign-in view, named at the top level in
``config/urls.py``.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only: a link or an image cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("profile/", views.profile, name="profile"),
    path("people/", views.people, name="people"),
    path("people/search/", views.people_search_view, name="people_search"),
    path("<int:pk>/", views.person, name="person"),
]
