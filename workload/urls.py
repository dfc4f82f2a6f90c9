"""Pages of workload."""

app_name = "workload"
urlpatterns: list = []
