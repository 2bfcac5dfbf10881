"""The pact text most agencies use (domain.md section 2), filled with the agency and election."""

from typing import Any

# The four points as published by Setwan DPRD Jabar, Pemprov Jateng, Natuna and DJPPI Kominfo,
# with "di instansi masing-masing" and the election replaced by the agency's and election's own.
POINTS = (
    "Menjaga dan menegakkan prinsip netralitas Pegawai ASN di lingkungan {agency} dalam "
    "melaksanakan fungsi pelayanan publik, baik sebelum, selama, maupun sesudah pelaksanaan "
    "{election};",
    # A comma, as the official text has it: "dengan" would make avoiding conflicts of interest
    # mean only refraining from intimidation.
    "Menghindari konflik kepentingan, tidak melakukan praktik-praktik intimidasi dan ancaman "
    "kepada Pegawai ASN dan seluruh elemen masyarakat, serta tidak memihak kepada pasangan calon "
    "tertentu;",
    "Menggunakan media sosial secara bijak dan tidak menyebarkan ujaran kebencian serta berita "
    "bohong;",
    "Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
)

# Each regulation by its full title and number (domain.md section 1 for the SKB's five numbers).
LEGAL_BASIS = (
    "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara",
    "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil",
    "Peraturan Pemerintah Nomor 42 Tahun 2004 tentang Pembinaan Jiwa Korps dan Kode Etik "
    "Pegawai Negeri Sipil",
    "Keputusan Bersama Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi, Menteri "
    "Dalam Negeri, Kepala Badan Kepegawaian Negara, Ketua Komisi Aparatur Sipil Negara, dan Ketua "
    "Badan Pengawas Pemilihan Umum Nomor 2 Tahun 2022, Nomor 800-5474 Tahun 2022, Nomor 246 Tahun "
    "2022, Nomor 30 Tahun 2022, Nomor 1447.1/PM.01/K.1/09/2022 tentang Pedoman Pembinaan dan "
    "Pengawasan Netralitas Pegawai Aparatur Sipil Negara dalam Penyelenggaraan Pemilihan Umum "
    "dan Pemilihan",
)


def default_pact_content(*, agency_name: str, election_name: str) -> dict[str, Any]:
    return {
        "title": "PAKTA INTEGRITAS NETRALITAS APARATUR SIPIL NEGARA",
        "intro": "Saya yang bertanda tangan di bawah ini:",
        "statement": (
            f"Dalam rangka menyukseskan {election_name}, dengan ini saya menyatakan dan berikrar:"
        ),
        "points": [point.format(agency=agency_name, election=election_name) for point in POINTS],
        "closing": (
            "Demikian pakta integritas ini saya buat dengan sadar dan tanpa paksaan. Apabila saya "
            "melanggar, saya bersedia dikenai sanksi sesuai ketentuan peraturan perundang-undangan."
        ),
        "legal_basis": list(LEGAL_BASIS),
    }
