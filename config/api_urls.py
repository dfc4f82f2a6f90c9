"""REST API v1 routes (API.md)."""

urlpatterns: list = []
