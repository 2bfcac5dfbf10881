from django.urls import path

from netral.agencies import officer_views, views

app_name = "agencies"
urlpatterns = [
    path("pengguna/", officer_views.membership_list_view, name="membership_list"),
    path("pengguna/tambah/", officer_views.membership_create_view, name="membership_create"),
    path("pengguna/<str:code>/", officer_views.membership_edit_view, name="membership_edit"),
    path(
        "pengguna/<str:code>/hapus/",
        officer_views.membership_delete_view,
        name="membership_delete",
    ),
    path("pengaturan/pesan/", officer_views.message_settings_view, name="message_settings"),
    path("log/", officer_views.audit_list_view, name="audit_list"),
    path("log/<str:kind>/<str:code>/", officer_views.audit_object_view, name="audit_object"),
    path("unit/", views.unit_tree_view, name="unit_tree"),
    path("unit/<str:code>/", views.unit_detail_view, name="unit_detail"),
    path("unit/<str:code>/kepala/", views.unit_head_view, name="unit_head"),
    path("pegawai/", views.employee_list_view, name="employee_list"),
    path("pegawai/<str:code>/", views.employee_detail_view, name="employee_detail"),
    path("pegawai/<str:code>/ubah/", views.employee_edit_view, name="employee_edit"),
    path("pegawai/<str:code>/lepas/", views.employee_release_view, name="employee_release"),
    path("impor/", views.roster_import_list_view, name="roster_import_list"),
    path("impor/templat.xlsx", views.roster_template_view, name="roster_template"),
    path("impor/<str:code>/", views.roster_import_detail_view, name="roster_import_detail"),
    path("impor/<str:code>/kolom/", views.roster_import_mapping_view, name="roster_import_mapping"),
    path(
        "impor/<str:code>/konfirmasi/",
        views.roster_import_confirm_view,
        name="roster_import_confirm",
    ),
    path("kop-surat/", officer_views.letterhead_view, name="letterhead"),
    path("kop-surat/logo/<str:name>", officer_views.letterhead_logo_view, name="letterhead_logo"),
    path("wilayah/", views.oversight_view, name="oversight"),
]
