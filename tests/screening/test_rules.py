"""Each rule: posts it must flag, and neutral posts it must leave alone."""

import pytest

from netral.screening.normalise import normalise
from netral.screening.pipeline import screen
from netral.screening.rules import RULES
from netral.screening.vocabulary import ContestantWords, ElectionVocabulary, labelled_vocabulary

# rule code -> (posts it flags, with the words it must mark), posts it must not flag
CASES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "partisan.call_to_vote": (
        [
            ("Ayo coblos nomor 2 ya gaes!!", "coblos nomor 2"),
            ("Bapak ibu, pilih Gilang-Ratna demi daerah kita", "pilih Gilang"),
            ("yuk menangkan DARIN", "menangkan DARIN"),
            ("jgn lupa cblos no urut 01", "cblos no urut 01"),
        ],
        [
            "Jangan lupa memilih ya, satu suara menentukan",
            "Jangan lupa ke TPS tanggal 14",
            "Jangan pilih karena uang, pilih karena program",
            "Ayo ke TPS 02, coblos sesuai hati nurani",
            "Warga diajak coblos di TPS 05 lebih pagi",
        ],
    ),
    "partisan.ballot_number": (
        [
            ("pilih nomor 3 pokoknya", "pilih nomor 3"),
            ("Pokoknya 02 harga mati", "02"),
            ("Nomor urut 1 is the best", "Nomor urut 1 is the best"),
        ],
        [
            "KPU tetapkan nomor urut paslon: Baskara-Wulan nomor 1, Darmawan-Intan nomor 2",
            "TPS 02 pindah ke balai RW 05",
            "Memilih tanggal 14 Februari, jam 7 sampai 13",
            "Timnas menang 2-0 tadi malam",
            "Pemilu 2029 ada 3 pasangan calon",
        ],
    ),
    "partisan.gesture": (
        [
            ("Salam dua jari semuanya!", "Salam dua jari"),
            ("pose 3 jari dulu sebelum pulang", "pose 3 jari"),
            ("✌️ Darmawan-Intan menang!", "✌"),
        ],
        [
            "Alhamdulillah sudah nyoblos, jari kelingking ungu ✌️",
            "Hitung pakai dua jari saja",
            "Liburan ke pantai ✌️",
        ],
    ),
    "partisan.hashtag": (
        [
            ("Semangat pagi #DarinMenang", "#DarinMenang"),
            ("#Coblos02 biar cepat", "#Coblos02"),
            ("#2024GantiPresiden", "#2024GantiPresiden"),
            ("Bersama rakyat #GilangUntukRakyat", "#GilangUntukRakyat"),
        ],
        [
            "#PemiluDamai #ASNNetral",
            "Ayo ke TPS! #AyoPilih #PemilihCerdas",
            "#cekfakta surat suara",
            "#Pemilu2029 sudah dekat",
        ],
    ),
    "partisan.support": (
        [
            ("Saya dukung Baskara 100%", "dukung Baskara"),
            ("Darmawan terbaik, sudah terbukti", "Darmawan terbaik"),
            ("Gilang Gemilang!", "Gilang Gemilang"),
            ("gw sih fix pilih Darmawan", "pilih Darmawan"),
            ("Mantap pak Darmawan, tegas dan merakyat", "Darmawan"),
        ],
        [
            "Debat semalam Baskara bahas pendidikan, Gilang bahas pangan",
            "Siapa pun yang menang nanti, Baskara atau Darmawan, semoga amanah",
            "Sebagai ASN saya tidak mendukung Baskara maupun Darmawan, saya netral",
            "Pak Gilang meresmikan pasar baru https://news.example.id/pasar",
        ],
    ),
    "partisan.photo": (
        [("Foto bareng pak Gilang tadi pagi", "Foto bareng pak Gilang")],
        [
            "Foto bareng teman2 KPPS sesudah penghitungan",
            "Foto bersama keluarga di hari raya",
        ],
    ),
    "partisan.party_membership": (
        [
            ("Saya kader PDI Perjuangan sejak muda", "kader PDI Perjuangan"),
            ("Anggota PKS sejak 2010, bangga", "Anggota PKS"),
        ],
        [
            "Kader partai dilarang jadi ASN",
            "Saya bukan anggota partai apa pun, saya ASN",
            "PNS dilarang menjadi anggota Gerindra, PKS atau partai lain",
        ],
    ),
    "campaign.attend": (
        [
            ("Tadi ikut kampanye akbar di alun2, rame bgt", "ikut kampanye akbar"),
            ("Saya hadir di deklarasi relawan pagi ini", "hadir di deklarasi"),
            ("Barusan pulang dari kampanye, capek", "pulang dari kampanye"),
        ],
        [
            "ASN dilarang ikut kampanye, termasuk hadir pakai atribut",
            "Kampanye akbar di GBK dihadiri ribuan orang https://news.example.id/gbk",
            "Jadwal kampanye terbuka dimulai 21 Januari",
            "Ribuan warga menghadiri kampanye akbar di stadion",
            "Ikut nonton debat capres di rumah pak RT",
        ],
    ),
    "campaign.invite": (
        [
            ("Ayo ramaikan kampanye akbar hari Minggu!", "Ayo ramaikan kampanye akbar"),
            ("Yuk datang ke rapat akbar besok", "Yuk datang ke rapat akbar"),
        ],
        [
            "Ayo awasi kampanye, laporkan pelanggaran ke Bawaslu",
            "Jangan ajak ASN ikut kampanye",
            "Bawaslu mengingatkan: masa tenang, tidak boleh ada kampanye",
        ],
    ),
    "campaign.team": (
        [
            ("gw gabung timses darmawan", "gabung timses"),
            ("Resmi dilantik jadi koordinator relawan kecamatan", "jadi koordinator relawan"),
            ("Yuk gabung relawan BAWA", "gabung relawan"),
        ],
        [
            "Relawan demokrasi KPU datang ke sekolah",
            "Artis itu bergabung dengan tim pemenangan https://news.example.id/artis",
            "Barisan relawan bencana membantu korban banjir",
            "ASN tidak boleh jadi tim sukses",
        ],
    ),
    "campaign.goods": (
        [
            ("Tadi bagi-bagi kaos partai ke warga, habis semua", "bagi-bagi kaos"),
            ("Ayo ambil kalender paslon nomor 1 di posko", "ambil kalender"),
            ("Kami bagikan sembako dari caleg kita di kelurahan", "bagikan sembako"),
        ],
        [
            "ASN dilarang membagikan kaos kampanye",
            "Bagi-bagi takjil di depan masjid bersama remaja masjid",
            "Stiker sosialisasi pemilu dari KPU dibagikan ke pemilih pemula",
            "Bawaslu menyita amplop dan sembako yang dibagikan tim paslon",
        ],
    ),
    "campaign.materials": (
        [
            ("Baru selesai pasang baliho paslon di depan kantor dinas", "pasang baliho"),
            ("Spanduk caleg sudah kami pasang di ruang tunggu", "Spanduk caleg sudah kami pasang"),
            ("Tolong tempel poster Darmawan-Intan di pagar kantor", "tempel poster"),
        ],
        [
            "Pasang spanduk HUT RI di depan kantor kelurahan sudah beres",
            "Bawaslu menurunkan baliho paslon yang dipasang di depan kantor dinas",
            "Dilarang memasang alat peraga kampanye di kantor pemerintah",
        ],
    ),
    "campaign.recruit": (
        [
            ("Dicari relawan untuk pemenangan paslon nomor 3", "Dicari relawan untuk pemenangan"),
            ("Alhamdulillah resmi jadi saksi TPS untuk Partai Karya Rakyat", "saksi TPS untuk"),
            ("Butuh 20 orang saksi partai buat TPS di desa kita", "Butuh 20 orang saksi partai"),
        ],
        [
            "Jadi saksi sidang di PN hari ini, doakan lancar",
            "Dicari relawan donor darah untuk PMI hari Sabtu",
            "ASN tidak boleh menjadi saksi partai",
            "Besok saya bertugas sebagai anggota KPPS di TPS 03",
        ],
    ),
    "campaign.share": (
        [
            ("Tolong share video kampanye ini ke grup keluarga ya", "share video kampanye"),
            ("Sudah saya teruskan video Darmawan ke semua grup WA RT", "teruskan video Darmawan"),
            ("Bagikan flyer paslon ini ke grup alumni", "Bagikan flyer paslon"),
        ],
        [
            "Tolong share info lowongan ini ke grup keluarga ya",
            "Sebarkan ke grup keluarga: cek nama di DPT lewat situs resmi KPU",
            "Jangan share konten paslon manapun ke grup kantor",
            "Video debat paslon bisa ditonton ulang di kanal resmi KPU",
        ],
    ),
    "hate.abusive": (
        [
            ("dasar kadrun goblok", "kadrun"),
            ("Babi lu, gak tau diri", "Babi"),
            ("Anjing, tim suksesnya nipu warga", "Anjing"),
            ("Gobl0kkk bgt jubirnya", "Gobl0kkk"),
        ],
        [
            "Daging anjing dilarang dijual di pasar",
            "Kebun binatang ramai, monyet-monyetnya lucu",
            "Anjing saya sakit, ada dokter hewan dekat sini?",
            "Kebijakan ini keliru dan harus dikritik",
        ],
    ),
    "hate.hostility": (
        [
            ("Pejabat korup bunuh saja", "bunuh saja"),
            ("Bakar saja rumahnya kalau ketahuan curang!", "Bakar saja"),
        ],
        [
            "Polisi menangkap pelaku pembunuhan",
            "Nyamuk demam berdarah harus dibasmi",
            "Kasus bunuh diri meningkat, ayo peduli kesehatan jiwa",
        ],
    ),
    "hate.group_exclusion": (
        [
            ("Usir semua orang Cina dari kampung kita", "Usir semua orang Cina"),
            ("Kaum Syiah harus diusir dari Indonesia", "Syiah harus diusir"),
            (
                "Jangan beri pekerjaan pada orang Kristen",
                "Jangan beri pekerjaan pada orang Kristen",
            ),
        ],
        [
            "Warga Tionghoa ikut kerja bakti membersihkan TPS",
            "Kami menolak usulan pengusiran pedagang kaki lima",
            "Jangan usir orang Madura dari pasar, mereka juga warga",
            "Hama tikus di sawah harus dibasmi",
        ],
    ),
    "hoax.spread_cue": (
        [
            ("SEBARKAN SEBELUM DIHAPUS!!! surat suara tercoblos", "SEBARKAN SEBELUM DIHAPUS"),
            ("Info dari grup sebelah, TPS tutup jam 10", "grup sebelah"),
            ("Valid 100%, foto surat suara di gudang", "Valid 100"),
        ],
        [
            "Cek nama kamu di DPT online lewat situs KPU",
            "Hasil rekap kecamatan sudah masuk",
            "Grup arisan sebelah rumah ramai banget",
        ],
    ),
    "hoax.unverified_claim": (
        [
            ("Katanya surat suara sudah tercoblos di desa sebelah", "Katanya"),
            ("Kabarnya server KPU dibobol, sebarkan!", "Kabarnya"),
        ],
        [
            "Katanya besok hujan deras, bawa payung",
            "Cek fakta: KPU bantah hoaks surat suara sudah tercoblos",
            "Kalau ada kecurangan, laporkan ke Bawaslu",
        ],
    ),
    "hoax.process_claim": (
        [
            ("Surat suara di TPS 12 sudah tercoblos, sebarkan!", "Surat suara di TPS 12 sudah"),
            ("TPS kita dipindah diam-diam ke gedung lain, viralkan", "TPS kita dipindah"),
            ("Bansos akan dicabut kalau tidak pilih paslon 1. Bagikan", "Bansos akan dicabut"),
            ("Pencoblosan dimajukan ke tanggal 10, sebarkan sebelum dihapus", "Pencoblosan"),
        ],
        [
            "KPU membantah hoaks surat suara tercoblos, sebarkan klarifikasi ini",
            "Lokasi TPS 07 pindah ke balai desa sesuai pengumuman PPS",
            "Acara arisan diundur ke tanggal 20, sebarkan ke ibu-ibu",
            "Surat suara sudah tiba di gudang KPU dan disegel",
        ],
    ),
}


