//! Addresses: province / city / district with GB/T 2260 codes, a comparison key for the detail
//! part, and the full-address composer.
//!
//! cpca finds the division names at the start of an address, with abbreviations (深圳南山…, 宁夏银川
//! 西夏…) and municipalities; this module repairs what it cannot know: older district names that no
//! longer exist (江干区, 芜湖县 — kept by name, without a code), a county whose short name equals its
//! prefecture's (四川甘孜得荣…), towns of cities without districts (东莞), and a bare district that
//! several cities have (朝阳区…: no district code unless the caller knows the city). Detail formats
//! (3号楼2单元501室 / 3-2-501 / 3栋2单元501 / 3幢2单元501室) share one [`detail_key`]; the written
//! detail itself is kept, since the key is for comparison, not for display.

use std::sync::LazyLock;

use cpca::RecognitionStatus;

use crate::normalize::{division, placeholder, text};

/// Something worth telling about a parsed address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressFinding {
    /// No province, city or district found (a street only, or not an address).
    NoRegion,
    /// A district name several cities share, and no city to choose: no district code.
    AmbiguousDistrict { candidates: usize },
    /// A district name that is not in the current GB/T 2260 table (renamed or merged): kept by
    /// name, without a code.
    UnlistedDistrict,
    /// An older name of a district that was renamed in place (肥乡县 → 肥乡区): the name is kept,
    /// the code is the current district's.
    RenamedDistrict { current: String },
    /// The written province / city / district contradict each other.
    Conflict,
}

/// A parsed address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub district_code: Option<String>,
    /// The rest after the divisions, cleaned (T2s, no spaces), as written.
    pub detail: String,
    pub findings: Vec<AddressFinding>,
}

impl Address {
    /// The full address in the dev set's convention ([`full_address`]).
    pub fn full(&self) -> String {
        full_address(
            self.province.as_deref().unwrap_or(""),
            self.city.as_deref().unwrap_or(""),
            self.district.as_deref().unwrap_or(""),
            &self.detail,
        )
    }

    /// The comparison key: the divisions by code where known (so an old and a new name of one
    /// district agree), else by name, plus [`detail_key`] of the detail.
    pub fn key(&self) -> String {
        let part = |code: &Option<String>, name: &Option<String>| {
            code.clone().or(name.clone()).unwrap_or_default()
        };
        format!(
            "{}/{}/{}/{}",
            part(&self.province_code, &self.province),
            part(&self.city_code, &self.city),
            part(&self.district_code, &self.district),
            detail_key(&self.detail)
        )
    }
}

/// The outcome of [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressValue {
    Empty,
    Placeholder,
    Parsed(Address),
}

impl AddressValue {
    pub fn address(&self) -> Option<&Address> {
        match self {
            AddressValue::Parsed(a) => Some(a),
            _ => None,
        }
    }

    pub fn error_kind(&self) -> Option<&'static str> {
        matches!(self, AddressValue::Placeholder).then_some("placeholder")
    }
}

/// `province + city + district + detail`, the city left out for a municipality (北京市丰台区创业路2号)
/// and when it repeats the province; parts already present are not repeated. A Latin address is
/// written the Western way round.
pub fn full_address(province: &str, city: &str, district: &str, detail: &str) -> String {
    let parts = [detail, district, city, province];
    if !detail.is_empty() && !parts.iter().any(|p| text::has_cjk(p)) {
        // A Latin address reads street first, then town and region, comma separated
        // (`823 Weiss Underpass, port sallyside`), not run together.
        let mut shown: Vec<&str> = Vec::with_capacity(parts.len());
        for p in parts {
            // A town written as the street line (`Los Angeles`, `LOS ANGELES`) is shown once.
            if !p.is_empty() && !shown.iter().any(|s| s.to_lowercase() == p.to_lowercase()) {
                shown.push(p);
            }
        }
        return shown.join(", ");
    }
    let mut out = String::from(province);
    if !city.is_empty() && city != province && !division::is_municipality(province) {
        out.push_str(city);
    }
    out.push_str(district);
    out.push_str(detail);
    out
}

/// Cleaning for addresses: NFKC, T2s, no white space or stray commas (a comma in an address is a
/// typing or export artefact).
pub fn clean(raw: &str) -> String {
    let s = text::to_simplified(&text::clean(raw));
    if text::has_cjk(&s) {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '、'))
            .collect()
    } else {
        s
    }
}

