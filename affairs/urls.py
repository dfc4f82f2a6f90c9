"""Pages of affairs: matters, receptions, work plans."""

app_name = "affairs"
urlpatterns: list = []
