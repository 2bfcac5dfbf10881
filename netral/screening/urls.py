from netral.screening import batch_views, poses_views, selfcheck_views

app_name = "screening"
urlpatterns = [
    *selfcheck_views.urlpatterns,
    *batch_views.urlpatterns,
    *poses_views.urlpatterns,
]
