#!/usr/bin/env python3
"""Generate a large four-silo Chinese CRM data set with complete ground truth, shaped like ../shared/dev.

    python3 benches/gen/generate_silos.py --customers 100000 --seed 42 --out DIR

writes DIR/sources/{access_customers.csv, erp_customers.csv, excel_survey.xlsx, oa_followups.jsonl} and
DIR/truth/{truth.csv, entities.csv, expected_errors.csv, corruptions.csv, hard_negatives.csv, stats.json}
in the formats of the dev sets (see /work/shared/dev/README.md), so that dev/score.py scores steward on them.

Python 3.11 standard library only.  Deterministic: the same --customers / --seed / options give the same bytes
(timings go to DIR/generation.json, which is the only file that differs between runs).  Rows are written as
they are rendered; what stays in memory is every entity marshalled (~330 bytes each), one packed int per
source record (sorted per source) and, while entities are built, a set of 64-bit identifier hashes:
about 0.7 GB at 1 M customers.

See README.md next to this file for what is and is not reproduced from the dev sets.
"""
import argparse
import bisect
import csv
import hashlib
import itertools
import json
import marshal
import math
import os
import random
import re
import sys
import time
import unicodedata
import zipfile
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository
import cn_data as D  # noqa: E402

DEFAULT_DIVISION_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "src", "normalize", "data"))

# ================================================================================================
# hashing, seeded streams, weighted choice
# ================================================================================================
M64 = (1 << 64) - 1


