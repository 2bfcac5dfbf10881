"""The catalogues as first shipped: the SKB 2/2022 acts, the sanctions by regulation, and the
handling procedure of 2024-2026. They are loaded into the database (a data migration), where an
operator corrects them; rows marked unconfirmed follow sources that disagree (domain.md)."""

from __future__ import annotations

from typing import Any

# How the public report form names each act: the catalogue's names are the rows of the SKB's
# matrix (slashes, "(bakal) calon"), plain words here. An act added by an operator shows its name.
PLAIN_ACTS: dict[str, str] = {
    "skb2022-01": "Memasang spanduk, baliho, atau alat peraga untuk calon atau bakal calon",
    "skb2022-02": "Mempromosikan calon atau bakal calon di media sosial atau internet",
    "skb2022-03": "Menghadiri deklarasi atau kampanye dan ikut mendukung secara aktif",
    "skb2022-04": (
        "Membuat unggahan atau komentar, membagikan, menyukai, atau bergabung dengan grup atau "
        "akun tim pemenangan"
    ),
    "skb2022-05": (
        "Berfoto dengan calon, bakal calon, atau tim sukses dengan gaya, atribut, atau latar "
        "yang memihak"
    ),
    "skb2022-06": "Ikut kegiatan kampanye atau pengenalan bakal calon atau partai politik",
    "skb2022-07": (
        "Menghadiri deklarasi atau kampanye suami atau istri yang menjadi calon tanpa mengambil "
        "cuti di luar tanggungan negara"
    ),
    "skb2022-08": "Mendekati partai politik atau masyarakat untuk mencalonkan diri tanpa cuti",
    "skb2022-09": "Menjadi anggota atau pengurus partai politik",
    "skb2022-10": (
        "Kegiatan yang memihak, seperti pertemuan, ajakan, imbauan, seruan, atau pemberian "
        "barang, kapan pun dilakukan"
    ),
    "skb2022-11": (
        "Menjadi tim ahli, tim pemenangan, atau konsultan bakal calon sebelum calon ditetapkan"
    ),
    "skb2022-12": (
        "Menjadi tim ahli, tim pemenangan, atau konsultan partai atau calon sesudah calon "
        "ditetapkan"
    ),
    "skb2022-13": "Mendukung calon perseorangan dengan surat dukungan atau mengumpulkan fotokopi KTP",
    "skb2022-14": "Membuat keputusan atau tindakan yang menguntungkan atau merugikan partai atau calon",
    "skb2022-15": "Perbuatan lain yang memihak dan tidak ada dalam daftar ini",
}

# code, number, name, ethics track, discipline level, confirmed
VIOLATION_TYPES: list[tuple[str, int, str, bool, str, bool]] = [
    (
        "skb2022-01",
        1,
        "Memasang spanduk/baliho/alat peraga untuk (bakal) calon",
        True,
        "berat",
        True,
    ),
    (
        "skb2022-02",
        2,
        "Sosialisasi/kampanye di media sosial/daring untuk (bakal) calon",
        True,
        "berat",
        True,
    ),
    (
        "skb2022-03",
        3,
        "Menghadiri deklarasi/kampanye dan memberikan dukungan aktif",
        True,
        "berat",
        True,
    ),
    (
        "skb2022-04",
        4,
        "Membuat posting, komentar, membagikan, menyukai, bergabung/mengikuti grup atau akun pemenangan",
        True,
        "berat",
        True,
    ),
    (
        "skb2022-05",
        5,
        "Berfoto bersama (bakal) calon, tim sukses dengan gestur/atribut/latar partisan, atau alat peraga",
        True,
        "berat",
        True,
    ),
    (
        "skb2022-06",
        6,
        "Mengikuti kampanye/sosialisasi/pengenalan bakal calon atau partai politik",
        True,
        "",
        True,
    ),
    (
        "skb2022-07",
        7,
        "Menghadiri deklarasi/kampanye pasangan (suami/istri) calon tanpa cuti di luar tanggungan negara",
        True,
        "",
        True,
    ),
    (
        "skb2022-08",
        8,
        "Mendekati partai politik atau masyarakat (jalur perseorangan) sebagai bakal calon tanpa cuti",
        False,
        "sedang",
        True,
    ),
    ("skb2022-09", 9, "Menjadi anggota dan/atau pengurus partai politik", False, "ptdh", True),
    (
        "skb2022-10",
        10,
        "Kegiatan yang berpihak (pertemuan, ajakan, imbauan, seruan, pemberian barang) sebelum, selama atau sesudah kampanye",
        False,
        "berat",
        False,
    ),
    (
        "skb2022-11",
        11,
        "Menjadi tim ahli/tim pemenangan/konsultan bakal calon sebelum penetapan",
        False,
        "sedang",
        False,
    ),
    (
        "skb2022-12",
        12,
        "Menjadi tim ahli/tim pemenangan/konsultan partai atau calon sesudah penetapan",
        False,
        "berat",
        False,
    ),
    (
        "skb2022-13",
        13,
        "Mendukung bakal calon perseorangan dengan surat dukungan atau mengumpulkan fotokopi KTP/SKTP",
        False,
        "berat",
        False,
    ),
    (
        "skb2022-14",
        14,
        "Membuat keputusan/tindakan yang menguntungkan atau merugikan partai/calon",
        False,
        "berat",
        False,
    ),
    ("skb2022-15", 15, "Bentuk lain yang tidak tercantum dalam matriks", True, "satgas", True),
]

