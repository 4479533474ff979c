"""Build lketool's rubric data file for PermenPANRB 90/2021 (Lampiran III).

Source: PortalRB's "Master Soal LKE ZI 2026" JSON (same weights and 127 input items as
Lampiran III), kept outside the repository in ../shared. The output is committed, so the
tool never needs the source at run time; re-run this script only to regenerate it:

    python tools/build_rubric.py ../shared/lke-data/axxpxmd_zona_integritas/response_master_soal_lkezi_2026.json

The percentage ("%") rows of Lampiran III are not items in PortalRB's list: PortalRB holds
only their "Jumlah" inputs. The table PCT below restores them with the formula the
official workbook uses in column K (see docs/rubric.md).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lketool.layouts import LAMPIRAN_III, PORTALRB_2026, spec_gaps  # noqa: E402
from lketool.rubric import RubricError, rubric_from_dict  # noqa: E402

OUT_RUBRIC = ROOT / "lketool" / "rubric" / "data" / "permenpanrb-90-2021.json"
OUT_PORTALRB = ROOT / "lketool" / "layouts" / "portalrb-2026.json"

TYPE_MAP = {"YA_TIDAK": "yn", "ABC": "abc", "ABCD": "abcd", "ABCDE": "abcde",
            "JUMLAH": "count", "0-4": "survey"}
AREA_IDS = {1: "MP", 2: "PT", 3: "SDM", 4: "AK", 5: "PW", 6: "PP"}
# English area names for --lang en outputs (the regulation names them in Indonesian only)
AREA_EN = {"MP": "Change Management", "PT": "Business Process Management",
           "SDM": "Civil Service HR Management System", "AK": "Strengthening Accountability",
           "PW": "Strengthening Supervision", "PP": "Improving Public Service Quality"}

# % rows: soal ids of their inputs, with the role each input plays in the formula
# (K column of the Lampiran III workbook).  'ratio' = min(1, num/den);
# 'decrease' = 1 if prev = curr = 0 else max(0, (prev-curr)/prev).
# A 'total' input exists only in the Lampiran III layout (PortalRB lists the parts instead).
PCT = [
    {"first": 88, "text": "Agen perubahan telah membuat perubahan yang konkret di Instansi (dalam 1 tahun)",
     "formula": "ratio", "roles": {88: "den", 89: "num"}},
    {"first": 90, "text": "Perubahan yang dibuat Agen Perubahan telah terintegrasi dalam sistem manajemen",
     "formula": "ratio", "roles": {90: "den", 91: "num"}},
    {"first": 102, "text": "Penurunan pelanggaran disiplin pegawai",
     "formula": "decrease", "roles": {102: "prev", 103: "curr", 104: "sanctioned"}},
    {"first": 105, "text": "Persentase Sasaran dengan capaian 100% atau lebih",
     "formula": "ratio", "roles": {105: "den", 106: "num"}},
    {"first": 110, "text": "Persentase penanganan pengaduan masyarakat",
     "formula": "ratio", "roles": {110: "den", 111: "in_process", 112: "num"}},
    {"first": 113, "text": "Persentase penyampaian LHKPN",
     "formula": "ratio", "roles": {113: "part", 114: "part", 115: "part", 116: "num"},
     "total": {"text": "Jumlah yang harus melaporkan", "computed": True},
     "input_texts": {116: "Jumlah yang sudah melaporkan"}},
    {"first": 117, "text": "Persentase penyampaian Non LHKPN (LHKASN)",
     "formula": "ratio", "roles": {117: "part", 118: "part", 119: "part", 120: "num"},
     "total": {"text": "Jumlah yang harus melaporkan (ASN tidak wajib LHKPN)", "computed": False},
     "input_texts": {120: "Jumlah yang sudah melaporkan"}},
    {"first": 122, "text": "Upaya dan/atau inovasi pada perijinan/pelayanan telah dipermudah",
     "formula": "ratio", "roles": {122: "den", 123: "num"}},
]
# Older labels seen in real Lampiran III workbooks, so edited or older copies still map.
ALIASES = {
    "ind:P.1.i": ["Tim Reformasi Birokrasi"],
    "ind:R.5.iii.b": ["Penyampaian Laporan Harta Kekayaan Aparatur Sipil Negara (LHKASN)", "LHKASN"],
    "ind:R.5.iii.a": ["LHKPN"],
}
# WBK/WBBM rules (lketool.verdict reads them): thresholds of PermenPANRB 90/2021 Tabel 6, the
# LHKPN/LHKASN condition of 5/2024 Tabel 5, conditions the LKE cannot show, the WBBM prerequisite;
# every entry names its source (line numbers of the regulation text files).
T6 = "PermenPANRB 90/2021 Lampiran II Tabel 6 (baris 2304-2341); Bab III A.3-6 (baris 2083-2109)"
T5 = "PermenPANRB 5/2024 Lampiran Tabel 5, tingkat unit kerja (baris 222-241)"
# id, metric, extra keys, label, label_en, short, short_en; minimums per predicate below
CRITERIA = [
    ("total", "total", {}, "Nilai total (pengungkit + hasil)", "Total score (enablers + results)", "Total", "Total"),
    ("pengungkit", "pengungkit", {}, "Nilai komponen pengungkit", "Enablers (pengungkit) score", "Pengungkit",
     "Enablers"),
    ("area", "area_share", {}, "Capaian area {name}", "Area share {name}", "Area {area}", "Area {area}"),
    ("bersih_akuntabel", "bersih_akuntabel", {}, "Hasil birokrasi bersih dan akuntabel",
     "Clean and accountable bureaucracy", "Bersih & akuntabel", "Clean & accountable"),
    ("ipak", "ipak", {}, "Nilai survei persepsi antikorupsi (IPAK)", "Anti-corruption perception survey (IPAK)",
     "IPAK", "IPAK"),
    ("capaian_kinerja", "capaian_kinerja", {}, "Capaian kinerja lebih baik", "Better performance achievement",
     "Capaian kinerja", "Performance"),
    ("pelayanan_prima", "pelayanan_prima", {}, "Hasil pelayanan publik prima (IPKP)",
     "Excellent public service (IPKP)", "IPKP", "IPKP"),
    ("lhkpn-lhkasn", "indicator_share", {"indicators": ["R.5.iii.a", "R.5.iii.b"]},
     "Kepatuhan penyampaian LHKPN dan LHKASN 100%", "LHKPN and LHKASN wealth reports 100% submitted",
     "LHKPN/LHKASN", "LHKPN/LHKASN"),
]
# (minimum, survey minimum) per predicate and criterion
MINIMUMS = {
    "wbk": {"total": (75, None), "pengungkit": (40, None), "area": (0.6, None), "bersih_akuntabel": (18.25, None),
            "ipak": (15.75, 3.6), "capaian_kinerja": (2.5, None), "pelayanan_prima": (14.0, 3.2),
            "lhkpn-lhkasn": (1, None)},
    "wbbm": {"total": (85, None), "pengungkit": (48, None), "area": (0.75, None), "bersih_akuntabel": (19.5, None),
             "ipak": (15.75, 3.6), "capaian_kinerja": (3.75, None), "pelayanan_prima": (15.75, 3.6),
             "lhkpn-lhkasn": (1, None)},
}
NOT_CHECKED = [  # id, label, label_en (WBK/WBBM words where they differ), source
    ("tlhp", "Tindak lanjut hasil pengawasan/pemeriksaan APIP/BPK 100%", "Follow-up of APIP/BPK audit findings 100%", T5),
    ("zi-1-tahun", "Pembangunan ZI menuju {P} minimal satu tahun",
     "Integrity zone built towards {P} for at least one year", T5),
    ("sakip", "Predikat SAKIP evaluasi internal minimal {S}", "Internal SAKIP rating at least {S}", T5),
    ("unit-core", "Unit merupakan core layanan dan berdampak signifikan pada persepsi masyarakat",
     "The unit is a core service with a significant impact on public perception", T5),
    ("instansi", "Syarat tingkat instansi (opini BPK WTP, SAKIP minimal {S}, Indeks RB, maturitas SPIP minimal level 3)",
     "Agency-level conditions (BPK WTP opinion, SAKIP at least {S}, RB index, SPIP maturity level 3)",
     T5 + "; tingkat instansi (baris 206-221)"),
]


def _criteria(pred: str) -> list[dict]:
    out = []
    for cid, metric, extra, label, label_en, short, short_en in CRITERIA:
        minimum, survey = MINIMUMS[pred][cid]
        c = {"id": cid, "metric": metric, **extra, "min": minimum}
        if survey is not None:
            c["survey_min"] = survey
        if cid == "lhkpn-lhkasn":
            c["kind"] = "proposal"
            c["source"] = T5 + ": 'Kepatuhan Penyampaian LHKAN dan LHKPN 100%' (baris 231)"
        else:
            c["source"] = T6 + ("; Tabel 3 (baris 1706-1724)" if cid == "area" else "")
        c.update(label=label, label_en=label_en, short=short, short_en=short_en)
        out.append(c)
    return out


def _not_checked(pred: str) -> list[dict]:
    words = {"P": "WBK", "S": "B"} if pred == "wbk" else {"P": "WBBM", "S": "BB"}
    return [{"id": nid, "source": src, "label": label.format(**words), "label_en": label_en.format(**words)}
            for nid, label, label_en, src in NOT_CHECKED]


PREDICATES = {
    "wbk": {"label": "Menuju WBK", "label_en": "Menuju WBK", "criteria": _criteria("wbk"),
            "not_checked": _not_checked("wbk")},
    "wbbm": {"label": "Menuju WBBM", "label_en": "Menuju WBBM",
             "prerequisite": {
                 "id": "wbk-held",
                 "source": "PermenPANRB 90/2021 Tabel 6 kolom WBBM (baris 2310-2312); PermenPANRB 5/2024 Bab II B "
                           "(baris 326-335)",
                 "label": "Unit sudah berpredikat Menuju WBK (hasil TPN atau evaluasi mandiri)",
                 "label_en": "The unit already holds Menuju WBK (from TPN or the agency's own evaluation)"},
             "criteria": _criteria("wbbm"), "not_checked": _not_checked("wbbm")},
}


# How 0/0 reads for each ratio item (lketool.score): 'nothing-to-do' = 100 %, 'undefined' = no value
# (the verdict cannot rest on it); decided per item from Lampiran III with the lines cited.
ZERO_RULES = {
    "R.1.i.a": [
        "undefined",
        "PermenPANRB 90/2021 Lampiran III baris 3720-3727: persentase = perubahan yang dibuat / jumlah agen perubahan; agen perubahan wajib ditetapkan (baris 2804-2808), tanpa agen perubahan rasio tidak terdefinisi"
    ],
    "R.1.i.b": [
        "undefined",
        "PermenPANRB 90/2021 Lampiran III baris 3728-3732: persentase = perubahan terintegrasi / perubahan yang dibuat; tanpa perubahan yang dibuat rasio tidak terdefinisi"
    ],
    "R.4.i.a": [
        "undefined",
        "PermenPANRB 90/2021 Lampiran III baris 3935-3941: persentase = sasaran tercapai / jumlah sasaran kinerja; unit tanpa sasaran kinerja tidak dapat dinilai"
    ],
    "R.5.ii.a": [
        "nothing-to-do",
        "PermenPANRB 90/2021 Lampiran III baris 4007-4013: realisasi penanganan pengaduan yang harus diselesaikan; tanpa pengaduan tidak ada yang tertunggak"
    ],
    "R.5.iii.a.a": [
        "nothing-to-do",
        "PermenPANRB 90/2021 Lampiran III baris 4019-4035: kepatuhan penyampaian LHKPN; tanpa pejabat wajib lapor tidak ada yang belum melapor"
    ],
    "R.5.iii.b.a": [
        "nothing-to-do",
        "PermenPANRB 90/2021 Lampiran III baris 4040-4053: kepatuhan penyampaian LHKASN; tanpa ASN wajib lapor tidak ada yang belum melapor"
    ],
    "R.6.i.b": [
        "undefined",
        "PermenPANRB 90/2021 Lampiran III baris 4080-4089: persentase = pelayanan dipermudah / pelayanan terdata; unit layanan tanpa pelayanan terdata tidak dapat dinilai"
    ]
}

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def clean(text: str | None) -> str:
    return re.sub(r"[ \t]+", " ", (text or "").replace("\r", "")).strip()


def strip_marker(name: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Z]{1,3}\.|\d+\.|[ivx]+\.|[a-z]\.)\s*(.*)$", name)
    return (m.group(1), clean(m.group(2))) if m else ("", clean(name))


def item_from_soal(s: dict, item_id: str, marker: str) -> dict:
    kind = TYPE_MAP[s["jenis_jawaban"].upper()]
    item = {"id": item_id, "marker": marker, "soal_id": s["id"], "type": kind,
            "text": clean(s["teks_pertanyaan"]), "criteria": clean(s.get("kriteria_nilai"))}
    return item


def build(master: dict) -> tuple[dict, dict]:
    pct_by_first = {p["first"]: p for p in PCT}
    pct_member = {sid: p for p in PCT for sid in p["roles"]}
    portal_rows: dict[str, int] = {}
    components = []
    for comp in master["data"]:
        cmark, cname = strip_marker(comp["nama"])
        ccode = "A" if cmark.startswith("A") else "B"
        cnode = {"id": "pengungkit" if ccode == "A" else "hasil", "marker": cmark, "name": cname,
                 "weight": comp["bobot_maksimal"], "subcomponents": []}
        components.append(cnode)
        for sub in comp["children"]:
            smark, sname = strip_marker(sub["nama"])
            if ccode == "A":
                sid = "pemenuhan" if smark == "I." else "reform"
                half = "P" if sid == "pemenuhan" else "R"
            else:
                sid = "bersih_akuntabel" if smark == "I." else "pelayanan_prima"
                half = "H"
            snode = {"id": sid, "marker": smark, "name": sname, "weight": sub["bobot_maksimal"]}
            cnode["subcomponents"].append(snode)
            if ccode == "B":
                # Hasil: each soal is its own indicator, weight = soal weight.
                snode["indicators"] = []
                for k, s in enumerate(sub["soals"]):
                    letter = "abcdefgh"[k]
                    kind = TYPE_MAP[s["jenis_jawaban"].upper()]
                    metric = {"survey": "ipak" if smark == "I." else "ipkp", "abcde": "capaian_kinerja"}[kind]
                    iid = f"H.{smark.rstrip('.')}.{letter}"
                    snode["indicators"].append({
                        "id": iid, "marker": letter, "metric": metric, "name": clean(s["teks_pertanyaan"]),
                        "weight": s["bobot_maksimal"], "items": [item_from_soal(s, iid, letter)]})
                    portal_rows[str(s["id"])] = s["excel_baris"]
                continue
            snode["areas"] = []
            for area in sub["children"]:
                amark, aname = strip_marker(area["nama"])
                anum = int(amark.rstrip("."))
                anode = {"id": AREA_IDS[anum], "number": anum, "name": aname, "name_en": AREA_EN[AREA_IDS[anum]],
                         "weight": area["bobot_maksimal"], "indicators": []}
                snode["areas"].append(anode)
                for ind in area["children"]:
                    anode["indicators"].append(build_indicator(ind, f"{half}.{anum}", pct_by_first,
                                                               pct_member, portal_rows))
    return {"components": components}, portal_rows


def build_indicator(ind: dict, prefix: str, pct_by_first, pct_member, portal_rows) -> dict:
    imark, iname = strip_marker(ind["nama"])
    iid = f"{prefix}.{imark.rstrip('.')}"
    node = {"id": iid, "marker": imark, "name": iname, "weight": ind["bobot_maksimal"]}
    if ind.get("children"):
        # LHKPN / Non-LHKPN: the indicator's score is the sum of its sub-indicators.
        node["children"] = [build_indicator(ch, iid, pct_by_first, pct_member, portal_rows)
                            for ch in ind["children"]]
        return node
    items = []
    letter = iter("abcdefghijklmnop")
    for s in ind["soals"]:
        portal_rows[str(s["id"])] = s["excel_baris"]
        if s["id"] in pct_member:
            p = pct_member[s["id"]]
            if s["id"] != p["first"]:
                continue
            lt = next(letter)
            item = {"id": f"{iid}.{lt}", "marker": f"{lt}.", "soal_id": None, "type": "pct",
                    "text": p["text"], "criteria": "", "formula": p["formula"], "inputs": []}
            crit = clean(s.get("kriteria_nilai"))
            # PortalRB keeps the % row's own text in the first input's criteria.
            lines = crit.split("\n")
            item["criteria"] = "\n".join(lines[1:]).strip() if lines and p["text"][:20].lower() in lines[0].lower() else crit
            if p.get("total"):
                item["inputs"].append({"id": f"{item['id']}.total", "soal_id": None, "role": "total",
                                       "text": p["total"]["text"], "layout_only": LAMPIRAN_III,
                                       "computed": p["total"]["computed"]})
            items.append(item)
            for k, (sid, role) in enumerate(p["roles"].items(), start=1):
                src = find_soal(ind, sid)
                text = p.get("input_texts", {}).get(sid) or clean(src["teks_pertanyaan"])
                item["inputs"].append({"id": f"{item['id']}.{k}", "soal_id": sid, "role": role,
                                       "text": text, "portalrb_text": clean(src["teks_pertanyaan"])})
            if item["id"] in ZERO_RULES:
                item["zero_rule"], item["zero_source"] = ZERO_RULES[item["id"]]
            continue
        lt = next(letter)
        items.append(item_from_soal(s, f"{iid}.{lt}", f"{lt}."))
    node["items"] = items
    return node


def find_soal(ind: dict, sid: int) -> dict:
    for s in ind["soals"]:
        if s["id"] == sid:
            return s
    raise KeyError(sid)


def add_aliases(rubric: dict) -> None:
    def walk(ind):
        al = ALIASES.get(f"ind:{ind['id']}")
        if al:
            ind["aliases"] = al
        for ch in ind.get("children", []):
            walk(ch)
    for comp in rubric["components"]:
        for sub in comp["subcomponents"]:
            for area in sub.get("areas", []):
                for ind in area["indicators"]:
                    walk(ind)


HEADER = {
    "edition": "permenpanrb-90-2021",
    "title": "LKE Zona Integritas - Lampiran III PermenPANRB Nomor 90 Tahun 2021",
    "sources": [
        "PermenPANRB 90/2021 Lampiran III (LKE ZI), Lampiran I Tabel 3-4 (bobot), Lampiran II Tabel 6 (predikat)",
        "PermenPANRB 5/2024 (mengganti Lampiran II Bab II saja; LKE dan ambang predikat tetap)",
        "PortalRB Master Soal LKE ZI 2026 (soal_id, bobot, skema penilaian)",
    ],
    "answer_types": {
        "yn": {"label": "Ya/Tidak", "options": {"Ya": 1, "Tidak": 0}},
        "abc": {"label": "A/B/C", "options": {"A": 1, "B": 0.5, "C": 0}},
        # 0.67 / 0.33 are literal in the official formula, not 2/3 and 1/3.
        "abcd": {"label": "A/B/C/D", "options": {"A": 1, "B": 0.67, "C": 0.33, "D": 0}},
        "abcde": {"label": "A/B/C/D/E", "options": {"A": 1, "B": 0.75, "C": 0.5, "D": 0.25, "E": 0}},
        "pct": {"label": "%"},
        "count": {"label": "Jumlah"},
        "survey": {"label": "Nilai (0-4)", "min": 0, "max": 4},
    },
    "predicates": PREDICATES,
}


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared/lke-data/axxpxmd_zona_integritas/response_master_soal_lkezi_2026.json"
    master = json.loads(src.read_text(encoding="utf-8"))
    body, portal_rows = build(master)
    add_aliases(body)
    rubric = dict(HEADER)
    rubric.update(body)
    layout = {
        "layout": PORTALRB_2026, "editions": [rubric["edition"]], "sheet": "Jawaban", "header_row": 1,
        "columns": {"answer": "K", "note": "L", "evidence": "M", "tpi_answer": "N", "tpi_note": "Q",
                    "text": "G", "type": "J"},
        "rows": portal_rows,
    }
    # Check both files together before writing either: a bad build never replaces good data.
    gaps = spec_gaps(PORTALRB_2026, layout, rubric_from_dict(rubric, source=str(OUT_RUBRIC), check_layouts=False))
    if gaps:
        raise RubricError(str(OUT_PORTALRB), gaps)
    OUT_RUBRIC.parent.mkdir(parents=True, exist_ok=True)
    OUT_RUBRIC.write_text(json.dumps(rubric, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    OUT_PORTALRB.parent.mkdir(parents=True, exist_ok=True)
    OUT_PORTALRB.write_text(json.dumps(layout, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT_RUBRIC.relative_to(ROOT)} and {OUT_PORTALRB.relative_to(ROOT)} ({len(portal_rows)} soal)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
