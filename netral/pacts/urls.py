from django.urls import path

from netral.pacts import certified_views, collective_views, public_views, signatory_views, views

app_name = "pacts"
urlpatterns = [
    # The signing link first: the busiest URL of a surge (URLs are tried in order).
    path("t/<str:token>/", public_views.sign_view, name="sign"),
    path("pemilu/", views.election_list_view, name="election_list"),
    path("pemilu/<str:code>/", views.election_detail_view, name="election_detail"),
    path(
        "pemilu/<str:code>/pakta/baru/", views.pact_version_create_view, name="pact_version_create"
    ),
    path("pemilu/<str:code>/kampanye/baru/", views.campaign_create_view, name="campaign_create"),
    path("pakta/<str:code>/", views.pact_version_view, name="pact_version"),
    path(
        "pakta/<str:code>/terbitkan/", views.pact_version_publish_view, name="pact_version_publish"
    ),
    path("kampanye/", views.campaign_list_view, name="campaign_list"),
    path("kampanye/<str:code>/", views.campaign_detail_view, name="campaign_detail"),
    path("kampanye/<str:code>/status/", views.campaign_status_view, name="campaign_status"),
    path("kampanye/<str:code>/qr/", views.campaign_qr_view, name="campaign_qr"),
    path("kampanye/<str:code>/kios/", views.kiosk_start_view, name="kiosk_start"),
    path("kampanye/<str:code>/kios/akhiri/", views.kiosk_end_view, name="kiosk_end"),
    path("kampanye/<str:code>/kertas/", views.paper_pact_view, name="paper_pact"),
    path("kampanye/<str:code>/kehadiran/", views.attendance_view, name="attendance"),
    path(
        "kampanye/<str:code>/kehadiran/impor/",
        views.attendance_import_view,
        name="attendance_import",
    ),
    path(
        "kampanye/<str:code>/rapat/<str:unit_code>/", views.meeting_edit_view, name="meeting_edit"
    ),
    path(
        "kampanye/<str:code>/daftar-hadir.pdf",
        views.attendance_sheet_view,
        name="attendance_sheet",
    ),
    path("kampanye/<str:code>/kode-cetak/", views.printed_codes_view, name="printed_codes"),
    path(
        "kampanye/<str:code>/kode-cetak/batal/",
        views.printed_code_void_view,
        name="printed_code_void",
    ),
    path("kampanye/<str:code>/ganti-tautan/", views.link_revoke_view, name="link_revoke"),
    path("kampanye/<str:code>/arsip/", views.archive_create_view, name="archive_create"),
    path("kampanye/<str:code>/pejabat/", signatory_views.officials_view, name="officials"),
    path(
        "kampanye/<str:code>/pejabat/<str:signatory_code>/",
        signatory_views.signatory_action_view,
        name="signatory_action",
    ),
    path("kampanye/<str:code>/tutup/", collective_views.ceremony_close_view, name="ceremony_close"),
    path(
        "kampanye/<str:code>/ikrar-bersama.pdf",
        collective_views.collective_download_view,
        name="collective_download",
    ),
    # Public: signing, verification, the transparency log.
    path("t/<str:token>/pakta.pdf", public_views.sign_pdf_view, name="sign_pdf"),
    path("k/<str:code>/", public_views.ceremony_view, name="ceremony"),
    path("k/<str:code>/kode/", public_views.ceremony_code_view, name="ceremony_code"),
    path("k/<str:code>/kirim-ulang/", public_views.ceremony_resend_view, name="ceremony_resend"),
    path("k/<str:code>/tanda-tangan/", public_views.ceremony_sign_view, name="ceremony_sign"),
    path("k/<str:code>/pakta.pdf", public_views.ceremony_pdf_view, name="ceremony_pdf"),
    path("k/<str:code>/hadir/", public_views.ceremony_check_in_view, name="ceremony_check_in"),
    path("k/<str:code>/selesai/", public_views.ceremony_finish_view, name="ceremony_finish"),
    path("v/", public_views.verify_lookup_view, name="verify_lookup"),
    path("v/<str:code>/", public_views.verify_view, name="verify"),
    path("p/<str:token>/", signatory_views.signatory_sign_view, name="signatory_sign"),
    path(
        "ikrar/<str:code>/ikrar-bersama.pdf",
        collective_views.collective_public_view,
        name="collective_public",
    ),
    path("transparansi/kunci.pem", public_views.log_key_view, name="log_key"),
    path("transparansi/<str:code>/sth.json", public_views.tree_head_view, name="tree_head"),
    path(
        "transparansi/<str:code>/bukti/<str:signature_code>.json",
        public_views.inclusion_proof_view,
        name="inclusion_proof",
    ),
    path(
        "transparansi/<str:code>/konsistensi.json",
        public_views.consistency_proof_view,
        name="consistency_proof",
    ),
    path("tte/bsre/", certified_views.bsre_connection_view, name="bsre_connection"),
]