# code, regulation, kind, name, months, order
SANCTION_TYPES: list[tuple[str, str, str, str, int | None, int]] = [
    ("pp42-2004-tertutup", "PP 42/2004", "moral", "Pernyataan secara tertutup", None, 1),
    ("pp42-2004-terbuka", "PP 42/2004", "moral", "Pernyataan secara terbuka", None, 2),
    ("pp94-2021-teguran-lisan", "PP 94/2021", "ringan", "Teguran lisan", None, 1),
    ("pp94-2021-teguran-tertulis", "PP 94/2021", "ringan", "Teguran tertulis", None, 2),
    (
        "pp94-2021-tidak-puas",
        "PP 94/2021",
        "ringan",
        "Pernyataan tidak puas secara tertulis",
        None,
        3,
    ),
    (
        "pp94-2021-tukin-6",
        "PP 94/2021",
        "sedang",
        "Pemotongan tunjangan kinerja 25% selama 6 bulan",
        6,
        4,
    ),
    (
        "pp94-2021-tukin-9",
        "PP 94/2021",
        "sedang",
        "Pemotongan tunjangan kinerja 25% selama 9 bulan",
        9,
        5,
    ),
    (
        "pp94-2021-tukin-12",
        "PP 94/2021",
        "sedang",
        "Pemotongan tunjangan kinerja 25% selama 12 bulan",
        12,
        6,
    ),
    (
        "pp94-2021-turun-jabatan",
        "PP 94/2021",
        "berat",
        "Penurunan jabatan setingkat lebih rendah selama 12 bulan",
        12,
        7,
    ),
    (
        "pp94-2021-bebas-jabatan",
        "PP 94/2021",
        "berat",
        "Pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan",
        12,
        8,
    ),
    (
        "pp94-2021-pdhtaps",
        "PP 94/2021",
        "berat",
        "Pemberhentian dengan hormat tidak atas permintaan sendiri sebagai PNS",
        None,
        9,
    ),
    (
        "uu20-2023-ptdh",
        "UU 20/2023",
        "ptdh",
        "Pemberhentian tidak dengan hormat (keanggotaan partai politik)",
        None,
        1,
    ),
    (
        "pp53-2010-tunda-kgb",
        "PP 53/2010",
        "sedang",
        "Penundaan kenaikan gaji berkala selama 1 tahun",
        12,
        1,
    ),
    (
        "pp53-2010-tunda-kp",
        "PP 53/2010",
        "sedang",
        "Penundaan kenaikan pangkat selama 1 tahun",
        12,
        2,
    ),
    (
        "pp53-2010-turun-pangkat-1",
        "PP 53/2010",
        "sedang",
        "Penurunan pangkat setingkat lebih rendah selama 1 tahun",
        12,
        3,
    ),
    (
        "pp53-2010-turun-pangkat-3",
        "PP 53/2010",
        "berat",
        "Penurunan pangkat setingkat lebih rendah selama 3 tahun",
        36,
        4,
    ),
    (
        "pp53-2010-pindah-turun",
        "PP 53/2010",
        "berat",
        "Pemindahan dalam rangka penurunan jabatan setingkat lebih rendah",
        None,
        5,
    ),
    ("pp53-2010-bebas-jabatan", "PP 53/2010", "berat", "Pembebasan dari jabatan", None, 6),
    (
        "pp53-2010-pdhtaps",
        "PP 53/2010",
        "berat",
        "Pemberhentian dengan hormat tidak atas permintaan sendiri",
        None,
        7,
    ),
]

# The BKN flow of 2024-2026 (domain.md): key, name, responsible, days, day kind. The stage
# whose key is in RECOMMENDATION_STAGES ends with that body's written recommendation. The examination
# and decision periods are not fixed by a text we could see: UNCONFIRMED, change per election.
DEFAULT_RECEIVING_BODY = "Badan Kepegawaian Negara (BKN)"
DEFAULT_STAGES: list[tuple[str, str, str, int, str]] = [
    ("verifikasi", "Verifikasi Satgas Netralitas", "Satgas Netralitas", 7, "calendar"),
    ("kajian-bawaslu", "Kajian dan validasi Bawaslu", "Bawaslu", 3, "working"),
    ("pemeriksaan", "Pemeriksaan oleh tim pemeriksa", "Tim pemeriksa", 14, "working"),
    ("keputusan", "Keputusan PPK", "PPK", 10, "calendar"),
]
RECOMMENDATION_STAGES = {"kajian-bawaslu": "Bawaslu"}


def catalogue_load(violation_type: Any, sanction_type: Any) -> None:
    """Write the catalogues into the given models (the migration's historical ones, or the real
    ones for tests whose database was flushed)."""
    for code, number, name, ethics, level, confirmed in VIOLATION_TYPES:
        violation_type.objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "name": name,
                "ethics_track": ethics,
                "discipline_level": level,
                "confirmed": confirmed,
            },
        )
    for code, regulation, kind, name, months, order in SANCTION_TYPES:
        sanction_type.objects.update_or_create(
            code=code,
            defaults={
                "regulation": regulation,
                "kind": kind,
                "name": name,
                "duration_months": months,
                "order": order,
                # The 2010 catalogue is kept for old records; new decisions use PP 94/2021.
                "is_active": regulation != "PP 53/2010",
            },
        )
