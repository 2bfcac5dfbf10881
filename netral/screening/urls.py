from netral.screening import batch_views, claims_views, poses_views, selfcheck_views

app_name = "screening"
urlpatterns = [
    *selfcheck_views.urlpatterns,
    *batch_views.urlpatterns,
    *poses_views.urlpatterns,
    *claims_views.urlpatterns,
]
