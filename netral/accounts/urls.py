from django.urls import path

from netral.accounts import job_views, views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("masuk/kode/", views.login_code_view, name="login_code"),
    path("keluar/", views.logout_view, name="logout"),
    path("akun/dua-faktor/", views.totp_enrol_view, name="totp_enrol"),
    path("akun/kode-pemulihan/", views.recovery_codes_view, name="recovery_codes"),
    path(
        "akun/kode-pemulihan/disimpan/",
        views.recovery_codes_saved_view,
        name="recovery_codes_saved",
    ),
    path("peran/", views.membership_switch_view, name="membership_switch"),
    path("tugas/<str:code>/", job_views.job_view, name="job"),
    path("tugas/<str:code>/status/", job_views.job_status_view, name="job_status"),
    path("tugas/<str:code>/unduh/", job_views.job_download_view, name="job_download"),
]
