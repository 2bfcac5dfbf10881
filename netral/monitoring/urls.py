from netral.monitoring import reminder_views, views

app_name = "monitoring"
urlpatterns = [*views.urlpatterns, *reminder_views.urlpatterns]