/// Parses an address with no context.
pub fn parse(raw: &str) -> AddressValue {
    parse_in(raw, None)
}

/// Parses an address; `city`, when known from elsewhere in the record (the OA 市 field, a phone's
/// area code), fills what the address leaves out: with it, a bare 朝阳区… resolves.
pub fn parse_in(raw: &str, city: Option<(&str, &str)>) -> AddressValue {
    let s = clean(raw);
    if s.is_empty() {
        return AddressValue::Empty;
    }
    if placeholder::is_placeholder(&s) {
        return AddressValue::Placeholder;
    }
    let mut address = parse_clean(&s);
    if let (None, Some((province, city))) = (&address.city, city) {
        let with_context = parse_clean(&format!("{}{}", full_address(province, city, "", ""), s));
        if with_context.city.as_deref() == Some(city) {
            address = with_context;
        }
    }
    AddressValue::Parsed(address)
}

fn parse_clean(s: &str) -> Address {
    // Divisions are named in Chinese: a text without a CJK character (a Latin address) names none,
    // and is all detail.
    if !text::has_cjk(s) {
        return Address {
            detail: s.to_string(),
            findings: vec![AddressFinding::NoRegion],
            ..Address::default()
        };
    }
    parse_divisions(s)
}

/// The divisions of a cleaned address and the detail after them, repaired where cpca misreads.
fn parse_divisions(s: &str) -> Address {
    let expanded = expand_short_city(s);
    let s = expanded.as_deref().unwrap_or(s);
    let checked = cpca::parse_with_status(s);
    let parsed = checked.address;
    let mut a = Address {
        province: parsed.province,
        city: parsed.city,
        district: parsed.district,
        detail: parsed.detail,
        ..Address::default()
    };
    let consumed = s.strip_suffix(a.detail.as_str()).unwrap_or("").to_string();
    repair_split_suffix(&mut a, &consumed);
    find_missing_city(&mut a);
    repair_short_district(&mut a, &consumed);
    take_unlisted_district(&mut a);
    canonical_district_name(&mut a);
    fold_towns(&mut a);
    resolve_codes(&mut a);
    match checked.validation.status {
        RecognitionStatus::Ambiguous if a.city.is_none() => {
            let candidates = checked.validation.candidates.len();
            a.findings
                .push(AddressFinding::AmbiguousDistrict { candidates });
        }
        RecognitionStatus::NeedsReview if a.district_code.is_none() => {
            a.findings.push(AddressFinding::Conflict)
        }
        _ => {}
    }
    if a.province.is_none() && a.city.is_none() && a.district.is_none() {
        a.findings.push(AddressFinding::NoRegion);
    }
    a
}

/// cpca reads `芜湖县…` as 芜湖(市) + `县…`, and `武隆县` as 武隆区 + `县…`: a lone 县/区/市/旗 left at
/// the start of the detail belongs to the name before it.
fn repair_split_suffix(a: &mut Address, consumed: &str) {
    let Some(first) = a
        .detail
        .chars()
        .next()
        .filter(|c| matches!(c, '县' | '区' | '旗'))
    else {
        return;
    };
    if consumed.ends_with(['省', '市', '区', '县', '旗', '州', '盟']) || consumed.is_empty()
    {
        return;
    }
    let stems = [a.district.as_deref(), a.city.as_deref()];
    let Some(stem) = stems
        .into_iter()
        .flatten()
        .map(division::short_name)
        .find(|st| consumed.ends_with(st))
    else {
        return;
    };
    a.district = Some(format!("{stem}{first}"));
    a.detail = a.detail[first.len_utf8()..].to_string();
}

