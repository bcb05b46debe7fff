"""Regenerates area_codes.tsv beside this file (one-off; not run by the build).

Inputs: the zh geocoding table of libphonenumber (Apache-2.0), as shipped in the PyPI package
`phonenumbers` 9.0.43 (`phonenumbers.geodata.GEOCODE_DATA`, fixed-line prefixes 86+area code), and the
china-division 2.7.0 cities/areas CSV vendored beside it (to turn the geocoder's loose names into
official city names). SUPPLEMENT adds cities that share an area code with the city the geocoder names
(co-located codes), and fixes 3-digit geocoder keys that stand for one 4-digit code.

usage: pip download --no-deps phonenumbers==9.0.43; unzip it; PYTHONPATH=<unzipped> python3 build_area_codes.py
"""
import csv, re, os, sys
from phonenumbers.geodata import GEOCODE_DATA

HERE = os.path.dirname(os.path.abspath(__file__))
SHORT_KEYS = {'033': '0335', '034': '0349', '058': '0580', '070': '0701'}
TYPOS = {'株州市': '株洲市'}
# (area code, province, city): cities that share a code with the one the geocoder lists.
SUPPLEMENT = [
    ('0937', '甘肃省', '嘉峪关市'),
    ('0371', '河南省', '开封市'), ('0558', '安徽省', '亳州市'), ('0772', '广西壮族自治区', '来宾市'),
    ('0774', '广西壮族自治区', '贺州市'), ('0775', '广西壮族自治区', '贵港市'), ('0935', '甘肃省', '金昌市'),
    ('0433', '吉林省', '延边朝鲜族自治州'), ('0692', '云南省', '德宏傣族景颇族自治州'),
    ('0887', '云南省', '迪庆藏族自治州'), ('0634', '山东省', '济南市'),
]

prov = {r['code']: r['name'] for r in csv.DictReader(open(os.path.join(HERE, 'provinces.csv')))}
cities = list(csv.DictReader(open(os.path.join(HERE, 'cities.csv'))))
areas = list(csv.DictReader(open(os.path.join(HERE, 'areas.csv'))))
MUNI = ('北京市', '上海市', '天津市', '重庆市')


def short(n):
    for suf in ['维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '省', '市']:
        if n.endswith(suf):
            return n[:-len(suf)]
    return n


def city_for(pcode, piece):
    piece = TYPOS.get(piece, piece)
    stem = re.sub('(地区|市)$', '', piece)
    c = [c['name'] for c in cities if c['provinceCode'] == pcode and c['name'].startswith(stem)]
    if not c:  # county-level cities directly under the province (仙桃市 …)
        c = [a['name'] for a in areas if a['provinceCode'] == pcode and a['cityCode'].endswith('90')
             and a['name'].startswith(stem)]
    return c[0] if len(c) == 1 else None


out = []
for key, v in sorted(GEOCODE_DATA.items()):
    if not key.startswith('86') or not 4 <= len(key) <= 5 or 'zh' not in v:
        continue
    ac = '0' + key[2:]
    if key[2] == '1' and key != '8610':
        continue
    if len(ac) == 3 and not (ac == '010' or ac.startswith('02')):
        ac = SHORT_KEYS.get(ac)
        if not ac:
            continue
    desc = v['zh']
    p = next(((c, n) for c, n in prov.items() for cand in (n, short(n)) if desc.startswith(cand)), None)
    if not p:
        continue
    rest = desc[len(p[1]):] if desc.startswith(p[1]) else desc[len(short(p[1])):]
    if p[1] in MUNI:
        out.append((ac, p[1], p[1]))
        continue
    for piece in re.split('[、，,]', rest):
        c = city_for(p[0], piece.strip()) if piece.strip() else None
        if c:
            out.append((ac, p[1], c))
out += SUPPLEMENT
seen = set()
with open(os.path.join(HERE, 'area_codes.tsv'), 'w') as f:
    f.write('# area_code\tprovince\tcity — from libphonenumber zh geocoding data (Apache-2.0), see build_area_codes.py\n')
    for row in out:
        if row not in seen:
            seen.add(row)
            f.write('\t'.join(row) + '\n')
print(len(seen), 'rows')
