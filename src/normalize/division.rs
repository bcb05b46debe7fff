//! GB/T 2260 administrative divisions: names and 6-digit codes of provinces, prefecture-level cities
//! and county-level districts, from the vendored china-division 2.7.0 tables (`data/README.md`).
//!
//! cpca finds province / city / district *names* in an address; this module turns names into codes
//! (the blocking key of the matcher), gives short forms (广西壮族自治区 → 广西, 甘孜藏族自治州 → 甘孜)
//! for prefix matching in company names, and resolves a 身份证's first six digits to a region.
//! Municipalities (北京 上海 天津 重庆) have the province name as their city name, as in the dev set.

use std::collections::HashMap;
use std::sync::LazyLock;

const PROVINCES_CSV: &str = include_str!("data/provinces.csv");
const CITIES_CSV: &str = include_str!("data/cities.csv");
const AREAS_CSV: &str = include_str!("data/areas.csv");

/// One division row, with its 6-digit code (`110000`, `110100`, `110105`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
}

/// A resolved region: names as printed in addresses, codes as 6-digit GB/T 2260 strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Region {
    pub province: String,
    pub province_code: String,
    pub city: String,
    pub city_code: String,
    /// `None` for cities without districts (东莞市) or when the district code is unknown.
    pub district: Option<String>,
    pub district_code: Option<String>,
}

struct Tables {
    provinces: Vec<Division>,
    /// (province index, city) — municipality pseudo-cities (市辖区, 县) carry the province's name.
    cities: Vec<(usize, Division)>,
    /// (city index, district)
    districts: Vec<(usize, Division)>,
    by_code: HashMap<String, Level>,
}

#[derive(Clone, Copy)]
enum Level {
    Province(usize),
    City(usize),
    District(usize),
}

static TABLES: LazyLock<Tables> = LazyLock::new(load);

/// Rows of `code,"name",...` (the files are simple: no commas or quotes inside names).
fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|f| f.trim().trim_matches('"')).collect())
}

fn pad6(code: &str) -> String {
    format!("{code:0<6}")
}

fn load() -> Tables {
    let mut provinces = Vec::new();
    let mut by_code = HashMap::new();
    let mut province_idx = HashMap::new();
    for r in rows(PROVINCES_CSV) {
        province_idx.insert(r[0].to_string(), provinces.len());
        by_code.insert(pad6(r[0]), Level::Province(provinces.len()));
        provinces.push(Division {
            code: pad6(r[0]),
            name: r[1].to_string(),
        });
    }
    let mut cities = Vec::new();
    let mut city_idx = HashMap::new();
    for r in rows(CITIES_CSV) {
        let p = province_idx[r[2]];
        let name = match r[1] {
            "市辖区" | "县" => provinces[p].name.clone(),
            other => other.to_string(),
        };
        city_idx.insert(r[0].to_string(), cities.len());
        by_code.insert(pad6(r[0]), Level::City(cities.len()));
        cities.push((
            p,
            Division {
                code: pad6(r[0]),
                name,
            },
        ));
    }
    let mut districts = Vec::new();
    for r in rows(AREAS_CSV) {
        let c = city_idx[r[2]];
        by_code.insert(r[0].to_string(), Level::District(districts.len()));
        districts.push((
            c,
            Division {
                code: r[0].to_string(),
                name: r[1].to_string(),
            },
        ));
    }
    Tables {
        provinces,
        cities,
        districts,
        by_code,
    }
}

/// True for the four municipalities, where the city is the province.
pub fn is_municipality(province: &str) -> bool {
    matches!(province, "北京市" | "上海市" | "天津市" | "重庆市")
}

/// "County-level cities directly under the province" (仙桃市, 济源市 …) sit under a pseudo-city.
fn is_province_direct(city: &Division) -> bool {
    city.name == "省直辖县级行政区划" || city.name == "自治区直辖县级行政区划"
}

/// All provinces, in code order.
pub fn provinces() -> &'static [Division] {
    &TABLES.provinces
}

/// Province code (`440000`) for a full or short province name (广东省, 广东).
pub fn province_code(name: &str) -> Option<&'static str> {
    let t = &*TABLES;
    t.provinces
        .iter()
        .find(|p| p.name == name || short_name(&p.name) == name)
        .map(|p| p.code.as_str())
}

/// Look-up indexes over the tables (built on first use, after the tables).
struct Index {
    cities_by_province: HashMap<String, Vec<&'static Division>>,
    districts_by_city: HashMap<(String, String), Vec<&'static Division>>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let t: &'static Tables = &TABLES;
    let mut cities_by_province = HashMap::new();
    let mut districts_by_city = HashMap::new();
    for p in &t.provinces {
        let cities = scan_cities_of(&p.name);
        for c in &cities {
            let key = (p.name.clone(), c.name.clone());
            districts_by_city.insert(key, scan_districts_of(&p.name, &c.name));
        }
        cities_by_province.insert(p.name.clone(), cities);
    }
    Index {
        cities_by_province,
        districts_by_city,
    }
});

