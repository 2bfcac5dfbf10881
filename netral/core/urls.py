from django.urls import path

from netral.core import views

app_name = "core"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("masuk/", views.login_view, name="login"),
    path("masuk/kode/", views.login_code_view, name="login_code"),
    path("keluar/", views.logout_view, name="logout"),
    path("akun/dua-faktor/", views.totp_enrol_view, name="totp_enrol"),
    path("peran/", views.membership_switch_view, name="membership_switch"),
    path("pengguna/", views.membership_list_view, name="membership_list"),
    path("pengguna/tambah/", views.membership_create_view, name="membership_create"),
    path("pengguna/<str:code>/", views.membership_edit_view, name="membership_edit"),
    path("pengguna/<str:code>/hapus/", views.membership_delete_view, name="membership_delete"),
    path("log/", views.audit_list_view, name="audit_list"),
    path("log/<str:kind>/<str:code>/", views.audit_object_view, name="audit_object"),
]