/// (province, city full name, city short name) of every prefecture-level city, longest names first.
static CITY_NAMES: LazyLock<Vec<(&'static str, &'static str, &'static str)>> =
    LazyLock::new(|| {
        let mut v: Vec<_> = division::all_cities()
            .into_iter()
            .map(|(p, c)| (p, c.name.as_str(), division::short_name(&c.name)))
            .collect();
        v.sort_by_key(|(_, full, _)| std::cmp::Reverse(full.chars().count()));
        v
    });

/// `贵州黔西南册亨…` → `贵州省黔西南布依族苗族自治州册亨…`: a prefecture's short name right after the
/// province (or, without a province, one of three or more characters) is written out in full, so
/// that cpca does not read a county with a shorter name into it (黔西 + 南…).
fn expand_short_city(s: &str) -> Option<String> {
    let province = division::provinces().iter().find_map(|p| {
        let short = division::short_name(&p.name);
        [p.name.as_str(), short]
            .into_iter()
            .find(|w| s.starts_with(w))
            .map(|w| (p.name.as_str(), w.len()))
    });
    let (province_name, rest) = match province {
        Some((name, len)) => (Some(name), &s[len..]),
        None => (None, s),
    };
    let (p, full, short) = CITY_NAMES
        .iter()
        .filter(|(p, full, short)| {
            province_name.is_none_or(|x| x == *p)
                && short != full
                && (province_name.is_some() || short.chars().count() >= 3)
        })
        .filter(|(_, _, short)| rest.starts_with(short) && !street_follows(&rest[short.len()..]))
        .max_by_key(|(_, _, short)| short.len())?;
    let after = &rest[short.len()..];
    let already_full = after.starts_with(['市', '州', '盟'])
        || after.starts_with("地区")
        || rest.starts_with(full);
    (!already_full && !division::is_municipality(p)).then(|| format!("{p}{full}{after}"))
}

/// True when the text continuing after a place name shows the name was a street's (长安街).
fn street_follows(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| matches!(c, '街' | '路' | '道' | '巷' | '大' | '里' | '村' | '镇'))
}

/// cpca has no short form for some prefectures (大兴安岭, 临夏, 迪庆, 兴安, 和田): when it found no
/// city, look for one (of the province, if known) at the start of the detail, by full or short
/// name, and take it only if exactly one city fits.
fn find_missing_city(a: &mut Address) {
    if a.city.is_some() {
        return;
    }
    let mut hits = CITY_NAMES
        .iter()
        .filter(|(p, _, _)| a.province.as_deref().is_none_or(|x| x == *p))
        .filter_map(|(p, full, short)| {
            if a.detail.starts_with(full) {
                Some((*p, *full, full.len()))
            } else if short.chars().count() >= 2
                && a.detail.starts_with(short)
                && !street_follows(&a.detail[short.len()..])
            {
                Some((*p, *full, short.len()))
            } else {
                None
            }
        });
    let (Some(first), None) = (hits.next(), hits.next()) else {
        return;
    };
    let (province, city, len) = first;
    a.province = Some(province.to_string());
    a.city = Some(city.to_string());
    a.detail = a.detail[len..].to_string();
}

/// A district inferred from a city's short name (四川甘孜 → 甘孜县) while the detail starts with
/// another district of that city (得荣…): the written one wins. Also fills a missing district
/// the same way.
fn repair_short_district(a: &mut Address, consumed: &str) {
    let (Some(province), Some(city)) = (a.province.clone(), a.city.clone()) else {
        return;
    };
    let doubtful = match &a.district {
        None => true,
        Some(d) => !consumed.contains(d.as_str()) && !consumed.ends_with(division::short_name(d)),
    };
    let inferred = a
        .district
        .as_deref()
        .is_some_and(|d| division::short_name(d) == division::short_name(&city));
    if !(doubtful || inferred) {
        return;
    }
    for d in division::districts_of(&province, &city) {
        let short = division::short_name(&d.name);
        // 枣庄市中区: cpca takes 枣庄市 and leaves 中区 of 市中区.
        let after_shi = d
            .name
            .strip_prefix('市')
            .filter(|rest| consumed.ends_with('市') && rest.chars().count() >= 2);
        let hit = if a.detail.starts_with(d.name.as_str()) {
            Some(d.name.len())
        } else if let Some(rest) = after_shi.filter(|rest| a.detail.starts_with(rest)) {
            Some(rest.len())
        } else if short.chars().count() >= 2 && a.detail.starts_with(short) {
            // 长安街 is a street, not 长安区.
            (!street_follows(&a.detail[short.len()..])).then_some(short.len())
        } else {
            None
        };
        if let Some(len) = hit {
            a.district = Some(d.name.clone());
            a.detail = a.detail[len..].to_string();
            return;
        }
    }
}

