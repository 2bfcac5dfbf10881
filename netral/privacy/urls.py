from django.urls import path

from netral.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privasi/", views.notice_view, name="notice"),
    path("privasi/pejabat/", views.privacy_officer_view, name="officer"),
    path("privasi/permintaan/", views.request_list_view, name="requests"),
    path("privasi/permintaan/<str:code>/", views.request_view, name="request"),
    path("privasi/permintaan/<str:code>/ekspor/", views.request_export_view, name="request_export"),
]
