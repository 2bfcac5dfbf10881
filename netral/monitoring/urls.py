from netral.monitoring import views

app_name = "monitoring"
urlpatterns = [*views.urlpatterns]