def mix64(x):
    """splitmix64 finaliser."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def hkey(seed, *parts):
    h = mix64(seed & M64)
    for p in parts:
        h = mix64(h ^ (p & M64))
    return h


def hunit(seed, *parts):
    return hkey(seed, *parts) / 18446744073709551616.0


def h64s(s):
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little") | (1 << 64)


# stream ids (the second part of every key)
S_NAME, S_IDENT, S_BASE, S_MEMB, S_ROLE, S_KIND, S_SRC = 1, 2, 3, 4, 5, 6, 7
SRC_IDX = {"access": 0, "erp": 1, "excel": 2, "oa": 3}


class W:
    """Weighted choice by bisect over cumulative weights."""
    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, r):
        return self.items[bisect.bisect_right(self.cum, r.random() * self.total)]


# ================================================================================================
# check characters (GB 11643 / ISO 7064 MOD 11-2, GB 32100, GB 11714, ISO 7064 MOD 11,10)
# ================================================================================================
ID_W = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHK = "10X98765432"
USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VAL = {c: i for i, c in enumerate(USCC_ALPHA)}
USCC_W = [pow(3, i, 31) for i in range(17)]
ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)


def id_check(body17):
    return ID_CHK[sum(int(c) * w for c, w in zip(body17, ID_W)) % 11]


def id_valid(s):
    return len(s) == 18 and s[:17].isdigit() and (s[17].isdigit() or s[17] == "X") and id_check(s[:17]) == s[17]


def uscc_check(body17):
    return USCC_ALPHA[(31 - sum(USCC_VAL[c] * w for c, w in zip(body17, USCC_W)) % 31) % 31]


def uscc_valid(s):
    return len(s) == 18 and all(c in USCC_VAL for c in s) and uscc_check(s[:17]) == s[17]


def org_check(body8):
    t = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_W))
    c = 11 - t % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def regno_check(d14):
    p = 10
    for ch in d14:
        s = (p + int(ch)) % 10 or 10
        p = (s * 2) % 11
    return str((11 - p) % 10)


def id_date_ok(s):
    """positions 7-14 are a plausible birth date (1910 .. 2024-12-31)."""
    try:
        y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
        return 1910 <= y and date(y, m, d) <= date(2024, 12, 31)
    except ValueError:
        return False


PH_TEXT_ALL = {"无", "不详", "未知", "無", "不詳", "暫無", "test", "n/a", "暂无", "-", "空", "null", "none", "个人",
               "1@1.com", "test@test.com", "000000000000000000", "111111111111111111", "123456789012345678",
               "1900-01-01", "1900/1/1", "0000-00-00"}
PH_MOB_SET = set(D.PH_MOBILES)


def classify_idcode(s, mode):
    """What a standards-based validator concludes about a value in an ID column ('id' 身份证, 'uscc' 统一社会信用代码,
    'either' the ERP 税号/证件号 column).  Used as a guard so that every injected ID error is unambiguous."""
    s = unicodedata.normalize("NFKC", s).strip().lstrip("'").replace(" ", "")
    if not s:
        return None
    if s.lower() in PH_TEXT_ALL:
        return "placeholder"
    u = s.upper()
    is18 = re.fullmatch(r"\d{17}[\dX]", u) is not None
    idlike = is18 and id_date_ok(u)
    legacy_org = re.fullmatch(r"[0-9A-Z]{8}-[0-9X]", u) is not None
    if mode == "id":
        if idlike and id_valid(u):
            return None
        if uscc_valid(u):
            return "misplaced_value"
        if re.fullmatch(r"\d{15}", u):
            return "legacy_id_15"
        return "invalid_id_checksum" if is18 else "invalid_id_format"
    if mode == "uscc":
        if uscc_valid(u):
            return None
        if re.fullmatch(r"\d{15}", u):
            return "legacy_reg_no"
        return "legacy_org_code" if legacy_org else "invalid_uscc"
    if idlike:
        return None if id_valid(u) else "invalid_id_checksum"
    if uscc_valid(u):
        return None
    if re.fullmatch(r"\d{15}", u):
        return "legacy_reg_no" if regno_valid(u) else "legacy_id_15"
    if legacy_org:
        return "legacy_org_code"
    if re.fullmatch(r"\d{16,17}", u) and id_date_ok(u + "0"):
        return "invalid_id_format"
    return "invalid_uscc"


def regno_valid(d15):
    return regno_check(d15[:14]) == d15[14]


EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def email_ok(s):
    return EMAIL_RE.fullmatch(s) is not None and ".." not in s


# ================================================================================================
# text helpers: pinyin, homophones, traditional characters, full-width
# ================================================================================================
PY = {}
PY_GROUP = {}
for _line in D.PINYIN_GROUPS.strip().splitlines():
    _s, _cs = _line.split()
    PY_GROUP[_s] = _cs
    for _c in _cs:
        PY.setdefault(_c, _s)
for _c, _s in D.EXTRA_PINYIN.items():
    PY.setdefault(_c, _s)

S2T = {a: b for a, b in zip(D.TRAD_PAIRS[0::2], D.TRAD_PAIRS[1::2])}
S2HK = dict(S2T)
S2HK.update(D.TRAD_HK_DIFF)
T_TW = str.maketrans(S2T)
T_HK = str.maketrans(S2HK)
FW = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789+-#()X"})


def homophones(c):
    p = PY.get(c)
    if not p:
        return ""
    return PY_GROUP[p].replace(c, "")


def fuzzy_pinyins(p):
    out = []
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if p.startswith(a):
            out.append(b + p[len(a):])
            break
        if p.startswith(b) and not p.startswith(b + "h"):
            out.append(a + p[len(b):])
            break
    if p.startswith("n"):
        out.append("l" + p[1:])
    elif p.startswith("l") and not p.startswith("lv"):
        out.append("n" + p[1:])
    for a, b in (("ang", "an"), ("eng", "en"), ("ing", "in")):
        if p.endswith(a):
            out.append(p[:-len(a)] + b)
            break
        if p.endswith(b):
            out.append(p[:-len(b)] + a)
            break
    return [q for q in out if q in PY_GROUP]


def cap(s):
    return s[:1].upper() + s[1:]


def fullwidth_part(r, s):
    """Full-width digits in all or part of the string (clerks on a Chinese IME)."""
    if r.random() < 0.5 or len(s) < 4:
        return s.translate(FW)
    a = r.randrange(0, len(s) - 2)
    b = r.randrange(a + 2, len(s) + 1)
    return s[:a] + s[a:b].translate(FW) + s[b:]


# ================================================================================================
# geography: GB/T 2260 divisions vendored in src/normalize/data, landline area codes
# ================================================================================================
PROV_SHORT_SPECIAL = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
                      "新疆维吾尔自治区": "新疆", "黑龙江省": "黑龙江"}


class Area:
    __slots__ = ("code", "name", "short", "city")


class City:
    __slots__ = ("code", "name", "short", "pcode", "pname", "pshort", "areas", "apick", "municipal", "nodistrict",
                 "tel", "tel8", "postcode", "weight", "big")


def _short_city(n):
    if "自治州" in n:
        return n[:2]
    if n.endswith("地区"):
        return n[:-2]
    if n.endswith("盟"):
        return n[:-1]
    if n.endswith("市") and len(n) > 2:
        return n[:-1]
    return n


def _short_area(n):
    if "自治县" in n or "自治旗" in n:
        return n[:2]
    if len(n) > 2 and n[-1] in "区县市":
        return n[:-1]
    return n


def _read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[1:]


class Geo:
    def __init__(self, data_dir):
        provs = {r[0]: r[1] for r in _read_csv(os.path.join(data_dir, "provinces.csv"))}
        cities_raw = {r[0]: (r[1], r[2]) for r in _read_csv(os.path.join(data_dir, "cities.csv"))}
        tel = {}
        with open(os.path.join(data_dir, "area_codes.tsv"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                code, p, c = line.rstrip("\n").split("\t")
                tel.setdefault((p, c), code)
        self.cities = {}
        for code, (name, pcode) in cities_raw.items():
            if "直辖" in name:
                continue  # 省直辖县级行政区划: left out (no prefecture to name)
            municipal = name in ("市辖区", "县")
            ccode = pcode + "01" if municipal else code
            if ccode in self.cities:
                continue
            c = City()
            c.code, c.pcode, c.pname = ccode, pcode, provs[pcode]
            c.name = provs[pcode] if municipal else name
            c.short = _short_city(c.name)
            c.pshort = PROV_SHORT_SPECIAL.get(c.pname, c.pname.rstrip("省市") if len(c.pname) > 2 else c.pname)
            c.municipal = municipal
            c.areas = []
            self.cities[ccode] = c
        self.areas = {}
        for r in _read_csv(os.path.join(data_dir, "areas.csv")):
            code, name, ccode, pcode = r
            city = self.cities.get(ccode) or (self.cities.get(pcode + "01") if ccode in (pcode + "01", pcode + "02") else None)
            if city is None:
                continue
            if city.municipal and not ccode.startswith(pcode):
                continue
            a = Area()
            a.code, a.name, a.short, a.city = code, name, _short_area(name), city
            city.areas.append(a)
            self.areas[code] = a
        for c in list(self.cities.values()):
            if not c.areas:
                del self.cities[c.code]
                continue
            c.nodistrict = len(c.areas) == 1 and c.areas[0].name == c.name
            c.apick = W(c.areas, [3.0 if a.name.endswith("区") else 2.0 if a.name.endswith("市") else
                                  0.6 if a.name.endswith("旗") else 1.0 for a in c.areas])
        # landline area codes; a city missing from the table borrows its capital's
        caps = {}
        for c in sorted(self.cities.values(), key=lambda c: c.code):
            caps.setdefault(c.pcode, c)
        for c in self.cities.values():
            c.tel = tel.get((c.pname, c.name)) or tel.get((c.pname, caps[c.pcode].name)) or "0" + c.pcode[:1] + "00"
            c.tel8 = len(c.tel) == 3
        # weights: province weight shared by its prefectures, the capital a quarter
        by_prov = {}
        for c in self.cities.values():
            by_prov.setdefault(c.pcode, []).append(c)
        for pcode, cs in by_prov.items():
            cs.sort(key=lambda c: c.code)
            pw = D.PROVINCE_WEIGHT.get(pcode, 1.0)
            for k, c in enumerate(cs):
                c.big = k == 0
                if len(cs) == 1:
                    c.weight = pw
                else:
                    c.weight = pw * (0.25 if k == 0 else 0.75 / (len(cs) - 1))
                pre = D.PROVINCE_SHORT_POSTCODE.get(pcode, "10")
                c.postcode = pre + "0000" if k == 0 else pre + str(1 + (int(c.code[2:]) * 7) % 9) + "000"
        self.city_list = sorted(self.cities.values(), key=lambda c: c.code)
        self.cpick = W(self.city_list, [c.weight for c in self.city_list])
        self.by_prov = by_prov

    def full_prefix(self, a):
        c = a.city
        if c.municipal:
            return c.pname + a.name
        if c.nodistrict:
            return c.pname + c.name
        return c.pname + c.name + a.name


# ================================================================================================
# addresses: (area code, street, number, detail) tuples rendered into strings
# ================================================================================================
STREET_STEMS = D.STREET_STEMS


def gen_addr(r, area_code, office):
    street = r.choice(STREET_STEMS) + r.choice(D.STREET_DIRS) + r.choice(D.STREET_SUFFIX)
    num = r.randint(1, 9) if r.random() < 0.45 else r.randint(1, 999)
    x = r.random()
    if office:
        if x < 0.35:
            det = ("zuo", r.choice(D.TOWERS), "ABC"[r.randrange(3)], r.randint(1, 32), r.randint(1, 28))
        elif x < 0.55:
            det = ("tdong", r.choice(D.TOWERS), r.randint(1, 12), r.randint(1, 32), r.randint(1, 28))
        elif x < 0.75:
            det = ("ceng", r.randint(1, 12), r.randint(1, 6))
        else:
            det = None
    else:
        if x < 0.40:
            det = ("lou", r.choice(D.ESTATES), r.randint(1, 30), r.randint(1, 6), r.randint(1, 28), r.randint(1, 4))
        elif x < 0.55:
            det = ("dong", r.choice(D.ESTATES) if r.random() < 0.4 else "", r.randint(1, 30), r.randint(1, 30),
                   r.randint(1, 8))
        elif x < 0.59:
            det = ("yuan",)
        elif x < 0.61:
            det = ("fujin",)
        elif x < 0.63:
            det = ("louhao",)
        else:
            det = None
    return (area_code, street, num, det)


DETAIL_FORMATS = {"lou": ("dash", "dong", "hash", "zhuang", "space"), "dong": ("dash", "space"),
                  "zuo": ("space",), "tdong": ("dash", "space"), "ceng": ("hash", "space")}


def addr_rest(addr, fmt=None, num=None):
    _, street, n, det = addr
    base = f"{street}{n if num is None else num}号"
    if det is None:
        return base
    k = det[0]
    if k == "yuan":
        return base + "院"
    if k == "fujin":
        return base + "附近"
    if k == "louhao":
        return base + "楼"
    sp = " " if fmt == "space" else ""
    if k == "lou":
        _, est, b, u, fl, rm = det
        if fmt == "dash":
            return f"{base}{sp}{est}{b}-{u}-{fl}{rm:02d}"
        if fmt == "dong":
            return f"{base}{est}{b}栋{u}单元{fl}{rm:02d}"
        if fmt == "hash":
            return f"{base}{est}{b}#{u}单元{fl}{rm:02d}"
        if fmt == "zhuang":
            return f"{base}{est}{b}幢{u}单元{fl}{rm:02d}室"
        return f"{base}{sp}{est}{b}号楼{u}单元{fl}{rm:02d}室"
    if k == "dong":
        _, est, b, fl, rm = det
        if fmt == "dash":
            return f"{base}{est}{b}-{fl}{rm:02d}"
        return f"{base}{sp}{est}{b}栋{fl}{rm:02d}"
    if k == "zuo":
        _, tw, letter, fl, rm = det
        return f"{base}{sp}{tw}{letter}座{fl}{rm:02d}室"
    if k == "tdong":
        _, tw, b, fl, rm = det
        if fmt == "dash":
            return f"{base}{tw}{b}-{fl}{rm:02d}"
        return f"{base}{sp}{tw}{b}栋{fl}{rm:02d}室"
    _, b, fl = det
    if fmt == "hash":
        return f"{base}{b}#{fl}层"
    return f"{base}{sp}{b}号楼{fl}层"


# ================================================================================================
# the universe of true entities
# ================================================================================================
MOBILE_PREFIXES = ([str(p) for p in range(130, 140)] + ["145", "147", "150", "151", "152", "153", "155", "156", "157",
                   "158", "159", "166", "172", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184",
                   "185", "186", "187", "188", "189", "191", "193", "195", "198", "199"])
MOBILE_PW = [3] * 10 + [1, 1, 3, 3, 3, 2, 2, 2, 2, 3, 3, 1, 1, 1, 1, 2, 2, 1, 3, 3, 3, 2, 1, 2, 3, 2, 3, 3, 1, 1, 1, 1, 2]


def _surnames():
    items, ws = [], []
    for tok in D.SURNAMES.split():
        m = re.fullmatch(r"(\D+)(\d+)", tok)
        items.append(m.group(1))
        ws.append(float(m.group(2)))
    for s, p, w in D.COMPOUND_SURNAMES:
        items.append(s)
        ws.append(w)
    return W(items, ws)


SURNAME_PICK = _surnames()
MOBPICK = W(MOBILE_PREFIXES, MOBILE_PW)
TRADE_PICK = W(list(range(len(D.TRADES))), D.TRADE_WEIGHTS)
TRADE_BY_WORD = {t[0]: t for t in D.TRADES}
CREDIT_P = W([None, 5000, 10000, 20000, 30000, 50000, 0], [40, 14, 15, 9, 5, 9, 5])
CREDIT_C = W([50000, 100000, 200000, 300000, 500000, 800000, 1000000, 1500000, 2000000, 5000000, 10000000, 0],
             [12, 19, 16, 12, 16, 7, 11, 5, 6, 4, 1, 5])


def pinyin_of(s):
    return "".join(PY.get(c, "") for c in s)


def surname_py(s):
    for cs, p, _w in D.COMPOUND_SURNAMES:
        if s == cs:
            return p
    return PY.get(s, "")


def date_str(o):
    d = date.fromordinal(o)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


BIRTH_LO = date(1944, 7, 1).toordinal()
BIRTH_HI = date(2006, 6, 28).toordinal()
T0 = datetime(2012, 1, 1)
T_END_S = int((datetime(2024, 6, 28, 18, 0) - T0).total_seconds())
SURVEY_LO_S = int((datetime(2022, 1, 1, 9, 0) - T0).total_seconds())


def ts_dt(ts):
    """record timestamp (seconds since 2012-01-01, uniform) -> a datetime in office hours (08:00-18:30)."""
    day, sec = divmod(ts, 86400)
    return T0 + timedelta(days=day, seconds=28800 + sec * 37800 // 86400)


ROLES = ("plain", "emp_link", "same_name", "household", "same_zihao", "branch", "shared_contact", "person_contact")
P_KEYS = ("i", "type", "kind", "role", "ref", "sub", "surname", "given", "name", "gender", "birth", "id18", "harea",
          "rarea", "mobile", "old_mobile", "email", "old_email", "addr", "old_addr", "landline", "employer",
          "old_employer", "credit", "old_credit", "name_en")
C_KEYS = ("i", "type", "kind", "role", "ref", "sub", "comp", "name", "industry", "uscc", "org9", "area", "est",
          "contact_name", "contact_mobile", "old_contact", "email", "addr", "old_addr", "landline", "old_landline",
          "credit", "old_credit", "name_en_co")
COMPOUND = ("欧阳", "司马", "上官", "诸葛")


class Universe:
    """The true entities.  Entity i is built once by build(i, attempt) from its own seeded streams; relational
    entities (hard negatives, employees of customer companies) copy values from a *plain* entity j, so the
    build order is: plain companies, plain persons, relational companies, relational persons.  `attempt` > 0
    only where an identifier (身份证, USCC, mobile, e-mail, company name) collided with an earlier entity: a
    person then gets new identifiers only, a company is drawn again.
    Built entities are kept marshalled (about 330 bytes each) for the source passes."""

    def __init__(self, n, seed, geo):
        self.n, self.seed, self.geo = n, seed, geo
        self.n_persons = int(round(n * 0.7))
        a = (0x9E3779B1 % n) or 1
        while math.gcd(a, n) != 1:
            a += 1
        self.pa, self.pb = a, hkey(seed, 99) % n
        self._prefixes = {}
        self.refs = {}
        self.cache = [None] * n
        roles = bytearray(n)
        for i in range(n):
            u = hunit(seed, S_ROLE, i)
            if self.is_person(i):
                roles[i] = 2 if u < 0.03 else 3 if u < 0.06 else 1 if u < 0.145 else 0
            else:
                roles[i] = 4 if u < 0.02 else 5 if u < 0.03 else 6 if u < 0.04 else 7 if u < 0.05 else 0
        self.roles = roles

    # ---- type / role / references --------------------------------------------------------------
    def is_person(self, i):
        return (i * self.pa + self.pb) % self.n < self.n_persons

    def role(self, i):
        return ROLES[self.roles[i]]

    def plain(self, i):
        return self.roles[i] < 2

    def company_kind(self, i):
        if self.roles[i] in (4, 5):
            return "company"
        u = hunit(self.seed, S_KIND, i)
        return "company" if u < 0.87 else "individual" if u < 0.97 else "institution"

    def build_order(self):
        n = self.n
        yield from (i for i in range(n) if self.plain(i) and not self.is_person(i))
        yield from (i for i in range(n) if self.plain(i) and self.is_person(i))
        yield from (i for i in range(n) if not self.plain(i) and not self.is_person(i))
        yield from (i for i in range(n) if not self.plain(i) and self.is_person(i))

    def get(self, i):
        t = marshal.loads(self.cache[i])
        return dict(zip(P_KEYS if t[1] == "person" else C_KEYS, t))

    def put(self, e):
        self.cache[e["i"]] = marshal.dumps(tuple(e[k] for k in (P_KEYS if e["type"] == "person" else C_KEYS)))

    def pick_ref(self, r, i, person, pred=None):
        for _ in range(2000):
            j = r.randrange(self.n)
            if j != i and self.is_person(j) == person and self.plain(j) and (pred is None or pred(j)):
                return j
        raise RuntimeError(f"no reference entity found for {i}")

    def ref(self, i):
        """(referenced plain entity, hard-negative kind) of a relational entity, from its own role stream."""
        if self.roles[i] < 2:
            return None, None
        got = self.refs.get(i)
        if got:
            return got
        role = self.role(i)
        r = random.Random(hkey(self.seed, S_ROLE, i, 1))
        if role == "same_name":
            x = r.random()
            kind = "same_name" if x < 0.55 else "same_name_same_city" if x < 0.85 else "same_name_same_employer"
            pred = (lambda j: self.get(j)["employer"] != "") if kind == "same_name_same_employer" else None
            got = self.pick_ref(r, i, True, pred), kind
        elif role == "household":
            got = self.pick_ref(r, i, True, lambda j: self.get(j)["landline"] != ""), "household_shared_address_landline"
        elif role == "person_contact":
            got = self.pick_ref(r, i, True), "person_is_company_contact"
        else:
            j = self.pick_ref(r, i, False, lambda j: self.company_kind(j) == "company")
            got = j, {"same_zihao": "company_same_zihao_other_city", "branch": "company_branch_of",
                      "shared_contact": "company_shared_contact_person"}[role]
        self.refs[i] = got
        return got

    # ---- shared generators ---------------------------------------------------------------------
    def gen_name(self, r, gender):
        surname = SURNAME_PICK.pick(r)
        if r.random() < 0.15:
            given = r.choice(D.COMMON_GIVEN_MALE if gender == "男" else D.COMMON_GIVEN_FEMALE)
        else:
            pool = D.MALE_CHARS if gender == "男" else D.FEMALE_CHARS
            if r.random() < 0.15:
                given = r.choice(pool)
            else:
                a = r.choice(pool)
                b = r.choice(pool)
                while b == a:
                    b = r.choice(pool)
                given = a + b
        return surname, given

    def mobile(self, r, city):
        """a mobile from one of the 7-digit prefixes (3-digit operator prefix + H segment) of the city."""
        pre = MOBPICK.pick(r)
        key = (city.code, pre)
        hs = self._prefixes.get(key)
        if hs is None:
            base = hkey(self.seed, 7001, int(city.code), int(pre))
            hs = [f"{(base + k * 7919) % 10000:04d}" for k in range(24)]
            self._prefixes[key] = hs
        while True:
            m = pre + r.choice(hs) + f"{r.randrange(10000):04d}"
            if m not in PH_MOB_SET:
                return m

    def landline(self, r, city, ext_p=0.0):
        n = 8 if city.tel8 or (city.big and r.random() < 0.8) or r.random() < 0.5 else 7
        local = str(r.randint(2, 8)) + f"{r.randrange(10 ** (n - 1)):0{n - 1}d}"
        v = f"{city.tel}-{local}"
        if ext_p and r.random() < ext_p:
            v += f"-{r.randint(100, 9999)}"
        return v

    def person_email(self, r, surname, given, birth_year):
        sp, gp = surname_py(surname), pinyin_of(given)
        x = r.random()
        prov = D.EMAIL_PROVIDERS[bisect.bisect_right(_EMAIL_CUM, r.random() * _EMAIL_CUM[-1])]
        if x < 0.25:
            return f"{r.randint(10000000, 3999999999)}@qq.com"
        if x < 0.62:
            tail = ["", str(r.randint(1, 99)), str(r.randint(100, 9999)), str(birth_year), f"{birth_year % 100:02d}"][r.randrange(5)]
            return f"{sp}{gp}{tail}@{prov}"
        if x < 0.78:
            ini = sp[:1] + "".join(PY.get(c, "x")[:1] for c in given)
            return f"{ini}{r.randint(10, 9999)}@{prov}"
        if x < 0.89:
            return f"{gp}.{sp}@{prov}"
        return f"{sp}.{gp}@{prov}"

    def employer_name(self, r, city):
        """a non-customer employer: a made-up 有限公司 in the city."""
        z = r.choice(D.ZIHAO_CHARS) + r.choice(D.ZIHAO_CHARS)
        t = D.TRADES[TRADE_PICK.pick(r)][0]
        suf = "有限公司" if r.random() < 0.8 else "有限责任公司"
        x = r.random()
        if x < 0.7:
            return (city.short if r.random() < 0.75 else city.pshort) + z + t + suf
        if x < 0.85:
            return f"{z}{t}（{city.short}）{suf}"
        return z + t + suf

    def build(self, i, attempt):
        return self.build_person(i, attempt) if self.is_person(i) else self.build_company(i, attempt)

    def keys(self, e):
        """identifiers that must be unique across entities (as 64-bit hashes / ints)."""
        if e["type"] == "person":
            ks = [h64s(e["id18"]), int(e["mobile"])]
            if e["old_mobile"]:
                ks.append(int(e["old_mobile"]))
            if e["email"]:
                ks.append(h64s(e["email"].lower()))
            if e["old_email"]:
                ks.append(h64s(e["old_email"].lower()))
            return ks
        ks = [h64s("N" + e["name"]), h64s(e["uscc"])]
        if e["role"] not in ("shared_contact", "person_contact"):
            ks.append(int(e["contact_mobile"]))
        if e["old_contact"]:
            ks.append(int(e["old_contact"][1]))
        if e["email"]:
            ks.append(h64s(e["email"].lower()))
        return ks

    # ---- persons -------------------------------------------------------------------------------
    def build_person(self, i, attempt):
        geo = self.geo
        role = self.role(i)
        j, sub = self.ref(i)
        pj = self.get(j) if j is not None else None
        # r: everything but the identifiers; ru: the identifiers that must be unique (re-drawn on a collision,
        # so that a retry keeps the person's name, birth date, places and history)
        r = random.Random(hkey(self.seed, S_IDENT, i, 0))
        ru = random.Random(hkey(self.seed, S_IDENT, i, 1000 + attempt))
        gender = "男" if r.random() < 0.5 else "女"
        surname, given = self.gen_name(r, gender)
        if role == "same_name":
            surname, given, gender = pj["surname"], pj["given"], pj["gender"]
        elif role == "household" and hunit(self.seed, S_ROLE, i, 2) < 0.5:
            surname = pj["surname"]
        # birth: age 18-80, most 25-55; 身份证 from the hukou district
        birth = int(r.triangular(BIRTH_LO, BIRTH_HI, date(1993, 1, 1).toordinal()))
        bd = date.fromordinal(birth)
        hcity = geo.cpick.pick(r)
        harea = hcity.apick.pick(r)
        seq = ru.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
        body = f"{harea.code}{bd.year:04d}{bd.month:02d}{bd.day:02d}{seq:03d}"
        id18 = body + id_check(body)
        # residence: 75 % the hukou city, else elsewhere (mostly another province)
        if role == "household":
            rarea = geo.areas[pj["addr"][0]]
        elif sub == "same_name_same_city":
            rarea = geo.areas[pj["addr"][0]].city.apick.pick(r)
        elif r.random() < 0.75:
            rarea = harea if r.random() < 0.55 else hcity.apick.pick(r)
        else:
            c = geo.cpick.pick(r)
            if c.pcode == hcity.pcode and r.random() < 0.8:
                c = geo.cpick.pick(r)
            rarea = c.apick.pick(r)
        rcity = rarea.city
        mob = self.mobile(ru, rcity if r.random() < 0.7 else hcity)
        old_mob = self.mobile(ru, hcity if r.random() < 0.5 else rcity) if r.random() < 0.22 else ""
        email = self.person_email(ru, surname, given, bd.year) if r.random() < 0.70 else ""
        old_email = self.person_email(ru, surname, given, bd.year) if email and r.random() < 0.10 else ""
        if old_email == email:
            old_email = ""
        if role == "household":
            addr, landline = pj["addr"], pj["landline"]
        else:
            addr = gen_addr(r, rarea.code, False)
            landline = self.landline(r, rcity, 0.05) if r.random() < 0.35 else ""
        if role == "emp_link":
            rr = random.Random(hkey(self.seed, S_ROLE, i, 3))
            k = self.pick_ref(rr, i, False, lambda k: self.company_kind(k) == "company")
            employer = self.get(k)["name"]
        elif sub == "same_name_same_employer":
            employer = pj["employer"]
        else:
            employer = self.employer_name(r, rcity) if r.random() < 0.85 else ""
        old_employer = self.employer_name(r, rcity) if employer and r.random() < 0.12 else ""
        if r.random() < 0.18:  # moved: older address in the same city (60 %) or elsewhere
            oa = rcity.apick.pick(r) if r.random() < 0.6 else geo.cpick.pick(r).apick.pick(r)
            old_addr = gen_addr(r, oa.code, False)
        else:
            old_addr = None
        return {"i": i, "type": "person", "kind": "person", "role": role, "ref": j, "sub": sub,
                "surname": surname, "given": given, "name": surname + given, "gender": gender, "birth": birth,
                "id18": id18, "harea": harea.code, "rarea": rarea.code, "mobile": mob, "old_mobile": old_mob,
                "email": email, "old_email": old_email, "addr": addr, "old_addr": old_addr, "landline": landline,
                "employer": employer, "old_employer": old_employer, "credit": CREDIT_P.pick(r), "old_credit": None,
                "name_en": cap(surname_py(surname)) + " " + cap(pinyin_of(given))}

    # ---- companies -----------------------------------------------------------------------------
    def build_company(self, i, attempt):
        geo = self.geo
        role = self.role(i)
        kind = self.company_kind(i)
        j, sub = self.ref(i)
        ej = self.get(j) if j is not None else None
        r = random.Random(hkey(self.seed, S_IDENT, i, attempt))
        city = geo.cpick.pick(r)
        if role in ("same_zihao", "branch"):
            while city.code == geo.areas[ej["area"]].city.code:
                city = geo.cpick.pick(r)
        area = city.apick.pick(r)
        est = r.randint(1995, 2023)
        if kind == "company":
            if role == "same_zihao":
                zihao, trade = ej["comp"]["zihao"], ej["comp"]["trade"]
            else:
                zihao = r.choice(D.ZIHAO_CHARS) + r.choice(D.ZIHAO_CHARS)
                while zihao[0] == zihao[1]:
                    zihao = zihao[0] + r.choice(D.ZIHAO_CHARS)
                trade = D.TRADES[TRADE_PICK.pick(r)][0]
            x = r.random()
            suffix = "有限公司" if x < 0.72 else "有限责任公司" if x < 0.9 else "股份有限公司"
            x = r.random()
            if x < 0.62 or role == "same_zihao":
                form, region = "prefix", (city.short if r.random() < 0.7 else city.name if r.random() < 0.5 else city.pshort)
            elif x < 0.82:
                form, region = "paren", city.short
            else:
                form, region = "none", ""
            comp = {"form": form, "region": region, "zihao": zihao, "trade": trade, "suffix": suffix,
                    "city_short": city.short}
            if role == "branch":
                comp = dict(ej["comp"])
                comp["branch"] = city.short
                comp["parent"] = ej["name"]
                comp["city_short"] = city.short
            name = company_name(comp)
            industry = TRADE_BY_WORD[comp["trade"]][1]
        elif kind == "individual":
            zihao = r.choice(D.ZIHAO_CHARS) + r.choice(D.ZIHAO_CHARS)
            trade = r.choice(D.INDIVIDUAL_TRADES)
            suffix = r.choice(D.INDIVIDUAL_SUFFIXES)
            region = city.short + ("市" if r.random() < 0.6 and not city.short.endswith("市") else "")
            comp = {"form": "indiv", "region": region, "zihao": zihao, "trade": trade, "suffix": suffix,
                    "city_short": city.short}
            name = company_name(comp)
            industry = TRADE_BY_WORD[trade][1]
        else:
            pat, industry = D.INSTITUTIONS[r.randrange(len(D.INSTITUTIONS))]
            name = pat.format(c=city.short, p=city.pname, n=D.ORDINALS[r.randrange(10)], z=r.choice(D.ZIHAO_CHARS))
            comp = {"form": "inst", "name": name, "zihao": "", "trade": "", "city_short": city.short}
        # USCC: 91 company / 92 个体工商户 / 12 institution + registration district + GB 11714 code + GB 32100 check
        prefix = "91" if kind == "company" else "92" if kind == "individual" else "12"
        while True:
            if est < 2015 or kind == "institution":
                body8 = f"{r.randrange(10 ** 8):08d}"
            else:
                body8 = "MA" + "".join(r.choice(USCC_ALPHA) for _ in range(6))
            org9 = body8 + org_check(body8)
            b17 = prefix + area.code + org9
            uscc = b17 + uscc_check(b17)
            # an all-digit USCC whose positions 7-14 read as a birth date would be ambiguous in a 税号/证件号 column
            if uscc in PH_TEXT_ALL or (uscc.isdigit() and id_date_ok(uscc)):
                continue
            break
        # contact person (the 负责人 on the customer side)
        if role == "shared_contact":
            contact_name, contact_mobile = ej["contact_name"], ej["contact_mobile"]
        elif role == "person_contact":
            contact_name, contact_mobile = ej["name"], ej["mobile"]
        else:
            cs, cgv = self.gen_name(r, "男" if r.random() < 0.55 else "女")
            contact_name, contact_mobile = cs + cgv, self.mobile(r, city)
        if r.random() < 0.20:
            os_, ogv = self.gen_name(r, "男" if r.random() < 0.55 else "女")
            old_contact = (os_ + ogv, self.mobile(r, city))
        else:
            old_contact = None
        # work e-mail on a pinyin domain
        email = ""
        if r.random() < 0.75:
            zp = pinyin_of(comp["zihao"]) if comp["zihao"] else "".join(PY.get(c, "")[:1] for c in name[:4]) + "org"
            ini = TRADE_BY_WORD[comp["trade"]][3] if comp.get("trade") in TRADE_BY_WORD and r.random() < 0.4 else ""
            tld = [".com", ".net", ".cn", ".com.cn"][bisect.bisect_right((50, 75, 85, 100), r.random() * 100)]
            cn = contact_name
            csur = cn[:2] if cn[:2] in COMPOUND else cn[:1]
            sp, gp = surname_py(csur), pinyin_of(cn[len(csur):])
            x = r.random()
            if x < 0.4:
                local = f"{sp}{gp}{r.randint(1, 9999) if r.random() < 0.6 else ''}"
            elif x < 0.6:
                local = sp[:1] + "".join(PY.get(c, "x")[:1] for c in cn[len(csur):]) + str(r.randint(10, 999))
            elif x < 0.8:
                local = f"{gp}.{sp}"
            elif x < 0.9:
                local = f"{sp}{gp}"
            else:
                local = ["info", "sales", "admin", "service", "office"][r.randrange(5)]
            if local and zp:
                email = f"{local}@{zp}{ini}{tld}"
        addr = gen_addr(r, area.code, True)
        old_addr = gen_addr(r, (city.apick.pick(r) if r.random() < 0.7 else area).code, True) if r.random() < 0.15 else None
        landline = self.landline(r, city, 0.12)
        ol = self.landline(r, city, 0.05) if r.random() < 0.15 else ""
        credit = CREDIT_C.pick(r)
        oc = CREDIT_C.pick(r) if r.random() < 0.35 else None
        en = ""
        if comp.get("trade") in TRADE_BY_WORD and comp["form"] != "inst":
            tr = TRADE_BY_WORD[comp["trade"]][2]
            zp = cap(pinyin_of(comp["zihao"]))
            reg = D.CITY_PINYIN.get(comp.get("city_short", ""), "")
            x = r.random()
            if x < 0.4 and reg:
                en = f"{reg} {zp} {tr} Co., Ltd."
            elif x < 0.7:
                en = f"{zp} {tr} Co., Ltd."
            elif x < 0.85 and reg:
                en = f"{zp} {tr} ({reg}) Co., Ltd.".upper()
            else:
                en = f"{zp} {tr.split()[0][:4]} Co Ltd"
        return {"i": i, "type": "company", "kind": kind, "role": role, "ref": j, "sub": sub, "comp": comp,
                "name": name, "industry": industry, "uscc": uscc, "org9": org9, "area": area.code, "est": est,
                "contact_name": contact_name, "contact_mobile": contact_mobile, "old_contact": old_contact,
                "email": email, "addr": addr, "old_addr": old_addr, "landline": landline,
                "old_landline": ol if ol != landline else "", "credit": credit,
                "old_credit": oc if oc != credit else None, "name_en_co": en}


_EMAIL_CUM = list(itertools.accumulate(D.EMAIL_PROVIDER_W))


def company_name(comp, form=None, suffix=None, region=None, sep=""):
    f = comp["form"] if form is None else form
    if f == "inst":
        return comp["name"]
    if "parent" in comp:
        return comp["parent"] + comp["branch"] + "分公司"
    suf = comp["suffix"] if suffix is None else suffix
    reg = comp["region"] if region is None else region
    z, t = comp["zihao"], comp["trade"]
    if f == "indiv":
        return f"{reg}{z}{t}{suf}"
    if f == "prefix":
        return f"{reg}{sep}{z}{t}{sep}{suf}"
    if f == "paren":
        return f"{z}{t}（{reg}）{suf}"
    if f == "paren_half":
        return f"{z}{t}({reg}){suf}"
    return f"{z}{t}{sep}{suf}"


# ================================================================================================
# per-record rendering: corruptions, logged with their intent, and the expected errors they cause
# ================================================================================================
SEVERITY_WARN = {"legacy_id_15", "legacy_org_code", "legacy_reg_no", "misplaced_value", "gender_id_mismatch",
                 "birthdate_id_mismatch"}
STALE_P = {"access": 0.55, "erp": 0.25, "excel": 0.35, "oa": 0.15}
SRC_MULT = {"access": 1.2, "erp": 0.7, "excel": 1.3, "oa": 1.0}

# base rates (per occurrence of the field, before the per-source multiplier and the x1.5 for duplicates)
R = {
    "missing_required": 0.014, "placeholder": 0.011,
    "name_homophone": 0.030, "name_fuzzy": 0.0045, "name_typo": 0.013, "name_inner_space": 0.0045,
    "trailing_space": 0.018, "traditional": 0.02,
    "company_variant": 0.18, "company_homophone": 0.015, "contact_title_only": 0.05,
    "phone_format_mobile": 0.24, "phone_format_landline": 0.36, "fullwidth": 0.03,
    "phone_missing_digit": 0.0110, "phone_extra_digit": 0.0038, "phone_transposed": 0.0105, "phone_digit_typo": 0.0072,
    "landline_no_area": 0.10, "landline_bad_length": 0.0045, "multi_value": 0.012, "mobile_in_landline": 0.016,
    "email_case": 0.045, "email_bad": 0.025, "email_placeholder": 0.008,
    "addr_abbrev": 0.25, "addr_detail": 0.13, "addr_typo": 0.011, "addr_space": 0.022, "addr_placeholder": 0.007,
    "id_lower_x": 0.30, "legacy_id_15": 0.083, "id_wrong_check": 0.014, "id_digit_typo": 0.0075, "id_transposed": 0.005,
    "id_truncated": 0.003, "id_whitespace": 0.0085, "id_apostrophe": 0.010, "id_placeholder": 0.008,
    "uscc_in_id": 0.022, "uscc_wrong_check": 0.016, "uscc_OI": 0.006, "uscc_lower": 0.012, "uscc_truncated": 0.0035,
    "uscc_whitespace": 0.009, "legacy_org": 0.020, "legacy_reg": 0.010, "uscc_placeholder": 0.005,
    "date_invalid": 0.0025, "date_placeholder": 0.003, "birth_swap": 0.008, "gender_mismatch": 0.007,
    "name_en_swapped": 0.18, "name_en_upper": 0.07, "name_en_nospace": 0.045,
}

MOBILE_FORMATS = ("plus86_space", "plus86_dash", "plus86_nosep", "86_dash", "0086", "paren_plus86", "dash_344",
                  "space_344")
MOBILE_FORMAT_W = W(MOBILE_FORMATS, (16, 7, 9, 8, 4, 5, 18, 14))


def fmt_mobile(m, f):
    if f == "plus86_space":
        return f"+86 {m[:3]} {m[3:7]} {m[7:]}"
    if f == "plus86_dash":
        return "+86-" + m
    if f == "plus86_nosep":
        return "+86" + m
    if f == "86_dash":
        return "86-" + m
    if f == "0086":
        return "0086 " + m
    if f == "paren_plus86":
        return "(+86)" + m
    if f == "dash_344":
        return f"{m[:3]}-{m[3:7]}-{m[7:]}"
    return f"{m[:3]} {m[3:7]} {m[7:]}"


def fmt_landline(v, f):
    parts = v.split("-")
    area, local = parts[0], parts[1]
    ext = parts[2] if len(parts) > 2 else ""
    if f == "paren":
        return f"({area}){local}" + (f"-{ext}" if ext else "")
    if f == "plain":
        return area + local + (f"转{ext}" if ext else "")
    if f == "plus86":
        return f"+86 {area[1:]} {local}"
    if f == "space":
        return f"{area} {local[:4]} {local[4:]}" + (f"转{ext}" if ext else "")
    if f == "dash_ext":
        return f"{area}-{local}转{ext}"
    return v


class Rec:
    """One source record being rendered: its random stream, duplicate multiplier, corruption log and the
    expected errors (field -> (canonical, kind)) its corruptions cause."""
    __slots__ = ("src", "r", "mult", "cors", "errs", "stale_p", "dup")

    def __init__(self, src, r, dup):
        self.src, self.r, self.dup = src, r, dup
        self.mult = SRC_MULT[src] * (1.5 if dup else 1.0)
        self.stale_p = min(0.95, STALE_P[src] * (1.3 if dup else 1.0))
        self.cors = []
        self.errs = {}

    def p(self, key, scale=1.0):
        return self.r.random() < R[key] * self.mult * scale

    def log(self, field, canon, kind, clean, written):
        self.cors.append((field, canon, kind, clean, written))

    def err(self, field, canon, kind):
        self.errs[field] = (canon, kind)

    def stale(self):
        return self.r.random() < self.stale_p

    def required_name_fault(self, field, canon, name, required, mscale):
        """A required name left empty (sometimes a lone space) or replaced by a placeholder, with
        its corruption and expected error logged; None when the name is written as it is."""
        if not required:
            return None
        if self.p("missing_required", mscale):
            w = " " if self.r.random() < 0.15 else ""
            self.log(field, canon, "missing_required", name, w)
            self.err(field, canon, "missing_required")
            return w
        if self.p("placeholder", 0.35):
            w = self.r.choice(D.PH_TEXT_NAME)
            self.log(field, canon, "placeholder", name, w)
            self.err(field, canon, "placeholder")
            return w
        return None

    # ---- names ----------------------------------------------------------------------------------
    def person_name(self, field, canon, name, required=True, title_ok=False, cscale=1.0, mscale=1.0):
        r = self.r
        blank = self.required_name_fault(field, canon, name, required, mscale)
        if blank is not None:
            return blank
        v = name
        if title_ok and self.p("contact_title_only"):
            w = v[:2 if v[:2] in ("欧阳", "司马", "上官", "诸葛") else 1] + r.choice(D.CONTACT_TITLES)
            self.log(field, canon, "contact_title_only", v, w)
            return w
        x = r.random()
        m = self.mult * cscale
        t1 = R["name_homophone"] * m
        t2 = t1 + R["name_fuzzy"] * m
        t3 = t2 + R["name_typo"] * m
        t4 = t3 + R["name_inner_space"] * m
        if x < t1:
            w = name_homophone(r, v)
            if w != v:
                self.log(field, canon, "name_homophone", v, w)
                v = w
        elif x < t2:
            w = name_fuzzy(r, v)
            if w != v:
                self.log(field, canon, "name_fuzzy_homophone", v, w)
                v = w
        elif x < t3:
            w, sub = name_typo(r, v)
            if w != v:
                self.log(field, canon, "name_typo:" + sub, v, w)
                v = w
        elif x < t4 and len(v) >= 2:
            k = 2 if v[:2] in ("欧阳", "司马", "上官", "诸葛") else 1
            w = v[:k] + " " + v[k:]
            self.log(field, canon, "name_inner_space", v, w)
            v = w
        if self.p("trailing_space"):
            w = v + (" " if r.random() < 0.8 else "\u3000")
            self.log(field, canon, "trailing_space", v, w)
            v = w
        return v

    def company(self, field, canon, ent, required=True, vscale=1.0, mscale=1.0):
        r = self.r
        name = ent["name"]
        blank = self.required_name_fault(field, canon, name, required, mscale)
        if blank is not None:
            return blank
        v = name
        if self.p("company_variant", vscale):
            w, sub = company_variant(r, ent["comp"], v)
            if w != v:
                self.log(field, canon, "company_name_variant:" + sub, v, w)
                v = w
        if self.p("company_homophone") and ent["comp"].get("zihao"):
            z = ent["comp"]["zihao"]
            k = r.randrange(2)
            hs = homophones(z[k])
            if hs and z in v:
                z2 = z[:k] + r.choice(hs) + z[k + 1:]
                w = v.replace(z, z2, 1)
                self.log(field, canon, "company_name_homophone", v, w)
                v = w
        if self.p("trailing_space", 0.6):
            w = v + " "
            self.log(field, canon, "trailing_space", v, w)
            v = w
        return v

    # ---- phones --------------------------------------------------------------------------------
    def mobile(self, field, canon, m, required=True, fmt_scale=1.0):
        """m: the mobile to show (current or stale).  Returns the written value."""
        r = self.r
        if required and self.p("missing_required", 0.8):
            w = ""
            self.log(field, canon, "missing_required", m, w)
            self.err(field, canon, "missing_required")
            return w
        if self.p("placeholder", 0.9):
            w = r.choice(D.PH_MOBILES)
            self.log(field, canon, "placeholder", m, w)
            self.err(field, canon, "placeholder")
            return w
        v = m
        x = r.random()
        mm = self.mult
        t1 = R["phone_missing_digit"] * mm
        t2 = t1 + R["phone_extra_digit"] * mm
        t3 = t2 + R["phone_transposed"] * mm
        t4 = t3 + R["phone_digit_typo"] * mm
        invalid = False
        if x < t1:
            k = r.randrange(3, 11)
            w = v[:k] + v[k + 1:]
            self.log(field, canon, "phone_missing_digit", v, w)
            v, invalid = w, True
        elif x < t2:
            k = r.randrange(3, 11)
            w = v[:k] + v[k] + v[k:]
            self.log(field, canon, "phone_extra_digit", v, w)
            v, invalid = w, True
        elif x < t3:
            for _ in range(6):
                k = r.randrange(3, 10)
                if v[k] != v[k + 1]:
                    w = v[:k] + v[k + 1] + v[k] + v[k + 2:]
                    if w not in PH_MOB_SET:
                        self.log(field, canon, "phone_transposed_digits", v, w)
                        v = w
                    break
        elif x < t4:
            k = r.randrange(3, 11)
            d = str((int(v[k]) + r.randint(1, 9)) % 10)
            w = v[:k] + d + v[k + 1:]
            if w not in PH_MOB_SET:
                self.log(field, canon, "phone_digit_typo", v, w)
                v = w
        if invalid:
            self.err(field, canon, "invalid_phone")
        if r.random() < R["phone_format_mobile"] * mm * fmt_scale:
            f = MOBILE_FORMAT_W.pick(r)
            w = fmt_mobile(v, f)
            if w != v:
                self.log(field, canon, "phone_format:" + f, v, w)
                v = w
        if self.p("fullwidth", 1.0):
            w = fullwidth_part(r, v)
            if w != v:
                self.log(field, canon, "fullwidth_chars", v, w)
                v = w
        if self.p("trailing_space", 0.3):
            self.log(field, canon, "trailing_space", v, v + " ")
            v += " "
        return v

    def landline(self, field, canon, l, fmt_scale=1.0, nscale=1.0):
        r = self.r
        v = l
        if self.p("landline_bad_length"):
            parts = v.split("-")
            local = parts[1]
            local2 = local[:5] if r.random() < 0.6 else local + str(r.randrange(10))
            if len(local2) == len(local):
                local2 = local[:5]
            if len(local) == 7 and len(local2) != 5:
                local2 = local + "00"
            w = parts[0] + "-" + local2
            self.log(field, canon, "landline_bad_length", v, w)
            self.err(field, canon, "invalid_phone")
            return w
        if self.p("landline_no_area", nscale):
            parts = v.split("-")
            w = parts[1] + (f"转{parts[2]}" if len(parts) > 2 else "")
            self.log(field, canon, "landline_no_area_code", v, w)
            v = w
        elif r.random() < R["phone_format_landline"] * self.mult * fmt_scale:
            ext = v.count("-") == 2
            f = r.choice(("paren", "plain", "space", "dash_ext") if ext else ("paren", "plain", "plus86", "space"))
            w = fmt_landline(v, f)
            if w != v:
                self.log(field, canon, "phone_format:" + f, v, w)
                v = w
        if self.p("fullwidth", 0.8):
            w = fullwidth_part(r, v)
            if w != v:
                self.log(field, canon, "fullwidth_chars", v, w)
                v = w
        return v

    # ---- e-mail --------------------------------------------------------------------------------
    def email(self, field, canon, e):
        r = self.r
        if self.p("email_placeholder"):
            w = r.choice(D.PH_EMAILS)
            self.log(field, canon, "placeholder", e, w)
            self.err(field, canon, "placeholder")
            return w
        v = e
        if self.p("email_bad"):
            for _ in range(5):
                w, sub = email_bad(r, v)
                if not email_ok(unicodedata.normalize("NFKC", w).strip()):
                    self.log(field, canon, "email_bad_format:" + sub, v, w)
                    self.err(field, canon, "invalid_email")
                    return w
        if self.p("email_case"):
            w = v.upper() if r.random() < 0.5 else cap(v)
            if w != v:
                self.log(field, canon, "email_case", v, w)
                v = w
        return v

    # ---- identifiers ---------------------------------------------------------------------------
    def id_number(self, field, canon, idv, mode, birth_year, allow_legacy=True):
        r = self.r
        if self.p("id_placeholder"):
            w = r.choice(D.PH_IDS)
            self.log(field, canon, "placeholder", idv, w)
            self.err(field, canon, "placeholder")
            return w
        v = idv
        if allow_legacy and birth_year < 1985 and self.p("legacy_id_15"):
            w = v[:6] + v[8:17]
            self.log(field, canon, "legacy_id_15", v, w)
            self.err(field, canon, "legacy_id_15")
            return w
        x = r.random()
        mm = self.mult
        cuts = [("id_wrong_check", "id_wrong_check_digit"), ("id_digit_typo", "id_digit_typo"),
                ("id_transposed", "id_transposed_digits"), ("id_truncated", "id_truncated")]
        acc = 0.0
        for key, kind in cuts:
            acc += R[key] * mm
            if x < acc:
                for _ in range(12):
                    w = id_corrupt(r, v, kind)
                    want = "invalid_id_format" if kind == "id_truncated" else "invalid_id_checksum"
                    if w and classify_idcode(w, mode) == want:
                        self.log(field, canon, kind, v, w)
                        self.err(field, canon, want)
                        return w
                break
        if v.endswith("X") and self.p("id_lower_x"):
            w = v[:-1] + "x"
            self.log(field, canon, "id_lowercase_x", v, w)
            v = w
        if self.p("id_whitespace"):
            w = (" " + v) if r.random() < 0.3 else (v + " ") if r.random() < 0.3 else f"{v[:6]} {v[6:14]} {v[14:]}"
            self.log(field, canon, "id_whitespace", v, w)
            v = w
        elif self.p("id_apostrophe"):
            w = "'" + v
            self.log(field, canon, "leading_apostrophe", v, w)
            v = w
        if self.p("fullwidth", 0.3):
            w = fullwidth_part(r, v)
            if w != v:
                self.log(field, canon, "fullwidth_chars", v, w)
                v = w
        return v

    def uscc(self, field, canon, ent, mode):
        r = self.r
        u = ent["uscc"]
        if self.p("uscc_placeholder"):
            w = r.choice(D.PH_IDS)
            self.log(field, canon, "placeholder", u, w)
            self.err(field, canon, "placeholder")
            return w
        x = r.random()
        mm = self.mult
        if x < R["legacy_org"] * mm:
            o = ent["org9"]
            w = o[:8] + "-" + o[8]
            if classify_idcode(w, mode) == "legacy_org_code":
                self.log(field, canon, "legacy_org_code", u, w)
                self.err(field, canon, "legacy_org_code")
                return w
        x -= R["legacy_org"] * mm
        if 0 <= x < R["legacy_reg"] * mm:
            for _ in range(10):
                d14 = ent["area"] + f"{r.randrange(10 ** 8):08d}"
                w = d14 + regno_check(d14)
                if classify_idcode(w, mode) == "legacy_reg_no":
                    self.log(field, canon, "legacy_reg_no_15", u, w)
                    self.err(field, canon, "legacy_reg_no")
                    return w
        x -= R["legacy_reg"] * mm
        for key, kind in (("uscc_wrong_check", "uscc_wrong_check_char"), ("uscc_OI", "uscc_letter_O_I_for_digit"),
                          ("uscc_truncated", "uscc_truncated")):
            if 0 <= x < R[key] * mm:
                for _ in range(12):
                    w = uscc_corrupt(r, u, kind)
                    if w and classify_idcode(w, mode) == "invalid_uscc":
                        self.log(field, canon, kind, u, w)
                        self.err(field, canon, "invalid_uscc")
                        return w
                break
            x -= R[key] * mm
        v = u
        if self.p("uscc_lower") and any(c.isalpha() for c in v):
            w = v.lower()
            self.log(field, canon, "uscc_lowercase", v, w)
            v = w
        if self.p("uscc_whitespace"):
            w = f"{v[:2]} {v[2:8]} {v[8:17]} {v[17]}" if r.random() < 0.5 else " " + v + " "
            self.log(field, canon, "uscc_whitespace", v, w)
            v = w
        if self.p("fullwidth", 0.3):
            w = v.translate(str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"}))
            self.log(field, canon, "fullwidth_chars", v, w)
            v = w
        return v

    # ---- addresses -----------------------------------------------------------------------------
    def address(self, field, canon, geo, addr, cur_addr, string=True, abbrev_scale=1.0, ph=True, dscale=1.0):
        """addr: the address to show (current or stale); cur_addr for the clean value of a stale swap."""
        r = self.r
        a = geo.areas[addr[0]]
        pre_full = geo.full_prefix(a)
        clean = pre_full + addr_rest(addr)
        if ph and self.p("addr_placeholder"):
            w = r.choice(D.PH_TEXT_ADDR)
            self.log(field, canon, "placeholder", clean, w)
            self.err(field, canon, "placeholder")
            return w
        pre, fmt, num = pre_full, None, None
        v = clean
        if string and self.p("addr_abbrev", abbrev_scale):
            sub, p2 = addr_abbrev(r, a)
            if p2 != pre:
                w = p2 + addr_rest(addr)
                self.log(field, canon, "address_abbrev:" + sub, v, w)
                v, pre = w, p2
        if addr[3] is not None and addr[3][0] in DETAIL_FORMATS and self.p("addr_detail", dscale):
            fmt = r.choice(DETAIL_FORMATS[addr[3][0]])
            w = pre + addr_rest(addr, fmt)
            if w != v:
                self.log(field, canon, "address_detail_format", v, w)
                v = w
        if self.p("addr_typo", dscale):
            n = addr[2]
            num = n + (1 if r.random() < 0.5 or n == 1 else -1)
            w = pre + addr_rest(addr, fmt, num)
            self.log(field, canon, "address_number_typo", v, w)
            v = w
        if string and self.p("addr_space"):
            c = a.city
            if pre.startswith(c.pname) and len(pre) > len(c.pname):
                w = pre[:len(c.pname)] + " " + pre[len(c.pname):] + " " + addr_rest(addr, fmt, num)
            else:
                w = " " + v + " "
            self.log(field, canon, "address_whitespace", v, w)
            v = w
        if self.p("fullwidth", 0.8 * dscale):
            w = re.sub(r"\d+", lambda mt: mt.group(0).translate(FW), v, count=2)
            if w != v:
                self.log(field, canon, "fullwidth_chars", v, w)
                v = w
        return v


def name_homophone(r, v):
    ks = [k for k, c in enumerate(v) if homophones(c)]
    if not ks:
        return v
    k = ks[-1] if r.random() < 0.7 else r.choice(ks)
    return v[:k] + r.choice(homophones(v[k])) + v[k + 1:]


def name_fuzzy(r, v):
    cands = []
    for k, c in enumerate(v):
        p = PY.get(c)
        if not p:
            continue
        for q in fuzzy_pinyins(p):
            cands.append((k, q))
    if not cands:
        return v
    k, q = r.choice(cands)
    return v[:k] + r.choice(PY_GROUP[q]) + v[k + 1:]


def name_typo(r, v):
    sk = 2 if v[:2] in ("欧阳", "司马", "上官", "诸葛") else 1
    given = v[sk:]
    x = r.random()
    if x < 0.35:
        ks = [k for k, c in enumerate(v) if c in D.LOOKALIKE]
        if ks:
            k = r.choice(ks)
            return v[:k] + D.LOOKALIKE[v[k]] + v[k + 1:], "substitute"
    if x < 0.55 and len(given) == 2:
        return v[:sk] + given[1] + given[0], "swap_given_chars"
    if x < 0.72 and len(given) == 2:
        return v[:sk] + given[r.randrange(2)], "drop_char"
    if x < 0.88:
        return v + v[-1], "duplicate_char"
    pool = D.MALE_CHARS + D.FEMALE_CHARS
    return v + pool[r.randrange(len(pool))], "extra_char"


def company_variant(r, comp, name):
    f = comp["form"]
    if f == "inst":
        return name.replace("市", "", 1), "drop_shi" if "市" in name else "none"
    if "parent" in comp:
        w = comp["parent"].replace("有限责任公司", "").replace("股份有限公司", "").replace("有限公司", "") + comp["branch"] + "分公司"
        return w, "abbrev"
    z, t, suf = comp["zihao"], comp["trade"], comp["suffix"]
    if f == "indiv":
        x = r.random()
        if x < 0.5:
            return z + t, "short"
        if x < 0.8:
            return f"{z}{t}{suf}", "drop_region"
        return comp["city_short"] + z, "short_zihao"
    opts = ["short", "short", "short", "short_zihao", "form_variant", "drop_youxian", "inner_space"]
    if f == "prefix":
        opts += ["paren_half", "paren_full", "drop_region"]
        if comp["region"] and not comp["region"].endswith("市"):
            opts.append("add_shi")
    elif f == "paren":
        opts += ["paren_half", "drop_region", "prefix_form"]
    else:
        opts += ["prefix_form"]
    if suf == "有限责任公司":
        opts.append("trad_suffix")
    sub = r.choice(opts)
    reg = comp["region"] or comp["city_short"]
    if sub == "short":
        return z + t, sub
    if sub == "short_zihao":
        return reg.rstrip("市") + z, sub
    if sub == "form_variant":
        suf2 = {"有限公司": "有限责任公司", "有限责任公司": "有限公司", "股份有限公司": "股份公司"}[suf]
        return company_name(comp, suffix=suf2), sub
    if sub == "drop_youxian":
        return company_name(comp, suffix="公司" if suf != "股份有限公司" else "股份公司"), sub
    if sub == "inner_space":
        if f == "prefix":
            return company_name(comp, sep=" "), sub
        return f"{reg} {z}{t} {suf}", sub
    if sub == "paren_half":
        return company_name(comp, form="paren_half", region=reg.rstrip("市") if len(reg) > 2 else reg), sub
    if sub == "paren_full":
        return company_name(comp, form="paren", region=comp["city_short"]), sub
    if sub == "drop_region":
        return company_name(comp, form="none"), sub
    if sub == "add_shi":
        return company_name(comp, region=comp["region"] + "市"), sub
    if sub == "prefix_form":
        return company_name(comp, form="prefix", region=comp["city_short"]), sub
    return name.replace("有限责任公司", "有限責任公司"), sub


def addr_abbrev(r, a):
    c = a.city
    opts = ["short_names", "short_names", "no_province", "district_only", "street_only", "no_district", "city_short"]
    if c.municipal:
        opts = ["short_names", "district_only", "district_only", "street_only", "no_district"]
    if c.nodistrict:
        opts = ["short_names", "no_province", "street_only", "city_short"]
    sub = r.choice(opts)
    if sub == "short_names":
        return sub, c.pshort + (a.short if c.municipal else c.short + ("" if c.nodistrict else a.short))
    if sub == "no_province":
        return sub, c.name + ("" if c.nodistrict else a.name)
    if sub == "district_only":
        return sub, a.name
    if sub == "street_only":
        return sub, ""
    if sub == "no_district":
        return sub, c.pname + ("" if c.municipal else c.name)
    return sub, c.short + ("" if c.nodistrict else a.name)


def email_bad(r, e):
    local, _, dom = e.partition("@")
    sub = r.choice(("at_typo", "cn_fullstop", "comma", "double_at", "double_dot", "no_at", "no_tld", "space",
                    "trailing_dot"))
    if sub == "at_typo":
        return f"{local}#{dom}", sub
    if sub == "cn_fullstop":
        return f"{local}@{dom.replace('.', '。', 1)}", sub
    if sub == "comma":
        return f"{local}@{dom.replace('.', ',', 1)}", sub
    if sub == "double_at":
        return f"{local}@@{dom}", sub
    if sub == "double_dot":
        return f"{local}@{dom.replace('.', '..', 1)}", sub
    if sub == "no_at":
        return f"{local}.{dom}", sub
    if sub == "no_tld":
        return f"{local}@{dom.split('.')[0]}", sub
    if sub == "space":
        k = r.randrange(1, max(2, len(local)))
        return f"{local[:k]} {local[k:]}@{dom}", sub
    return e + ".", sub


def id_corrupt(r, v, kind):
    if kind == "id_wrong_check_digit":
        c = r.choice([d for d in "0123456789X" if d != v[17]])
        return v[:17] + c
    if kind == "id_digit_typo":
        k = r.choice([0, 1, 2, 3, 4, 5, 14, 15, 16] if r.random() < 0.7 else list(range(17)))
        d = str((int(v[k]) + r.randint(1, 9)) % 10)
        return v[:k] + d + v[k + 1:]
    if kind == "id_transposed_digits":
        ks = [k for k in (0, 1, 2, 3, 4, 14, 15) if v[k] != v[k + 1]]
        if not ks:
            return None
        k = r.choice(ks)
        return v[:k] + v[k + 1] + v[k] + v[k + 2:]
    return v[:17]


def uscc_corrupt(r, u, kind):
    if kind == "uscc_wrong_check_char":
        return u[:17] + r.choice([c for c in USCC_ALPHA if c != u[17]])
    if kind == "uscc_letter_O_I_for_digit":
        ks = [k for k in range(2, 17) if u[k] in "01"]
        if not ks:
            return None
        k = r.choice(ks)
        return u[:k] + ("O" if u[k] == "0" else "I") + u[k + 1:]
    return u[:17]


# ================================================================================================
# dates and amounts
# ================================================================================================
def birth_formats(r, bd):
    y, m, d = bd.year, bd.month, bd.day
    x = r.random()
    if x < 0.41:
        return None, f"{y:04d}-{m:02d}-{d:02d}"
    opts = (("slash_nopad", f"{y}/{m}/{d}", 17), ("cn", f"{y}年{m}月{d}日", 15), ("compact", f"{y:04d}{m:02d}{d:02d}", 10),
            ("dash_nopad", f"{y}-{m}-{d}", 7), ("dot", f"{y}.{m}.{d}", 7), ("slash", f"{y:04d}/{m:02d}/{d:02d}", 4))
    t = r.random() * 60
    for sub, s, w in opts:
        if t < w:
            return sub, s
        t -= w
    return "slash", f"{y:04d}/{m:02d}/{d:02d}"


def invalid_date_str(r, y, m, d, sep="-"):
    x = r.random()
    if x < 0.4:
        return f"{y}{sep}02{sep}{r.choice((30, 31))}"
    if x < 0.7:
        return f"{y}{sep}13{sep}{d:02d}"
    if x < 0.85:
        return f"{y}{sep}0{sep}{d:02d}"
    return f"{y}{sep}{m:02d}{sep}32"


def cn_amount(n):
    """500000 -> 伍拾万元整 (integers below 10^8)."""
    units = ["", "拾", "佰", "仟"]

    def four(k):
        s, zero = "", False
        ds = f"{k:04d}"
        for pos, ch in enumerate(ds):
            dgt = int(ch)
            u = units[3 - pos]
            if dgt == 0:
                zero = bool(s)
            else:
                if zero:
                    s += "零"
                    zero = False
                s += D.CN_DIGITS[dgt] + u
        return s
    if n == 0:
        return "零元整"
    wan, rest = divmod(n, 10000)
    s = ""
    if wan:
        s += four(wan) + "万"
        if rest and rest < 1000:
            s += "零"
    if rest:
        s += four(rest)
    return s + "元整"


def erp_amount(r, n):
    """(subtype or None, text): ERP 信用额度 as clerks type it."""
    x = r.random()
    if x < 0.17:
        return None, str(n)
    opts = ["comma", "comma_dec2", "dec2", "rmb", "wan", "wan_yuan", "yen", "yen_fw", "yuan", "cn_uppercase"]
    ws = [12, 10, 15, 2, 8, 5, 4, 3, 6, 0.5]
    sub = W(opts, ws).pick(r)
    if sub == "comma":
        return sub, f"{n:,}"
    if sub == "comma_dec2":
        return sub, f"{n:,.2f}"
    if sub == "dec2":
        return sub, f"{n:.2f}"
    if sub == "rmb":
        return sub, f"RMB {n}"
    if sub in ("wan", "wan_yuan") and n >= 10000 and n % 1000 == 0:
        w = n / 10000
        s = f"{w:g}"
        return sub, s + "万" + ("元" if sub == "wan_yuan" else "")
    if sub == "yen":
        return sub, f"¥{n}"
    if sub == "yen_fw":
        return sub, f"￥{n:,.2f}"
    if sub == "cn_uppercase" and n > 0:
        return sub, cn_amount(n)
    return "yuan", f"{n}元"


def excel_serial(o):
    return o - date(1899, 12, 30).toordinal()


# ================================================================================================
# writers
# ================================================================================================
class TruthWriter:
    def __init__(self, tdir, log_corruptions):
        self.f_truth = open(os.path.join(tdir, "truth.csv"), "w", encoding="utf-8", newline="")
        self.w_truth = csv.writer(self.f_truth)
        self.w_truth.writerow(["source", "source_record_key", "entity_id", "alt_key", "in_source_duplicate", "note"])
        self.f_err = open(os.path.join(tdir, "expected_errors.csv"), "w", encoding="utf-8", newline="")
        self.w_err = csv.writer(self.f_err)
        self.w_err.writerow(["source", "source_record_key", "field", "canonical_field", "kind", "severity", "written_value"])
        self.f_cor = None
        if log_corruptions:
            self.f_cor = open(os.path.join(tdir, "corruptions.csv"), "w", encoding="utf-8", newline="")
            self.w_cor = csv.writer(self.f_cor)
            self.w_cor.writerow(["source", "source_record_key", "field", "canonical_field", "kind", "clean_value", "written_value"])
        self.cor_counts = {}
        self.err_counts = {}

    def record(self, src, key, eid, alt, dup, note, rec, written):
        self.w_truth.writerow((src, key, eid, alt, 1 if dup else 0, note))
        if rec is None:
            return
        cc = self.cor_counts.setdefault(src, {})
        for (field, canon, kind, clean, w) in rec.cors:
            k = kind.split(":")[0]
            cc[k] = cc.get(k, 0) + 1
        if self.f_cor is not None and rec.cors:
            self.w_cor.writerows((src, key, f, c, k, cl, w) for (f, c, k, cl, w) in rec.cors)
        ec = self.err_counts.setdefault(src, {})
        for field, (canon, kind) in rec.errs.items():
            ec[kind] = ec.get(kind, 0) + 1
            self.w_err.writerow((src, key, field, canon, kind, "warning" if kind in SEVERITY_WARN else "error",
                                 written.get(field, "")))

    def close(self):
        for f in (self.f_truth, self.f_err, self.f_cor):
            if f is not None:
                f.close()


def xml_esc(s):
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


ZIP_TIME = (2024, 6, 28, 9, 0, 0)


class XlsxWriter:
    """Streams a workbook: inline strings, a merged title row, header on row 2, vertical merges in one column,
    three date number formats.  Each sheet is written straight into the zip (deflate)."""
    COLS = "ABCDEFGHIJ"

    def __init__(self, path):
        self.zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.sheets = []
        self.fh = None

    def _member(self, name):
        zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = 0o600 << 16
        return zi

    def start_sheet(self, name, title, header, nrows):
        k = len(self.sheets) + 1
        self.sheets.append(name)
        self.fh = self.zf.open(self._member(f"xl/worksheets/sheet{k}.xml"), "w", force_zip64=True)
        last = nrows + 2
        head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<dimension ref="A1:J{last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/><cols><col min="3" max="3" width="12" customWidth="1"/>'
                '<col min="4" max="4" width="30" customWidth="1"/><col min="5" max="5" width="16" customWidth="1"/>'
                '<col min="8" max="8" width="14" customWidth="1"/></cols><sheetData>'
                f'<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>{xml_esc(title)}</t></is></c></row><row r="2">')
        head += "".join(f'<c r="{self.COLS[c]}2" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in enumerate(header))
        head += "</row>"
        self.buf = [head]
        self.nbuf = 0

    def row(self, rn, cells):
        """cells: list of (col_index, kind, value[, style]); kind 's' inline string, 'n' number."""
        out = [f'<row r="{rn}">']
        for cell in cells:
            c, kind, v = cell[0], cell[1], cell[2]
            ref = f"{self.COLS[c]}{rn}"
            if kind == "n":
                st = f' s="{cell[3]}"' if len(cell) > 3 and cell[3] else ""
                out.append(f'<c r="{ref}"{st} t="n"><v>{v}</v></c>')
            elif v is None or v == "":
                out.append(f'<c r="{ref}" t="inlineStr"/>')
            else:
                sp = ' xml:space="preserve"' if v[0] in " \u3000" or v[-1] in " \u3000" else ""
                out.append(f'<c r="{ref}" t="inlineStr"><is><t{sp}>{xml_esc(v)}</t></is></c>')
        out.append("</row>")
        self.buf.append("".join(out))
        self.nbuf += 1
        if self.nbuf >= 2000:
            self.fh.write("".join(self.buf).encode("utf-8"))
            self.buf = []
            self.nbuf = 0

    def end_sheet(self, merges):
        self.buf.append("</sheetData>")
        refs = ["A1:J1"] + merges
        self.buf.append(f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in refs) + "</mergeCells>")
        self.buf.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')
        self.fh.write("".join(self.buf).encode("utf-8"))
        self.fh.close()
        self.buf = []

    def close(self):
        n = len(self.sheets)
        ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
              '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
              + "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for k in range(1, n + 1)) + "</Types>")
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
                "</Relationships>")
        wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/>'
              '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
              + "".join(f'<sheet name="{xml_esc(s)}" sheetId="{k}" r:id="rId{k}"/>' for k, s in enumerate(self.sheets, 1))
              + "</sheets><calcPr calcId=\"124519\"/></workbook>")
        wrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{k}.xml"/>'
                           for k in range(1, n + 1))
                 + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                 "</Relationships>")
        styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy/m/d"/>'
                  '<numFmt numFmtId="166" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
                  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
                  '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts>'
                  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
                  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                  '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center"/></xf>'
                  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
                  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
        core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>客服中心</dc:creator>'
                '<dcterms:created xsi:type="dcterms:W3CDTF">2024-06-28T09:00:00Z</dcterms:created>'
                '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-06-28T09:00:00Z</dcterms:modified></cp:coreProperties>')
        app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
               '<Application>Microsoft Excel</Application></Properties>')
        for name, data in (("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", wrels), ("xl/styles.xml", styles),
                           ("docProps/core.xml", core), ("docProps/app.xml", app)):
            self.zf.writestr(self._member(name), data.encode("utf-8"))
        self.zf.close()


# ================================================================================================
# the generator
# ================================================================================================
MEMBERSHIP = {"access": (0.80, 0.80), "erp": (0.50, 0.85), "excel": (0.45, 0.28), "oa": (0.436, 0.65)}
DUP_RATE = {"access": 0.08, "erp": 0.06, "excel": 0.10, "oa": 0.05}
TEST_RATE = {"access": 0.0018, "erp": 0.0009, "excel": 0.0, "oa": 0.0028}
SOURCE_FILES = {"access": "access_customers.csv", "erp": "erp_customers.csv", "excel": "excel_survey.xlsx",
                "oa": "oa_followups.jsonl"}
PERIODS = [("2022年", date(2022, 1, 1), date(2022, 12, 31)), ("2023年", date(2023, 1, 1), date(2023, 12, 31)),
           ("2024年上半年", date(2024, 1, 1), date(2024, 6, 28))]
IBITS = 26  # entity index bits in a record descriptor (up to 67 M entities)


def pack(ts, i, copy):
    return (ts << (IBITS + 3)) | (i << 3) | copy


def unpack(d):
    return d >> (IBITS + 3), (d >> 3) & ((1 << IBITS) - 1), d & 7


class Generator:
    def __init__(self, args):
        self.args = args
        self.n = args.customers
        self.seed = args.seed
        self.out = args.out
        self.geo = Geo(args.division_data)
        self.U = Universe(self.n, self.seed, self.geo)
        self.timing = {}
        self.stats = {"entities": self.n, "persons": self.U.n_persons, "companies": self.n - self.U.n_persons,
                      "seed": self.seed, "generator": "benches/gen/generate_silos.py", "sources": {}}
        self.survey_csv = args.survey_format == "csv"
        if self.survey_csv:
            SOURCE_FILES["excel"] = "excel_survey.csv"

    def log(self, msg):
        if not self.args.quiet:
            print(f"[{time.time() - self.t0:7.1f}s] {msg}", file=sys.stderr, flush=True)

    def eid(self, i):
        return f"E{i + 1:07d}"

    # ---- pass 0: build every entity once, identifiers unique ---------------------------------------
    def build_pass(self):
        U = self.U
        seen = set()
        bumped = 0
        for k, i in enumerate(U.build_order()):
            a = 0
            while True:
                e = U.build(i, a)
                ks = U.keys(e)
                if len(set(ks)) == len(ks) and not any(x in seen for x in ks):
                    break
                a += 1
                if a > 50:
                    raise RuntimeError(f"cannot make entity {i} unique")
            bumped += a > 0
            seen.update(ks)
            U.put(e)
            if k and k % 100000 == 0:
                self.log(f"built {k}/{self.n} entities")
        self.stats["uniqueness_regenerated"] = bumped

    # ---- pass 1: entities, hard negatives, membership --------------------------------------------
    def entity_pass(self):
        U, geo, seed = self.U, self.geo, self.seed
        tdir = os.path.join(self.out, "truth")
        fe = open(os.path.join(tdir, "entities.csv"), "w", encoding="utf-8", newline="")
        we = csv.writer(fe)
        we.writerow(["entity_id", "type", "kind", "name", "gender", "birth_date", "id_number", "uscc", "mobile",
                     "phone", "email", "province", "city", "district", "address", "employer", "industry",
                     "contact_name", "contact_mobile", "credit_limit", "name_en"])
        fh = open(os.path.join(tdir, "hard_negatives.csv"), "w", encoding="utf-8", newline="")
        wh = csv.writer(fh)
        wh.writerow(["entity_a", "entity_b", "kind"])
        hn = {}
        desc = {s: [] for s in SRC_IDX}
        by_count = {}
        dupk = {s: (DUP_RATE[s] / (1 - DUP_RATE[s])) / 1.18 for s in SRC_IDX}
        for i in range(self.n):
            e = U.get(i)
            a = geo.areas[e["addr"][0]]
            c = a.city
            addr = geo.full_prefix(a) + addr_rest(e["addr"])
            dist = "" if c.nodistrict else a.name
            if e["type"] == "person":
                we.writerow((self.eid(i), "person", "person", e["name"], e["gender"], date_str(e["birth"]), e["id18"], "",
                             e["mobile"], e["landline"], e["email"], c.pname, c.name, dist, addr, e["employer"], "", "", "",
                             "" if e["credit"] is None else e["credit"], e["name_en"]))
            else:
                we.writerow((self.eid(i), "company", e["kind"], e["name"], "", "", "", e["uscc"], "", e["landline"],
                             e["email"], c.pname, c.name, dist, addr, "", e["industry"], e["contact_name"],
                             e["contact_mobile"], e["credit"], ""))
            if e.get("sub") and e.get("ref") is not None:
                a_, b_ = sorted((i, e["ref"]))
                wh.writerow((self.eid(a_), self.eid(b_), e["sub"]))
                hn[e["sub"]] = hn.get(e["sub"], 0) + 1
            # membership
            r = random.Random(hkey(seed, S_MEMB, i))
            isp = e["type"] == "person"
            mem = [s for s in SRC_IDX if r.random() < MEMBERSHIP[s][0 if isp else 1]]
            if not mem:
                mem = ["access"]
            by_count[len(mem)] = by_count.get(len(mem), 0) + 1
            for s in SRC_IDX:
                if s not in mem:
                    continue
                k = 1
                if r.random() < dupk[s]:
                    x = r.random()
                    k += 1 if x < 0.85 else 2 if x < 0.97 else 3
                if s == "excel":
                    ts = sorted(r.randrange(SURVEY_LO_S, T_END_S) for _ in range(k))
                else:
                    ts = sorted(r.randrange(0, T_END_S) for _ in range(k))
                for copy, t in enumerate(ts):
                    desc[s].append(pack(t, i, copy))
            if i and i % 100000 == 0:
                self.log(f"entities {i}/{self.n}")
        fe.close()
        fh.close()
        self.stats["hard_negatives"] = hn
        self.stats["entities_by_source_count"] = {str(k): by_count[k] for k in sorted(by_count)}
        for s in desc:
            desc[s].sort()
        return desc

    # ---- common record pieces ---------------------------------------------------------------------
    def rec_rng(self, src, i, copy):
        return random.Random(hkey(self.seed, S_SRC, SRC_IDX[src], i, copy))

    def trad(self, rec, row, fields):
        """whole record typed by a Taiwan / Hong Kong branch clerk."""
        if not rec.p("traditional"):
            return
        sub = "s2tw" if rec.r.random() < 0.5 else "s2hk"
        tb = T_TW if sub == "s2tw" else T_HK
        for f, canon in fields:
            v = row.get(f)
            if isinstance(v, str) and v:
                w = v.translate(tb)
                if w != v:
                    rec.log(f, canon, "traditional_chars:" + sub, v, w)
                    row[f] = w

    # ---- Access -----------------------------------------------------------------------------------
    ACCESS_COLS = ["客户编号", "客户名称", "客户类型", "性别", "出生日期", "身份证号", "统一社会信用代码", "联系人", "手机", "电话",
                   "电子邮件", "地址", "邮编", "工作单位", "所属行业", "英文名", "信用额度", "建档日期", "备注"]

    def render_access(self, e, key, ts, rec):
        r = rec.r
        geo = self.geo
        row = {}
        isp = e["type"] == "person"
        row["客户编号"] = key
        if isp:
            row["客户名称"] = rec.person_name("客户名称", "name", e["name"])
            x = r.random()
            row["客户类型"] = "个人" if x < 0.70 else "个人客户" if x < 0.85 else "私人" if x < 0.90 else ""
            bd = date.fromordinal(e["birth"])
            has_id = r.random() < 0.86
            g = e["gender"] if r.random() < 0.9 else ""
            if g and has_id and rec.p("gender_mismatch"):
                w = "女" if g == "男" else "男"
                rec.log("性别", "gender", "gender_id_mismatch", g, w)
                rec.err("性别", "gender", "gender_id_mismatch")
                g = w
            row["性别"] = g
            b = ""
            if r.random() < 0.86:
                if rec.p("date_placeholder"):
                    b = r.choice(D.PH_DATES)
                    rec.log("出生日期", "birth_date", "placeholder", date_str(e["birth"]), b)
                    rec.err("出生日期", "birth_date", "placeholder")
                elif rec.p("date_invalid"):
                    b = invalid_date_str(r, bd.year, bd.month, bd.day)
                    rec.log("出生日期", "birth_date", "invalid_date", date_str(e["birth"]), b)
                    rec.err("出生日期", "birth_date", "invalid_date")
                else:
                    bo = e["birth"]
                    if has_id and bd.day <= 12 and bd.day != bd.month and rec.p("birth_swap"):
                        sw = date(bd.year, bd.day, bd.month)
                        rec.log("出生日期", "birth_date", "birthdate_day_month_swapped", date_str(bo), date_str(sw.toordinal()))
                        rec.err("出生日期", "birth_date", "birthdate_id_mismatch")
                        bd = sw
                    sub, b = birth_formats(r, bd)
                    if sub:
                        rec.log("出生日期", "birth_date", "date_format:" + sub, f"{bd.year:04d}-{bd.month:02d}-{bd.day:02d}", b)
            row["出生日期"] = b
            row["身份证号"] = rec.id_number("身份证号", "id_number", e["id18"], "id", bd.year) if has_id else ""
            row["统一社会信用代码"] = ""
            row["联系人"] = e["name"] if r.random() < 0.3 else ""
            mob = e["mobile"]
            if e["old_mobile"] and rec.stale():
                rec.log("手机", "mobile", "stale_value", mob, e["old_mobile"])
                mob = e["old_mobile"]
            land = e["landline"] if r.random() < 0.9 else ""
            if not land and rec.p("mobile_in_landline"):
                rec.log("电话", "phone", "mobile_in_landline_column", "", mob)
                rec.log("手机", "mobile", "mobile_in_landline_column", mob, "")
                rec.err("手机", "mobile", "misplaced_value")
                row["手机"] = ""
                row["电话"] = mob
            else:
                m = rec.mobile("手机", "mobile", mob)
                if land and m == mob and rec.p("multi_value", 2.5):
                    sep = r.choice(("、", " ", ";", "/"))
                    w = m + sep + land
                    rec.log("手机", "mobile", "multi_value_in_field", m, w)
                    m = w
                row["手机"] = m
                row["电话"] = rec.landline("电话", "phone", land) if land else ""
            em = e["email"] if r.random() < 0.85 else ""
            if em and e["old_email"] and rec.stale():
                rec.log("电子邮件", "email", "stale_value", em, e["old_email"])
                em = e["old_email"]
            row["电子邮件"] = rec.email("电子邮件", "email", em) if em else ""
            row["工作单位"] = self.employer_field(rec, e, "工作单位", 0.8, 0.06)
            row["所属行业"] = ""
            en = ""
            if r.random() < 0.45:
                en = e["name_en"]
                x = r.random()
                mm = rec.mult
                if x < R["name_en_swapped"] * mm:
                    sn, gv = en.split(" ", 1)
                    w = f"{gv} {sn}"
                    rec.log("英文名", "name_en", "name_en_swapped_order", en, w)
                    en = w
                elif x < (R["name_en_swapped"] + R["name_en_upper"]) * mm:
                    w = en.upper()
                    rec.log("英文名", "name_en", "name_en_uppercase", en, w)
                    en = w
                elif x < (R["name_en_swapped"] + R["name_en_upper"] + R["name_en_nospace"]) * mm:
                    w = en.replace(" ", "").lower()
                    rec.log("英文名", "name_en", "name_en_no_space", en, w)
                    en = w
            row["英文名"] = en
            credit = e["credit"] if r.random() < 0.6 else None
            note = r.choice(D.ACCESS_NOTES) if r.random() < 0.55 else ""
            if e["old_mobile"] and mob == e["mobile"] and r.random() < 0.15:
                note = "原号码" + e["old_mobile"]
        else:
            row["客户名称"] = rec.company("客户名称", "name", e, vscale=0.55)
            x = r.random()
            row["客户类型"] = "企业" if x < 0.58 else "企业客户" if x < 0.73 else "公司" if x < 0.83 else "单位" if x < 0.88 else ""
            row["性别"] = row["出生日期"] = ""
            if r.random() < 0.92:
                if rec.p("uscc_in_id"):
                    row["身份证号"] = e["uscc"]
                    row["统一社会信用代码"] = ""
                    rec.log("身份证号", "uscc", "uscc_in_id_column", "", e["uscc"])
                    rec.err("身份证号", "id_number", "misplaced_value")
                else:
                    row["身份证号"] = ""
                    row["统一社会信用代码"] = rec.uscc("统一社会信用代码", "uscc", e, "uscc")
            else:
                row["身份证号"] = row["统一社会信用代码"] = ""
            cn, cm = e["contact_name"], e["contact_mobile"]
            if e["old_contact"] and rec.stale():
                rec.log("联系人", "contact_name", "stale_value", cn, e["old_contact"][0])
                rec.log("手机", "mobile", "stale_value", cm, e["old_contact"][1])
                cn, cm = e["old_contact"]
            row["联系人"] = rec.person_name("联系人", "contact_name", cn, required=False, title_ok=True)
            m = rec.mobile("手机", "mobile", cm)
            land = e["landline"]
            if e["old_landline"] and rec.stale():
                rec.log("电话", "phone", "stale_value", land, e["old_landline"])
                land = e["old_landline"]
            if m == cm and rec.p("multi_value", 2.5):
                sep = r.choice(("、", " ", ";", "/"))
                w = m + sep + land
                rec.log("手机", "mobile", "multi_value_in_field", m, w)
                m = w
            row["手机"] = m
            row["电话"] = rec.landline("电话", "phone", land) if r.random() < 0.95 else ""
            row["电子邮件"] = rec.email("电子邮件", "email", e["email"]) if e["email"] and r.random() < 0.8 else ""
            row["工作单位"] = ""
            ind = e["industry"] if r.random() < 0.75 else ""
            if ind and ind in D.INDUSTRY_INFORMAL and r.random() < 0.35:
                ind = r.choice(D.INDUSTRY_INFORMAL[ind])
            row["所属行业"] = ind
            row["英文名"] = e["name_en_co"] if r.random() < 0.35 else ""
            credit = e["credit"] if r.random() < 0.85 else None
            if credit is not None and e["old_credit"] is not None and rec.stale():
                rec.log("信用额度", "credit_limit", "stale_value", str(credit), str(e["old_credit"]))
                credit = e["old_credit"]
            note = r.choice(D.ACCESS_NOTES) if r.random() < 0.55 else ""
        # address
        if r.random() < 0.97:
            ad = e["addr"]
            if e["old_addr"] is not None and rec.stale():
                rec.log("地址", "address", "stale_value", self.addr_full(ad), self.addr_full(e["old_addr"]))
                ad = e["old_addr"]
            row["地址"] = rec.address("地址", "address", geo, ad, e["addr"])
        else:
            row["地址"] = ""
        pc = ""
        if r.random() < 0.4:
            pc = geo.areas[e["addr"][0]].city.postcode
            if pc.startswith("0") and r.random() < 0.4:
                pc = pc[1:]
        row["邮编"] = pc
        row["信用额度"] = "" if credit is None else f"￥{credit:,.2f}"
        t = ts_dt(ts)
        row["建档日期"] = f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}:{t.second:02d}"
        row["备注"] = note
        self.trad(rec, row, (("客户名称", "name"), ("联系人", "contact_name"), ("地址", "address"), ("工作单位", "employer")))
        return row

    def addr_full(self, ad):
        return self.geo.full_prefix(self.geo.areas[ad[0]]) + addr_rest(ad)

    def employer_field(self, rec, e, field, p_present, vrate):
        r = rec.r
        emp = e["employer"]
        if not emp or r.random() >= p_present:
            return ""
        if e["old_employer"] and rec.stale():
            rec.log(field, "employer", "stale_value", emp, e["old_employer"])
            emp = e["old_employer"]
        if r.random() < vrate * rec.mult:
            comp = employer_comp(emp)
            if comp:
                w, sub = company_variant(r, comp, emp)
                if w != emp:
                    rec.log(field, "employer", "company_name_variant:" + sub, emp, w)
                    emp = w
        return emp

    def write_access(self, desc, tw):
        path = os.path.join(self.out, "sources", SOURCE_FILES["access"])
        f = open(path, "w", encoding="gbk", newline="")
        f.write(",".join(f'"{c}"' for c in self.ACCESS_COLS) + "\r\n")
        line = 1
        key = 0
        U = self.U
        st = {"records": 0, "base_entities": 0, "dup_records": 0, "test_records": 0}
        rt = random.Random(hkey(self.seed, 4242, 0))
        for d in desc:
            ts, i, copy = unpack(d)
            if rt.random() < TEST_RATE["access"]:
                key += 1
                line += 1
                name = rt.choice(D.TEST_NAMES)
                t = ts_dt(ts)
                vals = [name, "", "", "", "", "", "", rt.choice(D.PH_MOBILES + ["12345678", ""]), "", "", "", "", "", "", "",
                        "", f"{t.year}/{t.month}/{t.day} 10:00:00", ""]
                f.write(f"{key}," + ",".join('"' + v + '"' for v in vals) + "\r\n")
                tw.record("access", str(key), f"X-access-{key}", f"line{line}", False, "test_record", None, None)
                tw.w_err.writerow(("access", key, "*", "record", "test_record", "error", name))
                tw.err_counts.setdefault("access", {}).setdefault("test_record", 0)
                tw.err_counts["access"]["test_record"] += 1
                st["test_records"] += 1
            key += 1
            line += 1
            e = U.get(i)
            rec = Rec("access", self.rec_rng("access", i, copy), copy > 0)
            row = self.render_access(e, key, ts, rec)
            vals = [row[c] for c in self.ACCESS_COLS[1:]]
            f.write(f"{key}," + ",".join('"' + v.replace('"', '""') + '"' for v in vals) + "\r\n")
            tw.record("access", str(key), self.eid(i), f"line{line}", copy > 0, "", rec, row)
            st["records"] += 1
            st["dup_records"] += copy > 0
            st["base_entities"] += copy == 0
        f.close()
        st["records"] += st["test_records"]
        self.stats["sources"]["access"] = st

    # ---- ERP ----------------------------------------------------------------------------------------
    ERP_COLS = ["客户编码", "单位名称", "客户类别", "税号/证件号", "联系人", "联系电话", "地址", "信用额度", "账期(天)", "业务员",
                "建档日期", "状态"]

    def render_erp(self, e, key, ts, rec):
        r = rec.r
        row = {"客户编码": key}
        isp = e["type"] == "person"
        if isp:
            row["单位名称"] = rec.person_name("单位名称", "name", e["name"])
            x = r.random()
            row["客户类别"] = "个人客户" if x < 0.45 else "终端客户" if x < 0.65 else "零售" if x < 0.83 else "个人"
            bd = date.fromordinal(e["birth"])
            row["税号/证件号"] = rec.id_number("税号/证件号", "id_number", e["id18"], "either", bd.year, allow_legacy=False) \
                if r.random() < 0.55 else ""
            row["联系人"] = e["name"] if r.random() < 0.45 else ""
            mob = e["mobile"]
            if e["old_mobile"] and rec.stale():
                rec.log("联系电话", "phone", "stale_value", mob, e["old_mobile"])
                mob = e["old_mobile"]
            m = rec.mobile("联系电话", "phone", mob)
            land = e["landline"]
            if land and m == mob and rec.p("multi_value", 8.5):
                w = m + "/" + land
                rec.log("联系电话", "phone", "multi_value_in_field", m, w)
                m = w
            row["联系电话"] = m
            credit = e["credit"] if r.random() < 0.75 else None
            row["账期(天)"] = "0"
        else:
            row["单位名称"] = rec.company("单位名称", "name", e, vscale=0.7)
            x = r.random()
            row["客户类别"] = "企业客户" if x < 0.45 else "经销商" if x < 0.65 else "终端客户" if x < 0.85 else "代理商" if x < 0.95 else "集团客户"
            row["税号/证件号"] = rec.uscc("税号/证件号", "uscc", e, "either") if r.random() < 0.92 else ""
            cn, cm = e["contact_name"], e["contact_mobile"]
            if e["old_contact"] and rec.stale():
                rec.log("联系人", "contact_name", "stale_value", cn, e["old_contact"][0])
                cn, cm = e["old_contact"]
            row["联系人"] = rec.person_name("联系人", "contact_name", cn, required=False, title_ok=True)
            if r.random() < 0.55:
                land = e["landline"]
                if e["old_landline"] and rec.stale():
                    rec.log("联系电话", "phone", "stale_value", land, e["old_landline"])
                    land = e["old_landline"]
                if rec.p("missing_required", 0.8):
                    rec.log("联系电话", "phone", "missing_required", land, "")
                    rec.err("联系电话", "phone", "missing_required")
                    row["联系电话"] = ""
                else:
                    row["联系电话"] = rec.landline("联系电话", "phone", land)
            else:
                m = rec.mobile("联系电话", "phone", cm)
                if m == cm and rec.p("multi_value", 8.5):
                    w = m + "/" + e["landline"]
                    rec.log("联系电话", "phone", "multi_value_in_field", m, w)
                    m = w
                row["联系电话"] = m
            credit = e["credit"] if r.random() < 0.9 else None
            if credit is not None and e["old_credit"] is not None and rec.stale():
                rec.log("信用额度", "credit_limit", "stale_value", str(credit), str(e["old_credit"]))
                credit = e["old_credit"]
            row["账期(天)"] = r.choice(("0", "15", "30", "30", "45", "60", "90"))
        ad = e["addr"]
        if e["old_addr"] is not None and rec.stale():
            rec.log("地址", "address", "stale_value", self.addr_full(ad), self.addr_full(e["old_addr"]))
            ad = e["old_addr"]
        row["地址"] = rec.address("地址", "address", self.geo, ad, e["addr"], abbrev_scale=0.75)
        if credit is None:
            row["信用额度"] = ""
        else:
            sub, txt = erp_amount(r, credit)
            if sub:
                rec.log("信用额度", "credit_limit", "amount_format:" + sub, str(credit), txt)
            row["信用额度"] = txt
        row["业务员"] = r.choice(D.SALES_REPS)
        t = ts_dt(ts)
        x = r.random()
        clean = f"{t.year:04d}-{t.month:02d}-{t.day:02d}"
        if x < 0.81:
            row["建档日期"] = clean
        else:
            sub = "slash" if x < 0.93 else "dash_nopad"
            row["建档日期"] = f"{t.year:04d}/{t.month:02d}/{t.day:02d}" if sub == "slash" else f"{t.year}-{t.month}-{t.day}"
            if row["建档日期"] != clean:
                rec.log("建档日期", "created_at", "date_format:" + sub, clean, row["建档日期"])
        x = r.random()
        row["状态"] = "正常" if x < 0.89 else "冻结" if x < 0.95 else "停用"
        self.trad(rec, row, (("单位名称", "name"), ("联系人", "contact_name"), ("地址", "address")))
        return row

    def write_erp(self, desc, tw):
        path = os.path.join(self.out, "sources", SOURCE_FILES["erp"])
        f = open(path, "w", encoding="utf-8-sig", newline="")
        cw = csv.writer(f, lineterminator="\r\n")
        cw.writerow(self.ERP_COLS)
        U = self.U
        n = len(desc)
        rm = random.Random(hkey(self.seed, 4242, 1))
        n_unclosed = 1 + n // 250000
        n_ragged = 2 + n // 100000
        cand = list(range(10, max(11, n - 10)))
        picks = rm.sample(cand, min(len(cand), n_unclosed + n_ragged)) if n > 30 else []
        unclosed = set(picks[:n_unclosed])
        ragged = set(picks[n_unclosed:])
        st = {"records": 0, "base_entities": 0, "dup_records": 0, "test_records": 0, "malformed_ragged": 0,
              "malformed_unclosed_quote": 0, "rows_swallowed_by_strict_parser": 0}
        rt = random.Random(hkey(self.seed, 4242, 2))
        line = 1
        knum = 0
        swallow_of = None
        for pos, d in enumerate(desc):
            ts, i, copy = unpack(d)
            if rt.random() < TEST_RATE["erp"]:
                knum += 1 + (rt.random() < 0.03)
                key = f"KH{knum:06d}"
                line += 1
                name = rt.choice(D.TEST_NAMES)
                t = ts_dt(ts)
                vals = [key, name, "", "", "", rt.choice(D.PH_MOBILES + [""]), "", "", "", "", f"{t.year:04d}-{t.month:02d}-{t.day:02d}", "停用"]
                cw.writerow(vals)
                note = "test_record"
                if swallow_of:
                    note += ";after_unclosed_quote_of_" + swallow_of
                    st["rows_swallowed_by_strict_parser"] += 1
                tw.record("erp", key, f"X-erp-{key}", f"line{line}", False, note, None, None)
                tw.w_err.writerow(("erp", key, "*", "record", "test_record", "error", name))
                tw.err_counts.setdefault("erp", {}).setdefault("test_record", 0)
                tw.err_counts["erp"]["test_record"] += 1
                st["test_records"] += 1
            knum += 1 + (rt.random() < 0.03)
            key = f"KH{knum:06d}"
            line += 1
            e = U.get(i)
            rec = Rec("erp", self.rec_rng("erp", i, copy), copy > 0)
            row = self.render_erp(e, key, ts, rec)
            vals = [row[c] for c in self.ERP_COLS]
            note = ""
            if swallow_of:
                note = "after_unclosed_quote_of_" + swallow_of
                st["rows_swallowed_by_strict_parser"] += 1
            if pos in unclosed and not swallow_of:
                txt = _csv_line(vals[:-1]) + ',"' + vals[-1]
                f.write(txt + "\r\n")
                rec.log("状态", "status", "malformed_row:unclosed_quote", vals[-1], '"' + vals[-1])
                rec.errs = {"*": ("record", "malformed_row")}
                row["*"] = "unclosed quote"
                st["malformed_unclosed_quote"] += 1
                swallow_next = key
            elif pos in ragged and "," not in row["地址"] and len(row["地址"]) > 6 and not swallow_of:
                a = row["地址"]
                k = len(a) // 2
                w = a[:k] + "," + a[k:]
                rec.log("地址", "address", "malformed_row:unquoted_comma_extra_field", a, w)
                vals[6] = w
                f.write(",".join(v.replace('"', "") for v in vals) + "\r\n")
                rec.errs = {"*": ("record", "malformed_row")}
                row["*"] = "extra field"
                st["malformed_ragged"] += 1
                swallow_next = None
            else:
                cw.writerow(vals)
                swallow_next = None
                if swallow_of and any('"' in v or "," in v for v in vals):
                    swallow_of = None  # a strict parser closes the open quote on this row
                    swallow_next = None
            tw.record("erp", key, self.eid(i), f"line{line}", copy > 0, note, rec, row)
            if swallow_next:
                swallow_of = swallow_next
            st["records"] += 1
            st["dup_records"] += copy > 0
            st["base_entities"] += copy == 0
        f.close()
        st["records"] += st["test_records"]
        self.stats["sources"]["erp"] = st

    # ---- Excel survey -------------------------------------------------------------------------------
    EXCEL_COLS = ["序号", "客户类型", "姓名", "单位", "手机号", "邮箱", "满意度", "调查日期", "调查方式", "意见建议"]

    def render_excel(self, e, seq, ts, rec):
        r = rec.r
        row = {"序号": seq}
        isp = e["type"] == "person"
        x = r.random()
        if isp:
            row["客户类型"] = "个人" if x < 0.78 else None
            row["姓名"] = rec.person_name("姓名", "name", e["name"], mscale=0.85)
            row["单位"] = self.employer_field(rec, e, "单位", 0.65, 0.45)
            mob = e["mobile"]
            if e["old_mobile"] and rec.stale():
                rec.log("手机号", "mobile", "stale_value", mob, e["old_mobile"])
                mob = e["old_mobile"]
            em = e["email"] if r.random() < 0.55 else ""
            if em and e["old_email"] and rec.stale():
                rec.log("邮箱", "email", "stale_value", em, e["old_email"])
                em = e["old_email"]
        else:
            row["客户类型"] = "企业" if x < 0.72 else "单位" if x < 0.82 else None
            cn, mob = e["contact_name"], e["contact_mobile"]
            if e["old_contact"] and rec.stale():
                rec.log("姓名", "contact_name", "stale_value", cn, e["old_contact"][0])
                rec.log("手机号", "mobile", "stale_value", mob, e["old_contact"][1])
                cn, mob = e["old_contact"]
            row["姓名"] = rec.person_name("姓名", "contact_name", cn, title_ok=True, mscale=0.85)
            row["单位"] = rec.company("单位", "name", e, required=False, vscale=2.4)
            em = e["email"] if r.random() < 0.45 else ""
        row["手机号"] = rec.mobile("手机号", "mobile", mob, fmt_scale=0.9)
        row["邮箱"] = rec.email("邮箱", "email", em) if em else ""
        x = r.random()
        if x < 0.62:
            row["满意度"] = r.choice(D.SURVEY_SATISFACTION[:4] + ["满意", "非常满意"])
        elif x < 0.85:
            row["满意度"] = r.choice((2, 3, 4, 4, 5, 5))
        elif x < 0.90:
            row["满意度"] = f"{r.choice((3, 4, 4, 5))}分"
        elif x < 0.95:
            row["满意度"] = r.choice((60, 70, 80, 85, 90, 95, 100))
        else:
            row["满意度"] = None
        t = ts_dt(ts)
        o = date(t.year, t.month, t.day).toordinal()
        clean = f"{t.year:04d}-{t.month:02d}-{t.day:02d}"
        x = r.random()
        mm = rec.mult / SRC_MULT["excel"]
        if rec.p("date_invalid", 0.6):
            row["调查日期"] = ("s", invalid_date_str(r, t.year, t.month, t.day, "."))
            rec.log("调查日期", "survey_date", "invalid_date", clean, row["调查日期"][1])
            rec.err("调查日期", "survey_date", "invalid_date")
        elif x < 1 - 0.26 * mm:
            row["调查日期"] = ("n", excel_serial(o), r.choice((2, 2, 2, 3, 4)))
        else:
            y = r.random()
            if y < 0.28:
                sub, v = "excel_serial_number_general", ("n", excel_serial(o), 0)
            elif y < 0.58:
                sub, v = "text_cn", ("s", f"{t.year}年{t.month}月{t.day}日")
            elif y < 0.78:
                sub, v = "text_compact", ("s", f"{t.year:04d}{t.month:02d}{t.day:02d}")
            elif y < 0.98:
                sub, v = "text_dot", ("s", f"{t.year}.{t.month}.{t.day}")
            else:
                sub, v = "text_iso", ("s", clean)
            rec.log("调查日期", "survey_date", "date_format:" + sub, clean, str(v[1]))
            row["调查日期"] = v
        row["调查方式"] = r.choice(D.SURVEY_WAYS) if r.random() < 0.99 else None
        row["意见建议"] = r.choice(D.SURVEY_REMARKS) if r.random() < 0.7 else None
        self.trad(rec, row, (("姓名", "name" if isp else "contact_name"), ("单位", "employer" if isp else "name")))
        if isinstance(row["手机号"], str) and re.fullmatch(r"1[3-9]\d{9}", row["手机号"]) and r.random() < 0.03:
            row["手机号"] = int(row["手机号"])  # a number cell, as Excel makes of a typed mobile
        return row

    def excel_rows(self, desc):
        """(sheet index, desc) in workbook order."""
        out = [[] for _ in PERIODS]
        for d in desc:
            ts = d >> (IBITS + 3)
            t = (ts_dt(ts)).date()
            k = 0 if t.year == 2022 else 1 if t.year == 2023 else 2
            out[k].append(d)
        return out

    def write_excel(self, desc, tw):
        sheets = self.excel_rows(desc)
        U = self.U
        st = {"records": 0, "base_entities": 0, "dup_records": 0, "test_records": 0, "sheets": [], "vertical_merges": 0,
              "format": "csv" if self.survey_csv else "xlsx"}
        seq = 0
        if self.survey_csv:
            f = open(os.path.join(self.out, "sources", SOURCE_FILES["excel"]), "w", encoding="utf-8-sig", newline="")
            cw = csv.writer(f, lineterminator="\r\n")
            cw.writerow(self.EXCEL_COLS + ["调查期间"])
            line = 1
        else:
            xw = XlsxWriter(os.path.join(self.out, "sources", SOURCE_FILES["excel"]))
        rm = random.Random(hkey(self.seed, 4242, 3))
        for k, rows in enumerate(sheets):
            if not rows:
                continue
            sname = PERIODS[k][0]
            st["sheets"].append(sname)
            if not self.survey_csv:
                xw.start_sheet(sname, f"客户满意度调查汇总表（{sname}）", self.EXCEL_COLS, len(rows))
            merges = []
            merge_left = 0
            merge_val = None
            for rn_off, d in enumerate(rows):
                ts, i, copy = unpack(d)
                seq += 1
                e = U.get(i)
                rec = Rec("excel", self.rec_rng("excel", i, copy), copy > 0)
                row = self.render_excel(e, seq, ts, rec)
                rn = rn_off + 3
                omit_way = False
                if merge_left:
                    row["调查方式"] = merge_val
                    omit_way = True
                    merge_left -= 1
                elif row["调查方式"] and rn_off + 3 < len(rows) and rm.random() < 0.004:
                    L = rm.randint(2, 4)
                    merges.append(f"I{rn}:I{rn + L - 1}")
                    merge_left, merge_val = L - 1, row["调查方式"]
                dv = row["调查日期"]
                if self.survey_csv:
                    line += 1
                    if dv[0] == "n":
                        dtxt = date_str(dv[1] + date(1899, 12, 30).toordinal()) if dv[2] else str(dv[1])
                    else:
                        dtxt = dv[1]
                    vals = [seq, row["客户类型"] or "", row["姓名"], row["单位"], row["手机号"], row["邮箱"],
                            "" if row["满意度"] is None else row["满意度"], dtxt, "" if omit_way else (row["调查方式"] or ""),
                            row["意见建议"] or "", sname]
                    cw.writerow(vals)
                    alt = f"line{line}"
                else:
                    cells = [(0, "n", seq), (1, "s", row["客户类型"]), (2, "s", row["姓名"]), (3, "s", row["单位"])]
                    mv = row["手机号"]
                    cells.append((4, "n", mv) if isinstance(mv, int) else (4, "s", mv))
                    cells.append((5, "s", row["邮箱"]))
                    sv = row["满意度"]
                    cells.append((6, "n", sv) if isinstance(sv, int) else (6, "s", sv))
                    cells.append((7, "n", dv[1], dv[2]) if dv[0] == "n" else (7, "s", dv[1]))
                    if not omit_way:
                        cells.append((8, "s", row["调查方式"]))
                    cells.append((9, "s", row["意见建议"]))
                    xw.row(rn, cells)
                    alt = f"{sname}!R{rn}"
                written = {kk: ("" if v is None else str(v[1]) if isinstance(v, tuple) else str(v)) for kk, v in row.items()}
                tw.record("excel", str(seq), self.eid(i), alt, copy > 0, "", rec, written)
                st["records"] += 1
                st["dup_records"] += copy > 0
                st["base_entities"] += copy == 0
            st["vertical_merges"] += len(merges)
            if not self.survey_csv:
                xw.end_sheet(merges)
        if self.survey_csv:
            f.close()
        else:
            xw.close()
        self.stats["sources"]["excel"] = st

    # ---- OA follow-ups -------------------------------------------------------------------------------
    def render_oa(self, e, oid, ts, rec):
        r = rec.r
        geo = self.geo
        isp = e["type"] == "person"
        cust = {}
        flat = {}
        if rec.p("missing_required", 0.3):
            rec.log("客户.名称", "name", "missing_required", e["name"], "")
            rec.err("客户.名称", "name", "missing_required")
            if r.random() < 0.5:
                cust["名称"] = ""
        else:
            cust["名称"] = (rec.person_name("客户.名称", "name", e["name"], mscale=0.55) if isp else
                          rec.company("客户.名称", "name", e, vscale=1.7, mscale=0.55))
        cust["类型"] = "个人客户" if isp else "企业客户"
        if isp:
            bd = date.fromordinal(e["birth"])
            if r.random() < 0.45:
                cust["证件号码"] = rec.id_number("客户.证件号码", "id_number", e["id18"], "id", bd.year, allow_legacy=False)
            fz_name = e["name"]
            mob = e["mobile"]
            if e["old_mobile"] and rec.stale():
                rec.log("负责人.手机", "mobile", "stale_value", mob, e["old_mobile"])
                mob = e["old_mobile"]
            land = e["landline"] if r.random() < 0.5 else ""
            em = e["email"] if r.random() < 0.45 else ""
            if em and e["old_email"] and rec.stale():
                rec.log("负责人.邮箱", "email", "stale_value", em, e["old_email"])
                em = e["old_email"]
        else:
            if r.random() < 0.49:
                cust["统一社会信用代码"] = rec.uscc("客户.统一社会信用代码", "uscc", e, "uscc")
            if r.random() < 0.58:
                cust["行业"] = e["industry"]
            fz_name, mob = e["contact_name"], e["contact_mobile"]
            if e["old_contact"] and rec.stale():
                rec.log("负责人.姓名", "contact_name", "stale_value", fz_name, e["old_contact"][0])
                rec.log("负责人.手机", "mobile", "stale_value", mob, e["old_contact"][1])
                fz_name, mob = e["old_contact"]
            land = e["landline"] if r.random() < 0.25 else ""
            if land and e["old_landline"] and rec.stale():
                rec.log("负责人.座机", "phone", "stale_value", land, e["old_landline"])
                land = e["old_landline"]
            em = e["email"] if r.random() < 0.4 else ""
        fz = {"姓名": rec.person_name("负责人.姓名", "contact_name", fz_name, required=False, title_ok=not isp,
                                    cscale=0.3 if isp else 1.0)}
        m = rec.mobile("负责人.手机", "mobile", mob, required=True, fmt_scale=1.0)
        if m == "" and r.random() < 0.5:
            pass  # the key is left out altogether
        else:
            fz["手机"] = m
        if land:
            fz["座机"] = rec.landline("负责人.座机", "phone", land, fmt_scale=0.7, nscale=0.4)
        if em:
            fz["邮箱"] = rec.email("负责人.邮箱", "email", em)
        ad = e["addr"]
        if e["old_addr"] is not None and rec.stale():
            rec.log("地址", "address", "stale_value", self.addr_full(ad), self.addr_full(e["old_addr"]))
            ad = e["old_addr"]
        x = r.random()
        if x < 0.70:
            a = geo.areas[ad[0]]
            c = a.city
            rest = rec.address("地址.详细地址", "address", geo, ad, e["addr"], string=False, ph=False, dscale=0.25)
            pre = geo.full_prefix(a)
            if rest.startswith(pre):
                rest = rest[len(pre):]
            addr = {"省": c.pname, "市": c.name, "区": "" if c.nodistrict else a.name, "详细地址": rest}
        elif x < 0.95:
            addr = rec.address("地址", "address", geo, ad, e["addr"], abbrev_scale=0.95, dscale=0.25)
        else:
            addr = None
        t = ts_dt(ts)
        created = t.date()
        lts = min(T_END_S - 1, ts + r.randint(0, 400 * 86400))
        last = ts_dt(lts).replace(second=0)
        clean = last.strftime("%Y-%m-%d %H:%M:%S")
        y = r.random()
        mm = rec.mult
        if y < 1 - 0.40 * mm:
            lt = clean
        else:
            z = r.random()
            if z < 0.38:
                sub, lt = "epoch_ms", int((last - timedelta(hours=8) - datetime(1970, 1, 1)).total_seconds()) * 1000
            elif z < 0.74:
                sub, lt = "iso8601", last.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
            else:
                sub, lt = "slash_min", f"{last.year}/{last.month}/{last.day} {last.hour}:{last.minute:02d}"
            rec.log("最后跟进时间", "last_follow_up", "date_format:" + sub, clean, str(lt))
        nrec = r.randrange(5)
        logs = []
        if nrec:
            pts = sorted(r.randint(ts, lts) for _ in range(nrec - 1))
            for pt in pts:
                tt = ts_dt(pt)
                logs.append({"时间": tt.strftime("%Y-%m-%d %H:%M"), "方式": r.choice(D.OA_WAYS), "内容": r.choice(D.OA_NOTES)})
            tt = last
            if True:
                logs.append({"时间": tt.strftime("%Y-%m-%d %H:%M"), "方式": r.choice(D.OA_WAYS), "内容": r.choice(D.OA_NOTES)})
        obj = {"id": oid, "客户": cust, "负责人": fz, "地址": addr, "跟进阶段": r.choice(D.OA_STAGES), "最后跟进时间": lt,
               "跟进人": {"姓名": r.choice(D.SALES_REPS), "部门": r.choice(D.OA_DEPTS)},
               "创建时间": f"{created.year:04d}-{created.month:02d}-{created.day:02d}", "跟进记录": logs}
        if r.random() < 0.10:
            obj["标签"] = r.sample(D.OA_TAGS, 2)
        # traditional characters on the text fields
        if rec.p("traditional"):
            sub = "s2tw" if r.random() < 0.5 else "s2hk"
            tb = T_TW if sub == "s2tw" else T_HK
            for holder, k, f, canon in ((cust, "名称", "客户.名称", "name"), (fz, "姓名", "负责人.姓名", "contact_name")):
                v = holder.get(k)
                if v:
                    w = v.translate(tb)
                    if w != v:
                        rec.log(f, canon, "traditional_chars:" + sub, v, w)
                        holder[k] = w
            if isinstance(addr, str) and addr:
                w = addr.translate(tb)
                if w != addr:
                    rec.log("地址", "address", "traditional_chars:" + sub, addr, w)
                    obj["地址"] = addr = w
            elif isinstance(addr, dict):
                w = addr["详细地址"].translate(tb)
                if w != addr["详细地址"]:
                    rec.log("地址.详细地址", "address", "traditional_chars:" + sub, addr["详细地址"], w)
                    addr["详细地址"] = w
        flat["客户.名称"] = cust.get("名称", "")
        flat["负责人.手机"] = fz.get("手机", "")
        flat["负责人.姓名"] = fz.get("姓名", "")
        flat["负责人.座机"] = fz.get("座机", "")
        flat["负责人.邮箱"] = fz.get("邮箱", "")
        flat["客户.证件号码"] = cust.get("证件号码", "")
        flat["客户.统一社会信用代码"] = cust.get("统一社会信用代码", "")
        flat["地址"] = addr if isinstance(addr, str) else ""
        return obj, flat

    def write_oa(self, desc, tw):
        path = os.path.join(self.out, "sources", SOURCE_FILES["oa"])
        f = open(path, "w", encoding="utf-8", newline="")
        U = self.U
        st = {"records": 0, "base_entities": 0, "dup_records": 0, "test_records": 0}
        rt = random.Random(hkey(self.seed, 4242, 4))
        line = 0
        for d in desc:
            ts, i, copy = unpack(d)
            t = ts_dt(ts)
            if rt.random() < TEST_RATE["oa"]:
                line += 1
                oid = f"OA-{t.year}-{line:07d}"
                name = rt.choice(("测试", "测试客户", "test", "TEST001"))
                obj = {"id": oid, "客户": {"名称": name, "类型": ""}, "负责人": {"姓名": name, "手机": rt.choice(("12345678", "00000000000", "11111111111"))},
                       "地址": None, "跟进阶段": "初次接触", "最后跟进时间": f"{t.year:04d}-{t.month:02d}-{t.day:02d} 10:00:00",
                       "跟进人": {"姓名": "管理员", "部门": "IT"}, "创建时间": f"{t.year:04d}-{t.month:02d}-{t.day:02d}", "跟进记录": []}
                f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
                tw.record("oa", oid, f"X-oa-{oid}", f"line{line}", False, "test_record", None, None)
                tw.w_err.writerow(("oa", oid, "*", "record", "test_record", "error", name))
                tw.err_counts.setdefault("oa", {}).setdefault("test_record", 0)
                tw.err_counts["oa"]["test_record"] += 1
                st["test_records"] += 1
            line += 1
            oid = f"OA-{t.year}-{line:07d}"
            e = U.get(i)
            rec = Rec("oa", self.rec_rng("oa", i, copy), copy > 0)
            obj, flat = self.render_oa(e, oid, ts, rec)
            if rec.r.random() < 0.5:
                f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
            else:
                f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            tw.record("oa", oid, self.eid(i), f"line{line}", copy > 0, "", rec, flat)
            st["records"] += 1
            st["dup_records"] += copy > 0
            st["base_entities"] += copy == 0
        f.close()
        st["records"] += st["test_records"]
        self.stats["sources"]["oa"] = st

    # ---- driver -------------------------------------------------------------------------------------
    def run(self):
        self.t0 = time.time()
        os.makedirs(os.path.join(self.out, "sources"), exist_ok=True)
        os.makedirs(os.path.join(self.out, "truth"), exist_ok=True)
        for fn in ("excel_survey.xlsx", "excel_survey.csv"):
            p = os.path.join(self.out, "sources", fn)
            if os.path.exists(p):
                os.remove(p)
        t = time.time()
        self.build_pass()
        self.timing["build"] = round(time.time() - t, 1)
        self.log(f"entities built ({self.stats['uniqueness_regenerated']} regenerated for uniqueness)")
        t = time.time()
        desc = self.entity_pass()
        self.timing["entities"] = round(time.time() - t, 1)
        self.log("entities.csv, hard_negatives.csv written; records: "
                 + ", ".join(f"{s} {len(v)}" for s, v in desc.items()))
        tw = TruthWriter(os.path.join(self.out, "truth"), not self.args.no_corruptions_log)
        for src, fn in (("access", self.write_access), ("erp", self.write_erp), ("excel", self.write_excel),
                        ("oa", self.write_oa)):
            t = time.time()
            fn(desc[src], tw)
            desc[src] = None
            self.timing[src] = round(time.time() - t, 1)
            self.log(f"{src} written ({self.stats['sources'][src]['records']} records)")
        tw.close()
        # statistics
        self.stats["corruption_counts"] = {s: dict(sorted(v.items())) for s, v in tw.cor_counts.items()}
        self.stats["corruption_rate_per_record"] = {
            s: {k: round(c / self.stats["sources"][s]["records"], 5) for k, c in sorted(v.items())}
            for s, v in tw.cor_counts.items()}
        self.stats["expected_error_counts"] = {s: dict(sorted(v.items())) for s, v in tw.err_counts.items()}
        self.stats["options"] = {"survey_format": self.args.survey_format, "corruptions_log": not self.args.no_corruptions_log}
        with open(os.path.join(self.out, "truth", "stats.json"), "w", encoding="utf-8") as f:
            json.dump(self.stats, f, ensure_ascii=False, indent=1)
            f.write("\n")
        self.timing["total"] = round(time.time() - self.t0, 1)
        sizes = {}
        for sub in ("sources", "truth"):
            for fn in sorted(os.listdir(os.path.join(self.out, sub))):
                sizes[f"{sub}/{fn}"] = os.path.getsize(os.path.join(self.out, sub, fn))
        with open(os.path.join(self.out, "generation.json"), "w", encoding="utf-8") as f:
            json.dump({"customers": self.n, "seed": self.seed, "seconds": self.timing, "bytes": sizes,
                       "python": sys.version.split()[0]}, f, ensure_ascii=False, indent=1)
            f.write("\n")
        self.log(f"done in {self.timing['total']} s")


def _csv_line(vals):
    out = []
    for v in vals:
        v = str(v)
        if any(c in v for c in ',"\r\n'):
            v = '"' + v.replace('"', '""') + '"'
        out.append(v)
    return ",".join(out)


def employer_comp(name):
    """Best-effort parse of a made-up employer name back into components (for name variants)."""
    m = re.fullmatch(r"(.{2,3}?)(.{2})(" + "|".join(sorted((t[0] for t in D.TRADES), key=len, reverse=True))
                     + r")(有限公司|有限责任公司|股份有限公司)", name)
    if m:
        return {"form": "prefix", "region": m.group(1), "zihao": m.group(2), "trade": m.group(3), "suffix": m.group(4),
                "city_short": m.group(1).rstrip("市")}
    m = re.fullmatch(r"(.{2})(" + "|".join(sorted((t[0] for t in D.TRADES), key=len, reverse=True))
                     + r")（(.+)）(有限公司|有限责任公司|股份有限公司)", name)
    if m:
        return {"form": "paren", "region": m.group(3), "zihao": m.group(1), "trade": m.group(2), "suffix": m.group(4),
                "city_short": m.group(3)}
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, required=True, help="number of true entities (70%% persons)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="output set directory (sources/ and truth/ are created in it)")
    ap.add_argument("--survey-format", choices=("xlsx", "csv"), default="xlsx",
                    help="write the survey silo as excel_survey.xlsx (default) or as excel_survey.csv (UTF-8 BOM, one "
                         "extra column 调查期间 for the sheet; for the largest sets, when a workbook is not wanted)")
    ap.add_argument("--no-corruptions-log", action="store_true",
                    help="do not write truth/corruptions.csv (the largest truth file; score.py errors then reports "
                         "precision_explained = precision_injected)")
    ap.add_argument("--division-data", default=DEFAULT_DIVISION_DATA,
                    help="folder with provinces.csv, cities.csv, areas.csv, area_codes.tsv (default: steward's vendored copy)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.customers < 10:
        ap.error("--customers must be at least 10")
    if args.customers >= (1 << IBITS):
        ap.error("too many customers")
    Generator(args).run()


if __name__ == "__main__":
    main()