/// With the city known and no district, a leading `XX区 / XX县 / XX市 / XX旗` of two to four
/// characters is a district under an older name (江干区, 章丘市, 郫县).
fn take_unlisted_district(a: &mut Address) {
    if a.city.is_none() || a.district.is_some() {
        return;
    }
    let chars: Vec<(usize, char)> = a.detail.char_indices().take(5).collect();
    let end = chars
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, (_, c))| matches!(c, '区' | '县' | '市' | '旗'))
        .map(|(i, (byte, c))| (i, byte + c.len_utf8()));
    let Some((_, end)) = end else { return };
    let name = &a.detail[..end];
    const NOT_DISTRICTS: [&str; 9] = [
        "开发区",
        "园区",
        "新区",
        "小区",
        "社区",
        "景区",
        "校区",
        "厂区",
        "保税区",
    ];
    if !name.chars().all(text::is_cjk) || NOT_DISTRICTS.iter().any(|n| name.ends_with(n)) {
        return;
    }
    if a.detail[end..].is_empty() {
        return;
    }
    a.district = Some(name.to_string());
    a.detail = a.detail[end..].to_string();
}

/// A district name cpca returns in a form the table does not hold (`中区` of 枣庄市中区): the district
/// of the city whose name is `市` + it, or whose short form it is.
fn canonical_district_name(a: &mut Address) {
    let (Some(province), Some(city), Some(district)) = (&a.province, &a.city, &a.district) else {
        return;
    };
    let districts = division::districts_of(province, city);
    if districts.iter().any(|d| &d.name == district) {
        return;
    }
    let with_shi = format!("市{district}");
    let found = districts
        .iter()
        .find(|d| d.name == with_shi || division::short_name(&d.name) == district);
    if let Some(d) = found {
        a.district = Some(d.name.clone());
        return;
    }
    // Renamed in place (肥乡县 → 肥乡区, 潜山县 → 潜山市): same stem, same city.
    let stem = division::short_name(district);
    let renamed: Vec<_> = districts
        .iter()
        .filter(|d| division::short_name(&d.name) == stem)
        .collect();
    if let [current] = renamed.as_slice() {
        a.findings.push(AddressFinding::RenamedDistrict {
            current: current.name.clone(),
        });
        a.district_code = Some(current.code.clone());
    }
}

/// Cities without districts (东莞, 中山, 儋州, 嘉峪关): a town or street office is detail.
fn fold_towns(a: &mut Address) {
    let (Some(province), Some(city), Some(district)) = (&a.province, &a.city, &a.district) else {
        return;
    };
    if division::districts_of(province, city).is_empty() && !division::is_municipality(province) {
        a.detail = format!("{district}{}", a.detail);
        a.district = None;
    }
}

fn resolve_codes(a: &mut Address) {
    let (Some(province), Some(city)) = (&a.province, &a.city) else {
        if let Some(p) = &a.province {
            a.province_code = division::province_code(p).map(str::to_string);
        }
        return;
    };
    let Some(region) = division::resolve(province, city, a.district.as_deref()) else {
        a.province_code = division::province_code(province).map(str::to_string);
        return;
    };
    a.province_code = Some(region.province_code);
    a.city_code = Some(region.city_code);
    a.district_code = region.district_code.or(a.district_code.take());
    if a.district.is_some() && a.district_code.is_none() {
        a.findings.push(AddressFinding::UnlistedDistrict);
    }
}

