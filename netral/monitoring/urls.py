from netral.monitoring import employee_views, export_views, reminder_views, report_views, views

app_name = "monitoring"
urlpatterns = [
    *views.urlpatterns,
    *reminder_views.urlpatterns,
    *report_views.urlpatterns,
    *employee_views.urlpatterns,
    *export_views.urlpatterns,
]