def vocabulary() -> ElectionVocabulary:
    return labelled_vocabulary()


def test_every_rule_has_cases() -> None:
    assert sorted(CASES) == sorted(RULES)


@pytest.mark.parametrize(
    ("code", "text", "words"),
    [(code, text, words) for code, (positives, _) in CASES.items() for text, words in positives],
)
def test_the_rule_flags_the_post_and_marks_the_words(code: str, text: str, words: str) -> None:
    flags = [flag for flag in screen(text, vocabulary=vocabulary()).flags if flag.rule == code]
    assert flags, f"{code} missed: {text}"
    marked = [span.text for span in flags[0].spans]
    assert any(words in span or span in words for span in marked), marked
    assert flags[0].category == RULES[code].category
    assert 0 < flags[0].score <= 1


@pytest.mark.parametrize(
    ("code", "text"),
    [(code, text) for code, (_, negatives) in CASES.items() for text in negatives],
)
def test_the_rule_leaves_the_neutral_post_alone(code: str, text: str) -> None:
    assert code not in {flag.rule for flag in screen(text, vocabulary=vocabulary()).flags}


def test_a_flag_names_its_skb_act_and_its_advice() -> None:
    flag = screen("Ayo coblos nomor 2!").flags[0]
    assert "SKB 2/2022" in flag.title
    assert flag.advice


