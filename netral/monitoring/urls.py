from netral.monitoring import reminder_views, report_views, views

app_name = "monitoring"
urlpatterns = [*views.urlpatterns, *reminder_views.urlpatterns, *report_views.urlpatterns]