/// Prefecture-level cities of a province (by its full name); for a municipality, the municipality.
pub fn cities_of(province: &str) -> Vec<&'static Division> {
    INDEX
        .cities_by_province
        .get(province)
        .cloned()
        .unwrap_or_default()
}

fn scan_cities_of(province: &str) -> Vec<&'static Division> {
    let t: &'static Tables = &TABLES;
    let mut out: Vec<&Division> = Vec::new();
    for (p, c) in &t.cities {
        if t.provinces[*p].name != province {
            continue;
        }
        if is_province_direct(c) {
            let ci = t.cities.iter().position(|(_, x)| x.code == c.code);
            out.extend(
                t.districts
                    .iter()
                    .filter(|(i, _)| Some(*i) == ci)
                    .map(|(_, d)| d),
            );
        } else if !out.iter().any(|o| o.name == c.name) {
            out.push(c);
        }
    }
    out
}

/// Every prefecture-level city with its province name (for prefix matching).
pub fn all_cities() -> Vec<(&'static str, &'static Division)> {
    let t = &*TABLES;
    t.provinces
        .iter()
        .flat_map(|p| cities_of(&p.name).into_iter().map(|c| (p.name.as_str(), c)))
        .collect()
}

/// Districts (county level) of a city, given province and city full names.
pub fn districts_of(province: &str, city: &str) -> Vec<&'static Division> {
    INDEX
        .districts_by_city
        .get(&(province.to_string(), city.to_string()))
        .cloned()
        .unwrap_or_default()
}

fn scan_districts_of(province: &str, city: &str) -> Vec<&'static Division> {
    let t: &'static Tables = &TABLES;
    t.districts
        .iter()
        .filter(|(ci, d)| {
            let (pi, c) = &t.cities[*ci];
            t.provinces[*pi].name == province && c.name == city && d.name != city
        })
        .map(|(_, d)| d)
        .collect()
}

/// Resolves names to a `Region` with codes. Unknown district names keep the name without a code;
/// an unknown city or province gives `None`.
pub fn resolve(province: &str, city: &str, district: Option<&str>) -> Option<Region> {
    let province_code = province_code(province)?.to_string();
    let city_div = cities_of(province).into_iter().find(|c| c.name == city)?;
    let mut region = Region {
        province: province.to_string(),
        province_code,
        city: city.to_string(),
        city_code: city_div.code.clone(),
        district: district.map(str::to_string),
        district_code: None,
    };
    if let Some(d) = district {
        if let Some(div) = districts_of(province, city)
            .into_iter()
            .find(|x| x.name == d)
        {
            region.district_code = Some(div.code.clone());
            if is_municipality(province) {
                // 重庆's counties sit under 500200, its districts under 500100.
                region.city_code = format!("{}00", &div.code[..4]);
            }
        }
    }
    Some(region)
}

/// True when the 6-digit code is in the table (province, city or district), exactly.
pub fn is_code(code: &str) -> bool {
    TABLES.by_code.contains_key(code)
}

/// Region of a 6-digit division code, e.g. the first six digits of a 身份证. A retired district
/// code falls back to its city, then its province (the region is then partial).
pub fn region_of_code(code: &str) -> Option<Region> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = &*TABLES;
    let city_of = |ci: usize| {
        let (pi, c) = &t.cities[ci];
        (&t.provinces[*pi], c)
    };
    match t.by_code.get(code) {
        Some(Level::District(di)) => {
            let (ci, d) = &t.districts[*di];
            let (p, c) = city_of(*ci);
            if is_province_direct(c) {
                return Some(Region {
                    province: p.name.clone(),
                    province_code: p.code.clone(),
                    city: d.name.clone(),
                    city_code: d.code.clone(),
                    district: None,
                    district_code: None,
                });
            }
            let same_as_city = d.name == c.name; // 东莞市 441900
            Some(Region {
                province: p.name.clone(),
                province_code: p.code.clone(),
                city: c.name.clone(),
                city_code: c.code.clone(),
                district: (!same_as_city).then(|| d.name.clone()),
                district_code: (!same_as_city).then(|| d.code.clone()),
            })
        }
        Some(Level::City(ci)) => {
            let (p, c) = city_of(*ci);
            Some(Region {
                province: p.name.clone(),
                province_code: p.code.clone(),
                city: c.name.clone(),
                city_code: c.code.clone(),
                ..Region::default()
            })
        }
        Some(Level::Province(pi)) => {
            let p = &t.provinces[*pi];
            Some(Region {
                province: p.name.clone(),
                province_code: p.code.clone(),
                ..Region::default()
            })
        }
        None => {
            let city = format!("{}00", &code[..4]);
            let province = format!("{}0000", &code[..2]);
            if t.by_code.contains_key(&city) {
                region_of_code(&city)
            } else if t.by_code.contains_key(&province) {
                region_of_code(&province)
            } else {
                None
            }
        }
    }
}