def test_spans_point_at_the_original_words() -> None:
    bold = "".join(chr(0x1D5D4 + ord(letter) - ord("A")) for letter in "PILIH")  # bold letters
    text = f"Pokoknya  {bold}  NOMOR  2!!!"
    result = screen(text)
    span = next(flag for flag in result.flags if flag.rule == "partisan.ballot_number").spans[0]
    assert text[span.start : span.end] == span.text == f"{bold}  NOMOR  2"


def test_without_an_election_the_general_vocabulary_still_works() -> None:
    assert screen("coblos 3 ya").categories == ["partisan"]
    assert screen("Saya dukung Baskara").categories == []  # unknown name without the election


def test_the_election_s_own_ballot_numbers_replace_the_default_range() -> None:
    vocabulary = ElectionVocabulary.build([ContestantWords("a", "A - B", ballot_number=1)])
    assert screen("coblos 1", vocabulary=vocabulary).flags
    assert not screen("coblos 7", vocabulary=vocabulary).flags


def test_the_normaliser_squeezes_maps_slang_and_reads_leetspeak() -> None:
    words = [token.text for token in normalise("gakkk mau p1l1hhh yg no2 #Coblos02").tokens]
    assert words == ["tidak", "mau", "pilih", "yang", "nomor", "2", "coblos02"]


def test_a_thousand_posts_screen_quickly() -> None:
    import time

    posts = [f"Ayo coblos nomor {n % 3 + 1}, jangan lupa ke TPS tanggal 14 ya" for n in range(1000)]
    started = time.perf_counter()
    for post in posts:
        screen(post, vocabulary=vocabulary())
    # Generous on purpose: the benchmark measures the real figure (bench/).
    assert time.perf_counter() - started < 5
