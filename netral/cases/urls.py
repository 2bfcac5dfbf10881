from netral.cases import (
    decision_views,
    handling_views,
    intake_views,
    outside_views,
    reported_views,
)

app_name = "cases"
urlpatterns = [
    *intake_views.urlpatterns,
    *handling_views.urlpatterns,
    *decision_views.urlpatterns,
    *reported_views.urlpatterns,
    *outside_views.urlpatterns,
]