/// Ethnic-group stems that autonomous region / prefecture / county names carry after the place name.
const ETHNIC_STEMS: &[&str] = &[
    "藏",
    "回",
    "壮",
    "苗",
    "彝",
    "土家",
    "布依",
    "侗",
    "瑶",
    "白",
    "哈尼",
    "傣",
    "景颇",
    "傈僳",
    "纳西",
    "拉祜",
    "佤",
    "朝鲜",
    "蒙古",
    "哈萨克",
    "柯尔克孜",
    "维吾尔",
    "满",
    "畲",
    "黎",
    "水",
    "仡佬",
    "羌",
    "土",
    "撒拉",
    "东乡",
    "保安",
    "裕固",
    "达斡尔",
    "鄂温克",
    "鄂伦春",
    "锡伯",
    "各",
    "毛南",
    "仫佬",
    "京",
    "普米",
    "怒",
    "独龙",
    "阿昌",
    "德昂",
    "布朗",
    "塔吉克",
];

/// The name as people abbreviate it: 广西壮族自治区 → 广西, 甘孜藏族自治州 → 甘孜, 北京市 → 北京,
/// 浦东新区 → 浦东, 阿克塞哈萨克族自治县 → 阿克塞, 大兴安岭地区 → 大兴安岭. A name that would shrink
/// below two characters is returned whole (城区, 郊区).
pub fn short_name(name: &str) -> &str {
    const AUTONOMOUS: [&str; 4] = ["自治区", "自治州", "自治县", "自治旗"];
    if let Some(stem) = AUTONOMOUS.iter().find_map(|s| name.strip_suffix(s)) {
        // The place name has at least two characters; the first ethnic stem after it ends it.
        let cut = stem
            .char_indices()
            .skip(2)
            .find(|(byte, _)| ETHNIC_STEMS.iter().any(|e| stem[*byte..].starts_with(e)));
        return cut.map_or(stem, |(byte, _)| &stem[..byte]);
    }
    const SUFFIXES: [&str; 9] = [
        "特别行政区",
        "地区",
        "新区",
        "林区",
        "省",
        "市",
        "盟",
        "区",
        "县",
    ];
    for suffix in SUFFIXES {
        if let Some(stem) = name.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return stem;
            }
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        let cases = [
            ("广西壮族自治区", "广西"),
            ("新疆维吾尔自治区", "新疆"),
            ("内蒙古自治区", "内蒙古"),
            ("甘孜藏族自治州", "甘孜"),
            ("黔西南布依族苗族自治州", "黔西南"),
            ("巴音郭楞蒙古自治州", "巴音郭楞"),
            ("阿克塞哈萨克族自治县", "阿克塞"),
            ("长白朝鲜族自治县", "长白"),
            ("北京市", "北京"),
            ("广东省", "广东"),
            ("浦东新区", "浦东"),
            ("大兴安岭地区", "大兴安岭"),
            ("朝阳区", "朝阳"),
            ("城区", "城区"),
            ("邹城市", "邹城"),
        ];
        for (full, short) in cases {
            assert_eq!(short_name(full), short, "{full}");
        }
    }

    #[test]
    fn codes() {
        let r = resolve("北京市", "北京市", Some("朝阳区")).unwrap();
        assert_eq!(
            (r.province_code.as_str(), r.city_code.as_str()),
            ("110000", "110100")
        );
        assert_eq!(r.district_code.as_deref(), Some("110105"));
        let r = resolve("广东省", "深圳市", Some("南山区")).unwrap();
        assert_eq!(r.district_code.as_deref(), Some("440305"));
        let r = resolve("重庆市", "重庆市", Some("酉阳土家族苗族自治县")).unwrap();
        assert_eq!(r.city_code, "500200");
        let r = resolve("浙江省", "杭州市", Some("江干区")).unwrap();
        assert_eq!(
            r.district_code, None,
            "retired district keeps its name, no code"
        );
        assert_eq!(province_code("广西"), Some("450000"));
        assert!(resolve("广东省", "火星市", None).is_none());
    }

    #[test]
    fn id_regions() {
        let r = region_of_code("110105").unwrap();
        assert_eq!((r.province.as_str(), r.city.as_str()), ("北京市", "北京市"));
        assert_eq!(r.district.as_deref(), Some("朝阳区"));
        let r = region_of_code("441900").unwrap();
        assert_eq!((r.city.as_str(), r.district.as_deref()), ("东莞市", None));
        let r = region_of_code("429004").unwrap();
        assert_eq!((r.province.as_str(), r.city.as_str()), ("湖北省", "仙桃市"));
        // 崇文区 (110103) was merged into 东城区 in 2010: falls back to the city.
        let r = region_of_code("110103").unwrap();
        assert_eq!((r.city.as_str(), r.district.as_deref()), ("北京市", None));
        assert!(region_of_code("990101").is_none());
        assert!(region_of_code("11010x").is_none());
    }

    #[test]
    fn city_lists() {
        assert!(cities_of("湖北省").iter().any(|c| c.name == "仙桃市"));
        assert_eq!(cities_of("北京市").len(), 1);
        assert!(districts_of("广东省", "东莞市").is_empty());
        assert!(all_cities().len() > 330);
    }
}
