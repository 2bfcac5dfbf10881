from netral.monitoring import (
    employee_views,
    export_views,
    public_views,
    reminder_views,
    report_views,
    views,
)

app_name = "monitoring"
urlpatterns = [
    *views.urlpatterns,
    *public_views.urlpatterns,
    *reminder_views.urlpatterns,
    *report_views.urlpatterns,
    *employee_views.urlpatterns,
    *export_views.urlpatterns,
]
