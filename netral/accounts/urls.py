from django.urls import path

from netral.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("masuk/kode/", views.login_code_view, name="login_code"),
    path("keluar/", views.logout_view, name="logout"),
    path("akun/dua-faktor/", views.totp_enrol_view, name="totp_enrol"),
    path("peran/", views.membership_switch_view, name="membership_switch"),
]