/// The detail in the one display form a golden record shows (the form of the reference data):
/// `3-2-501`, `3幢2单元501室`, `3栋2单元501`, `3#2单元501` → `3号楼2单元501室`; a trailing `10号楼`
/// → `10号`; a bare house number after a street word gets its `号` (`宝安街155` → `宝安街155号`).
/// `8栋3002` without a 单元 is left as written: that is a real form, not a variant.
pub fn detail_display(detail: &str) -> String {
    let s = clean(detail);
    let mut toks = tokens(&s);
    let n = toks.len();
    if n >= 5 {
        if let [Tok::Num(_), Tok::Text(d1), Tok::Num(_), Tok::Text(d2), Tok::Num(_)] =
            &toks[n - 5..]
        {
            if d1 == "-" && d2 == "-" {
                toks[n - 4] = Tok::Text("号楼".into());
                toks[n - 2] = Tok::Text("单元".into());
                toks.push(Tok::Text("室".into()));
            }
        }
    }
    let mut out = String::with_capacity(s.len() + 8);
    for i in 0..toks.len() {
        match &toks[i] {
            Tok::Num(num) => {
                out.push_str(num);
                let after_street =
                    out[..out.len() - num.len()].ends_with(['路', '街', '道', '巷', '弄']);
                if after_street && i + 1 == toks.len() {
                    out.push('号');
                }
            }
            Tok::Text(t) => {
                let unit_follows = t.ends_with("单元")
                    || matches!(toks.get(i + 1), Some(Tok::Num(_)))
                        && matches!(toks.get(i + 2), Some(Tok::Text(u)) if u.starts_with("单元"));
                let building = i > 0 && matches!(toks[i - 1], Tok::Num(_));
                let t = match t.chars().next() {
                    Some(c @ ('栋' | '幢' | '#')) if building && unit_follows => {
                        format!("号楼{}", &t[c.len_utf8()..])
                    }
                    _ => t.clone(),
                };
                out.push_str(&t);
            }
        }
    }
    // 2单元501 → 2单元501室: the room of a unit always carries 室 in the display form.
    let unit_room = toks.len() >= 3
        && matches!(toks[toks.len() - 1], Tok::Num(_))
        && matches!(&toks[toks.len() - 2], Tok::Text(t) if t.ends_with("单元"));
    if unit_room {
        out.push('室');
    }
    if out.ends_with("号楼") {
        out.truncate(out.len() - "楼".len());
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Text(String),
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    for c in s.chars() {
        let digit = c.is_ascii_digit();
        match (out.last_mut(), digit) {
            (Some(Tok::Num(n)), true) => n.push(c),
            (Some(Tok::Text(t)), false) => t.push(c),
            _ => out.push(if digit {
                Tok::Num(c.to_string())
            } else {
                Tok::Text(c.to_string())
            }),
        }
    }
    out
}

/// One form for the detail formats clerks mix, for comparison only:
/// `3号楼2单元501室` = `3-2-501` = `3栋2单元501` = `3幢2单元501室` = `3#2单元501`; `119号` = `119`
/// after a street word; a trailing `号院` / `号楼` = `号`; `附近` and spaces dropped.
pub fn detail_key(detail: &str) -> String {
    // One pass can expose another suffix (`…室室`); a few passes reach the fixed point.
    let mut key = detail_key_pass(detail);
    for _ in 0..4 {
        let next = detail_key_pass(&key);
        if next == key {
            break;
        }
        key = next;
    }
    key
}

fn detail_key_pass(detail: &str) -> String {
    let mut s = clean(detail);
    for tail in ["附近", "旁边", "对面"] {
        if let Some(rest) = s.strip_suffix(tail) {
            s = rest.to_string();
        }
    }
    let mut toks = tokens(&s);
    // N-N-N at the end: building-unit-room.
    let n = toks.len();
    if n >= 5 {
        if let [Tok::Num(b), Tok::Text(d1), Tok::Num(u), Tok::Text(d2), Tok::Num(r)] =
            &toks[n - 5..]
        {
            if d1 == "-" && d2 == "-" {
                let (b, u, r) = (b.clone(), u.clone(), r.clone());
                toks.truncate(n - 5);
                toks.extend([
                    Tok::Num(b),
                    Tok::Text("号楼".into()),
                    Tok::Num(u),
                    Tok::Text("单元".into()),
                    Tok::Num(r),
                ]);
            }
        }
    }
    let mut out = String::with_capacity(s.len() + 8);
    for i in 0..toks.len() {
        match &toks[i] {
            Tok::Num(num) => {
                out.push_str(num);
                let next = toks.get(i + 1);
                let after_street =
                    out[..out.len() - num.len()].ends_with(['路', '街', '道', '巷', '弄']);
                let bare = match next {
                    None => true,
                    Some(Tok::Text(t)) => {
                        !t.starts_with(['号', '弄', '-', '#', '栋', '幢', '楼', '层', '室', '单'])
                    }
                    Some(Tok::Num(_)) => false,
                };
                if after_street && bare {
                    out.push('号');
                }
            }
            Tok::Text(t) => {
                let after_num = i > 0 && matches!(toks[i - 1], Tok::Num(_));
                let t = if after_num && t.starts_with(['栋', '幢', '#']) {
                    format!("号楼{}", &t[t.chars().next().map_or(0, char::len_utf8)..])
                } else {
                    t.clone()
                };
                out.push_str(&t);
            }
        }
    }
    for (tail, keep) in [("号院", "号"), ("号楼", "号"), ("室", "")] {
        if let Some(rest) = out.strip_suffix(tail) {
            out = format!("{rest}{keep}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Latin addresses skip the division parser: what it would have found in them is nothing.
    #[test]
    fn latin_addresses_name_no_division() {
        for raw in [
            "823 Weiss Underpass",
            "6 Gina Squares Suite 627",
            "Flat 3, 12 Baker Street, London NW1 6XE",
            "PO Box 4411, Springfield IL 62701",
            "12-3 Chaoyang Rd Beijing 100020",
            "Unit 5 / 88 Nathan Road, Kowloon",
            "1600 Amphitheatre Pkwy, Mountain View, CA 94043",
            "Rm 1203, Blk B, 168 Zhongshan Rd",
        ] {
            let s = clean(raw);
            assert!(!text::has_cjk(&s));
            assert_eq!(parse_clean(&s), parse_divisions(&s), "{raw}");
        }
    }

    fn parts(raw: &str) -> (String, String, String, String) {
        let a = parse(raw).address().cloned().unwrap();
        (
            a.province.unwrap_or_default(),
            a.city.unwrap_or_default(),
            a.district.unwrap_or_default(),
            a.detail,
        )
    }

    #[test]
    fn divisions() {
        let cases = [
            (
                "广东省深圳市南山区科技园路1号",
                ("广东省", "深圳市", "南山区", "科技园路1号"),
            ),
            ("深圳南山科技园", ("广东省", "深圳市", "南山区", "科技园")),
            (
                "北京朝阳区建国路1号",
                ("北京市", "北京市", "朝阳区", "建国路1号"),
            ),
            (
                "南宁青秀区财富中大街1号",
                ("广西壮族自治区", "南宁市", "青秀区", "财富中大街1号"),
            ),
            (
                "宁夏银川西夏珠江路3号",
                ("宁夏回族自治区", "银川市", "西夏区", "珠江路3号"),
            ),
            (
                "四川甘孜得荣财富南路646号",
                ("四川省", "甘孜藏族自治州", "得荣县", "财富南路646号"),
            ),
            (
                "山东省济宁市 邹城市公园西路1号",
                ("山东省", "济宁市", "邹城市", "公园西路1号"),
            ),
            (
                "山東省濟寧市鄒城市公園西路1號",
                ("山东省", "济宁市", "邹城市", "公园西路1号"),
            ),
            (
                "芜湖县健康路2号",
                ("安徽省", "芜湖市", "芜湖县", "健康路2号"),
            ),
            (
                "浙江省杭州市江干区凤起东路1号",
                ("浙江省", "杭州市", "江干区", "凤起东路1号"),
            ),
            (
                "广东省东莞市宝安中路3号",
                ("广东省", "东莞市", "", "宝安中路3号"),
            ),
            (
                "平谷区滨江中大道1号",
                ("北京市", "北京市", "平谷区", "滨江中大道1号"),
            ),
            ("延安街73号楼", ("", "", "", "延安街73号楼")),
            (
                "大兴安岭呼玛县翠微西大道1号",
                ("黑龙江省", "大兴安岭地区", "呼玛县", "翠微西大道1号"),
            ),
            (
                "内蒙古兴安突泉科技路1号",
                ("内蒙古自治区", "兴安盟", "突泉县", "科技路1号"),
            ),
            (
                "枣庄市中区金山东路841号",
                ("山东省", "枣庄市", "市中区", "金山东路841号"),
            ),
            (
                "吉林省松原市乾安县体育南路1号",
                ("吉林省", "松原市", "乾安县", "体育南路1号"),
            ),
            (
                "贵州黔西南册亨永安中路1号",
                ("贵州省", "黔西南布依族苗族自治州", "册亨县", "永安中路1号"),
            ),
            (
                "黔西南晴隆县科技路1号",
                ("贵州省", "黔西南布依族苗族自治州", "晴隆县", "科技路1号"),
            ),
            (
                "河北省邯郸市肥乡县海港路2号",
                ("河北省", "邯郸市", "肥乡县", "海港路2号"),
            ),
        ];
        for (raw, (p, c, d, rest)) in cases {
            assert_eq!(
                parts(raw),
                (p.into(), c.into(), d.into(), rest.into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn codes_and_ambiguity() {
        let a = parse("广东省深圳市南山区科技园")
            .address()
            .cloned()
            .unwrap();
        assert_eq!(a.district_code.as_deref(), Some("440305"));
        assert_eq!(a.city_code.as_deref(), Some("440300"));
        let a = parse("朝阳区建国路1号").address().cloned().unwrap();
        assert_eq!(a.district_code, None);
        assert!(matches!(
            a.findings[0],
            AddressFinding::AmbiguousDistrict { .. }
        ));
        let a = parse_in("朝阳区建国路1号", Some(("北京市", "北京市")))
            .address()
            .cloned()
            .unwrap();
        assert_eq!(a.district_code.as_deref(), Some("110105"));
        let a = parse("浙江省杭州市江干区凤起东路1号")
            .address()
            .cloned()
            .unwrap();
        assert_eq!(a.findings, [AddressFinding::UnlistedDistrict]);
        let old = parse("河北省邯郸市肥乡县海港路2号")
            .address()
            .cloned()
            .unwrap();
        let new = parse("河北邯郸肥乡海港路2号").address().cloned().unwrap();
        assert_eq!(old.district_code.as_deref(), Some("130407"));
        assert_eq!(old.key(), new.key());
        assert_eq!(parse("不详"), AddressValue::Placeholder);
        assert_eq!(parse(" "), AddressValue::Empty);
    }

    #[test]
    fn composer() {
        assert_eq!(
            full_address("北京市", "北京市", "丰台区", "创业路2号"),
            "北京市丰台区创业路2号"
        );
        assert_eq!(
            full_address("陕西省", "西安市", "莲湖区", "天山中巷6号"),
            "陕西省西安市莲湖区天山中巷6号"
        );
        assert_eq!(
            full_address("广东省", "东莞市", "", "宝安中路3号"),
            "广东省东莞市宝安中路3号"
        );
        let a = parse("北京丰台创业路2号").address().cloned().unwrap();
        assert_eq!(a.full(), "北京市丰台区创业路2号");
        // Latin addresses: the street first, the town after a comma, nothing repeated.
        assert_eq!(
            full_address("", "port sallyside", "", "823 Weiss Underpass"),
            "823 Weiss Underpass, port sallyside"
        );
        assert_eq!(
            full_address("ca", "fresno", "fresno", "12 Elm St"),
            "12 Elm St, fresno, ca"
        );
        assert_eq!(full_address("", "", "", "12 Elm St"), "12 Elm St");
    }

    #[test]
    fn detail_display_forms() {
        for (raw, want) in [
            ("新村24-6-1901", "新村24号楼6单元1901室"),
            ("新村24幢6单元1901室", "新村24号楼6单元1901室"),
            ("新村24栋6单元1901", "新村24号楼6单元1901室"),
            ("新村24#6单元1901", "新村24号楼6单元1901室"),
            ("新村 24号楼 6单元1901室", "新村24号楼6单元1901室"),
            ("体育巷1号 8栋3002", "体育巷1号8栋3002"),
            ("环球中心1栋2620室", "环球中心1栋2620室"),
            ("高新街10号楼", "高新街10号"),
            ("宝安街155", "宝安街155号"),
            ("深南中路4号 6号楼6层", "深南中路4号6号楼6层"),
        ] {
            assert_eq!(detail_display(raw), want, "{raw}");
        }
    }

    #[test]
    fn detail_keys() {
        let same = [
            "新村24号楼6单元1901室",
            "新村24-6-1901",
            "新村24栋6单元1901",
            "新村24幢6单元1901室",
            "新村24#6单元1901",
            "新村 24号楼 6单元1901室",
        ];
        for d in same {
            assert_eq!(detail_key(d), detail_key(same[0]), "{d}");
        }
        assert_eq!(detail_key("科技北大街119"), detail_key("科技北大街119号"));
        assert_eq!(detail_key("井冈山东街1号院"), detail_key("井冈山东街1号"));
        assert_eq!(detail_key("高新街10号楼"), detail_key("高新街10号"));
        assert_eq!(detail_key("体育路187号附近"), detail_key("体育路187号"));
        assert_ne!(detail_key("湖滨街935号"), detail_key("湖滨街925号"));
        assert_ne!(detail_key("3号楼2单元501室"), detail_key("3号楼2单元502室"));
    }

    proptest! {
        #[test]
        fn detail_key_is_idempotent(d in "[路街号楼栋幢单元室院附近 \\-#0-9]{0,16}") {
            let once = detail_key(&d);
            prop_assert_eq!(detail_key(&once), once);
        }
    }
}
