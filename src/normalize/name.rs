//! Person names: cleaning, title-only contacts (王总, 李女士), pinyin keys, and English (pinyin)
//! names in canonical `Surname Given` form.
//!
//! Pinyin is character-level (the `pinyin` crate has no phrase context), so surnames with a special
//! reading come from a small table (单 shan, 曾 zeng, 解 xie, 区 ou, 朴 piao …), and comparisons that
//! must survive heteronyms use [`pinyin_readings`] (any shared reading). `ü` is written `v` (吕 → lv),
//! as Chinese passports and the dev set do. An English name is only reordered when the evidence says
//! so: the record's Chinese name, or one token being a surname syllable and the other not.

use std::collections::HashSet;
use std::sync::LazyLock;

use pinyin::{ToPinyin, ToPinyinMulti};

use crate::normalize::{placeholder, text};

/// Common single-character surnames (the head of the 2020 census frequency list and 百家姓).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏\
吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施\
文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝\
路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧\
闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼\
蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍\
辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富\
尧闭由傅洪萧赖阎";

/// Two-character surnames.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙",
    "宇文", "司徒", "端木", "轩辕", "西门", "独孤", "南宫", "万俟", "闻人", "澹台", "公冶", "申屠",
    "太史", "呼延",
];

/// Surnames whose reading differs from the character's most common one.
const SURNAME_READINGS: &[(&str, &str)] = &[
    ("单", "shan"),
    ("曾", "zeng"),
    ("解", "xie"),
    ("仇", "qiu"),
    ("查", "zha"),
    ("区", "ou"),
    ("朴", "piao"),
    ("盖", "ge"),
    ("乐", "yue"),
    ("覃", "qin"),
    ("繁", "po"),
    ("员", "yun"),
    ("缪", "miao"),
    ("种", "chong"),
    ("召", "shao"),
    ("秘", "bi"),
    ("那", "na"),
    ("燕", "yan"),
    ("阚", "kan"),
    ("宓", "mi"),
    ("逄", "pang"),
    ("长孙", "zhang sun"),
    ("尉迟", "yu chi"),
    ("万俟", "mo qi"),
    ("相", "xiang"),
    ("都", "du"),
    ("莘", "shen"),
    ("折", "she"),
    ("翟", "zhai"),
    ("隗", "wei"),
    ("句", "gou"),
    ("尉", "wei"),
    ("纪", "ji"),
    ("任", "ren"),
    ("华", "hua"),
];

/// Forms of address that stand in for a name: 王总, 李女士, 张先生, 刘经理, 陈老师, 赵工.
const TITLES: &[&str] = &[
    "总经理",
    "董事长",
    "工程师",
    "总监",
    "经理",
    "主任",
    "老师",
    "老板",
    "师傅",
    "先生",
    "女士",
    "小姐",
    "医生",
    "律师",
    "会计",
    "处长",
    "科长",
    "局长",
    "部长",
    "书记",
    "校长",
    "院长",
    "所长",
    "厂长",
    "主管",
    "老总",
    "阿姨",
    "大姐",
    "大哥",
    "总",
    "工",
    "董",
    "姐",
    "哥",
    "sir",
];

/// Plain reading with `ü` written `v`.
fn plain(p: pinyin::Pinyin) -> String {
    p.plain().replace('ü', "v")
}

fn surname_reading(surname: &str) -> Option<&'static str> {
    SURNAME_READINGS
        .iter()
        .find(|(s, _)| *s == surname)
        .map(|(_, r)| *r)
}

/// Splits a cleaned Chinese name into (surname, given name): a compound surname when the name
/// starts with one and is longer than two characters, else the first character.
pub fn split_surname(name: &str) -> (&str, &str) {
    if name.chars().count() > 2 {
        if let Some(c) = COMPOUND_SURNAMES.iter().find(|c| name.starts_with(*c)) {
            return name.split_at(c.len());
        }
    }
    match name.char_indices().nth(1) {
        Some((i, _)) => name.split_at(i),
        None => (name, ""),
    }
}

/// True when the text is a known surname (single or compound), after T2s.
pub fn is_surname(s: &str) -> bool {
    let s = text::to_simplified(s);
    COMPOUND_SURNAMES.contains(&s.as_str())
        || (s.chars().count() == 1 && SURNAMES.contains(s.as_str()))
}

/// Syllables of a Chinese name, one reading each (`张伟` → `zhang wei`, `单雄信` → `shan xiong xin`,
/// `吕布` → `lv bu`); Latin words pass through lower-cased, other characters are dropped.
pub fn to_pinyin(name: &str) -> String {
    syllables(&clean(name)).join(" ")
}

fn syllables(name: &str) -> Vec<String> {
    let (surname, given) = if text::has_cjk(name) {
        split_surname(name)
    } else {
        ("", name)
    };
    let mut out: Vec<String> = match surname_reading(surname) {
        Some(r) => r.split(' ').map(str::to_string).collect(),
        None => surname.to_pinyin().flatten().map(plain).collect(),
    };
    let mut latin = String::new();
    for c in given.chars() {
        if let Some(p) = c.to_pinyin() {
            out.push(plain(p));
        } else if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
            continue;
        }
        if !latin.is_empty() {
            out.push(std::mem::take(&mut latin));
        }
    }
    if !latin.is_empty() {
        out.push(latin);
    }
    out
}

/// The `Surname Given` English form of a Chinese person's name (`张伟` → `Zhang Wei`, `欧阳娜娜` →
/// `Ouyang Nana`), the way the name is written on a passport; `None` when the name is not Chinese.
pub fn name_en_of(chinese: &str) -> Option<String> {
    let name = clean(chinese);
    if !text::has_cjk(&name) || !name.chars().all(text::is_cjk) {
        return None;
    }
    let surname_chars = split_surname(&name).0.chars().count();
    let syllables = syllables(&name);
    if syllables.len() != name.chars().count() || surname_chars == 0 {
        return None;
    }
    let word = |s: &[String]| capitalise(&s.concat());
    let given = &syllables[surname_chars..];
    Some(match given.is_empty() {
        true => word(&syllables[..surname_chars]),
        false => format!("{} {}", word(&syllables[..surname_chars]), word(given)),
    })
}

/// Every reading of every character (heteronyms), the surname's special reading first. Two names
/// sound alike when, position by position, their reading sets intersect.
pub fn pinyin_readings(name: &str) -> Vec<Vec<String>> {
    let name = clean(name);
    let (surname, _) = split_surname(&name);
    let mut out = Vec::new();
    for (i, c) in name.chars().enumerate() {
        let mut readings: Vec<String> = Vec::new();
        if i == 0 && surname.chars().count() == 1 {
            if let Some(r) = surname_reading(surname) {
                readings.push(r.to_string());
            }
        }
        if let Some(multi) = c.to_pinyin_multi() {
            for p in multi {
                let r = plain(p);
                if !readings.contains(&r) {
                    readings.push(r);
                }
            }
        }
        if !readings.is_empty() {
            out.push(readings);
        }
    }
    out
}

/// True when two names can be read alike (same length, a shared reading at every position).
pub fn sounds_alike(a: &str, b: &str) -> bool {
    let (ra, rb) = (pinyin_readings(a), pinyin_readings(b));
    ra.len() == rb.len()
        && ra
            .iter()
            .zip(&rb)
            .all(|(x, y)| x.iter().any(|r| y.contains(r)))
}

/// Pinyin with the distinctions that southern speakers and hasty typists blur folded away:
/// zh/z, ch/c, sh/s, initial l/n, final -ng/-n (`张晓玲` and `赞小宁` share `zan xiao nin`).
pub fn fuzzy_pinyin_key(name: &str) -> String {
    syllables(&clean(name))
        .iter()
        .map(|s| fuzzy_syllable(s))
        .collect::<Vec<_>>()
        .join(" ")
}

fn fuzzy_syllable(s: &str) -> String {
    let mut s = s.to_string();
    for (from, to) in [("zh", "z"), ("ch", "c"), ("sh", "s")] {
        if let Some(rest) = s.strip_prefix(from) {
            s = format!("{to}{rest}");
        }
    }
    if let Some(rest) = s.strip_prefix('l') {
        s = format!("n{rest}");
    }
    if s.ends_with("ng") && !s.ends_with("ong") {
        s.pop();
    }
    s
}

/// NFKC, trim, T2s, spaces between Chinese characters removed, middle dots unified (`·`). The
/// surname 於 survives T2s (which would make it 于, another surname).
pub fn clean(raw: &str) -> String {
    let spaced = text::remove_cjk_inner_spaces(&text::clean(raw));
    let s = match spaced.strip_prefix('於') {
        Some(rest) if rest.chars().count() <= 3 => format!("於{}", text::to_simplified(rest)),
        _ => text::to_simplified(&spaced),
    };
    s.replace(['・', '•', '‧', '∙', '•'], "·")
}

/// The outcome of [`person`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonName {
    Empty,
    Placeholder,
    /// A surname and a form of address instead of a name (王总, 李女士): it identifies nobody.
    TitleOnly {
        canonical: String,
        surname: String,
        title: String,
    },
    Name(String),
}

impl PersonName {
    /// The cleaned name, also for title-only values.
    pub fn canonical(&self) -> Option<&str> {
        match self {
            PersonName::Name(n) | PersonName::TitleOnly { canonical: n, .. } => Some(n),
            _ => None,
        }
    }
}

/// Cleans a person's name and says whether it is one.
pub fn person(raw: &str) -> PersonName {
    let name = clean(raw);
    if name.is_empty() {
        return PersonName::Empty;
    }
    if placeholder::is_placeholder(&name) {
        return PersonName::Placeholder;
    }
    match title_only(&name) {
        Some((surname, title)) => PersonName::TitleOnly {
            canonical: name,
            surname,
            title,
        },
        None => PersonName::Name(name),
    }
}

/// `王总` → (王, 总), `欧阳经理` → (欧阳, 经理), `李女士` → (李, 女士); `None` for real names.
pub fn title_only(name: &str) -> Option<(String, String)> {
    let name = clean(name);
    let lower = name.to_lowercase();
    for title in TITLES {
        let Some(surname) = lower.strip_suffix(title) else {
            continue;
        };
        let surname = surname
            .trim_end_matches(['小', '老'])
            .trim_start_matches(['小', '老']);
        if is_surname(surname) {
            return Some((surname.to_string(), title.to_string()));
        }
    }
    // Ms Wang / Mr. Li
    let words: Vec<&str> = lower.split([' ', '.']).filter(|w| !w.is_empty()).collect();
    if words.len() == 2 && matches!(words[0], "mr" | "mrs" | "ms" | "miss" | "dr") {
        return Some((words[1].to_string(), words[0].to_string()));
    }
    None
}

/// All syllables the `pinyin` crate knows, for splitting run-together names (`zhangwei`).
static SYLLABLES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut set = HashSet::new();
    for c in ('\u{4E00}'..='\u{9FA5}').filter_map(|c| c.to_pinyin_multi()) {
        for p in c {
            set.insert(plain(p));
        }
    }
    set
});

/// Pinyin of the surname table, the key test for "is this token a surname".
static SURNAME_SYLLABLES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let singles = SURNAMES.chars().map(|c| c.to_string());
    let all = singles.chain(COMPOUND_SURNAMES.iter().map(|s| s.to_string()));
    all.map(|s| match surname_reading(&s) {
        Some(r) => r.replace(' ', ""),
        None => syllables(&s).concat(),
    })
    .collect()
});

/// True when the Latin text splits into pinyin syllables.
fn is_pinyin_word(s: &str) -> bool {
    let n = s.len();
    let mut ok = vec![false; n + 1];
    ok[0] = true;
    for end in 1..=n {
        ok[end] = (end.saturating_sub(6)..end)
            .any(|start| ok[start] && SYLLABLES.contains(&s[start..end]));
    }
    n > 0 && ok[n]
}

/// What was off about an English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameEnFinding {
    /// Given name first (`Wei Zhang` for 张伟).
    SwappedOrder,
    /// Surname and given name run together (`zhangwei`, `ZhangWei`).
    NoSpace,
    /// All upper case (`ZHANG WEI`).
    UpperCase,
}

/// A canonical English (pinyin) name and what was changed to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameEn {
    /// `Zhang Wei`, `Ouyang Nana`, `Lv Yiting`.
    pub canonical: String,
    pub finding: Option<NameEnFinding>,
}

fn capitalise(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Canonical `Surname Given` form of an English name written in pinyin. With the record's Chinese
/// name the surname is known; without it, a token counts as the surname when it is a surname
/// syllable and the other token is not. `None` for an empty value.
pub fn name_en(raw: &str, chinese_name: Option<&str>) -> Option<NameEn> {
    // A hyphen joins the syllables of a given name (Wei-Ting, Tong-Ying); other marks separate.
    let cleaned = text::clean(raw)
        .replace('-', "")
        .replace(['·', '_', ','], " ");
    if cleaned.trim().is_empty() || placeholder::is_placeholder(&cleaned) {
        return None;
    }
    let upper = cleaned.chars().any(|c| c.is_ascii_alphabetic())
        && !cleaned.chars().any(|c| c.is_ascii_lowercase());
    let surnames = chinese_surname_readings(chinese_name);
    let mut tokens: Vec<String> = cleaned.split_whitespace().map(str::to_lowercase).collect();
    let mut finding = None;
    if tokens.len() == 1 {
        if let Some((s, g)) = split_run_together(&cleaned, &tokens[0], &surnames) {
            tokens = vec![s, g];
            finding = Some(NameEnFinding::NoSpace);
        }
    }
    if tokens.len() == 2 && surname_is_last(&tokens, &surnames) {
        tokens.swap(0, 1);
        finding = Some(NameEnFinding::SwappedOrder);
    }
    if finding.is_none() && upper {
        finding = Some(NameEnFinding::UpperCase);
    }
    let canonical = tokens
        .iter()
        .map(|t| capitalise(t))
        .collect::<Vec<_>>()
        .join(" ");
    Some(NameEn { canonical, finding })
}

/// The reading of the Chinese name's surname (`曾` → zeng, `单` → shan, `王` → wang), empty without a
/// Chinese name. One reading only: rare readings of common surnames (王 yu) would make every
/// one-syllable given name look like a surname.
fn chinese_surname_readings(chinese_name: Option<&str>) -> Vec<String> {
    let Some(name) = chinese_name.map(clean).filter(|n| text::has_cjk(n)) else {
        return Vec::new();
    };
    let (surname, _) = split_surname(&name);
    let reading = match surname_reading(surname) {
        Some(r) => r.replace(' ', ""),
        None => surname.to_pinyin().flatten().map(plain).collect(),
    };
    vec![reading]
}

fn surname_is_last(tokens: &[String], surnames: &[String]) -> bool {
    let (first, last) = (&tokens[0], &tokens[1]);
    if !surnames.is_empty() {
        return !surnames.contains(first) && surnames.contains(last);
    }
    let known = |t: &String| SURNAME_SYLLABLES.contains(t);
    // A one-syllable given name is also often a surname syllable (Wei, Lan): only a multi-syllable
    // first token that is no surname makes the order certain.
    known(last) && !known(first) && is_pinyin_word(first)
}

/// `zhangwei` / `ZhangWei` → (zhang, wei): at an inner capital, else after the surname (from the
/// Chinese name, or the longest surname syllable that leaves pinyin behind).
fn split_run_together(
    original: &str,
    token: &str,
    surnames: &[String],
) -> Option<(String, String)> {
    let word = original.trim();
    let inner_capital = word
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase());
    if let Some((i, _)) = inner_capital.filter(|_| word.chars().any(|c| c.is_ascii_lowercase())) {
        return Some((word[..i].to_lowercase(), word[i..].to_lowercase()));
    }
    let fits = |s: &str| {
        token.len() > s.len() && token.starts_with(s) && is_pinyin_word(&token[s.len()..])
    };
    let from_chinese = surnames.iter().find(|s| fits(s));
    let at_end = |s: &str| {
        token.len() > s.len()
            && token.ends_with(s)
            && is_pinyin_word(&token[..token.len() - s.len()])
    };
    if let (None, Some(last)) = (from_chinese, surnames.iter().find(|s| at_end(s))) {
        // Run together *and* swapped (`guijingyan` for 严桂景): split in written order, the caller swaps.
        let cut = token.len() - last.len();
        return Some((token[..cut].to_string(), last.clone()));
    }
    let surname = from_chinese.cloned().or_else(|| {
        if !surnames.is_empty() {
            return None; // the Chinese name's surname is neither at the start nor at the end
        }
        let mut candidates: Vec<&String> = SURNAME_SYLLABLES.iter().filter(|s| fits(s)).collect();
        candidates.sort_by_key(|s| std::cmp::Reverse(s.len()));
        candidates.first().map(|s| (*s).clone())
    })?;
    Some((surname.clone(), token[surname.len()..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn english_names_from_chinese() {
        for (zh, en) in [
            ("张伟", Some("Zhang Wei")),
            ("欧阳娜娜", Some("Ouyang Nana")),
            ("梁颖萍", Some("Liang Yingping")),
            ("张 伟", Some("Zhang Wei")),
            ("John Smith", None),
        ] {
            assert_eq!(name_en_of(zh).as_deref(), en, "{zh}");
        }
    }

    #[test]
    fn pinyin_keys() {
        let cases = [
            ("张伟", "zhang wei"),
            ("張偉", "zhang wei"),
            ("张 伟", "zhang wei"),
            ("单雄信", "shan xiong xin"),
            ("曾国藩", "zeng guo fan"),
            ("解缙", "xie jin"),
            ("区志强", "ou zhi qiang"),
            ("朴世凯", "piao shi kai"),
            ("吕依婷", "lv yi ting"),
            ("欧阳娜娜", "ou yang na na"),
            ("乐嘉", "yue jia"),
        ];
        for (name, want) in cases {
            assert_eq!(to_pinyin(name), want, "{name}");
        }
        assert!(sounds_alike("张伟", "张玮"));
        assert!(sounds_alike("曾伟", "曾伟"));
        assert!(!sounds_alike("张伟", "章伟强"));
        assert_eq!(fuzzy_pinyin_key("钟世俭"), fuzzy_pinyin_key("钟私俭"));
        assert_eq!(fuzzy_pinyin_key("李璐冰"), fuzzy_pinyin_key("李璐滨"));
        assert_ne!(fuzzy_pinyin_key("张伟"), fuzzy_pinyin_key("王伟"));
    }

    #[test]
    fn persons() {
        let cases = [
            ("张 伟", PersonName::Name("张伟".into())),
            ("张　丽", PersonName::Name("张丽".into())),
            ("楊芸菲", PersonName::Name("杨芸菲".into())),
            ("於麗", PersonName::Name("於丽".into())),
            (
                "阿依古丽・买买提",
                PersonName::Name("阿依古丽·买买提".into()),
            ),
            ("Zhang Wei", PersonName::Name("Zhang Wei".into())),
            ("未知", PersonName::Placeholder),
            ("", PersonName::Empty),
        ];
        for (raw, want) in cases {
            assert_eq!(person(raw), want, "{raw:?}");
        }
        for (raw, surname, title) in [
            ("王总", "王", "总"),
            ("李女士", "李", "女士"),
            ("张先生", "张", "先生"),
            ("刘经理", "刘", "经理"),
            ("陈老师", "陈", "老师"),
            ("赵工", "赵", "工"),
            ("干小姐", "干", "小姐"),
            ("欧阳总", "欧阳", "总"),
            ("小王总", "王", "总"),
        ] {
            assert_eq!(
                title_only(raw),
                Some((surname.into(), title.into())),
                "{raw}"
            );
        }
        for real in ["王总理", "张伟", "李工华", "吕昊鹏", "总"] {
            assert_eq!(title_only(real), None, "{real}");
        }
    }

    #[test]
    fn english_names() {
        let cases = [
            ("Zhang Wei", None, "Zhang Wei", None),
            (
                "ZHANG WEI",
                None,
                "Zhang Wei",
                Some(NameEnFinding::UpperCase),
            ),
            ("zhang wei", None, "Zhang Wei", None),
            (
                "Weiting Li",
                None,
                "Li Weiting",
                Some(NameEnFinding::SwappedOrder),
            ),
            (
                "Wei Zhang",
                Some("张伟"),
                "Zhang Wei",
                Some(NameEnFinding::SwappedOrder),
            ),
            (
                "Lan Wang",
                Some("王兰"),
                "Wang Lan",
                Some(NameEnFinding::SwappedOrder),
            ),
            ("Lan Wang", None, "Lan Wang", None),
            ("zhangwei", None, "Zhang Wei", Some(NameEnFinding::NoSpace)),
            ("ZhangWei", None, "Zhang Wei", Some(NameEnFinding::NoSpace)),
            (
                "ZHANGWEI",
                Some("张伟"),
                "Zhang Wei",
                Some(NameEnFinding::NoSpace),
            ),
            (
                "guijingyan",
                Some("严桂景"),
                "Yan Guijing",
                Some(NameEnFinding::SwappedOrder),
            ),
            ("Zeng Qiang", Some("曾强"), "Zeng Qiang", None),
            ("Lv Yiting", Some("吕依婷"), "Lv Yiting", None),
            (
                "ouyangnana",
                None,
                "Ouyang Nana",
                Some(NameEnFinding::NoSpace),
            ),
            (
                "Wei-Ting Li",
                None,
                "Li Weiting",
                Some(NameEnFinding::SwappedOrder),
            ),
            (
                "Yix-Uan Yang",
                Some("杨怡萱"),
                "Yang Yixuan",
                Some(NameEnFinding::SwappedOrder),
            ),
        ];
        for (raw, chinese, want, finding) in cases {
            let got = name_en(raw, chinese).unwrap();
            assert_eq!(
                (got.canonical.as_str(), got.finding),
                (want, finding),
                "{raw} / {chinese:?}"
            );
        }
        assert_eq!(name_en("  ", None), None);
    }

    proptest! {
        #[test]
        fn english_canonical_is_a_fixed_point(
            surname in prop::sample::select(vec!["zhang", "wang", "li", "ouyang", "zeng", "lv"]),
            given in prop::sample::select(vec!["wei", "weiting", "nana", "guojun", "xiaoming"]),
            style in 0usize..4,
        ) {
            let raw = match style {
                0 => format!("{surname} {given}"),
                1 => format!("{given} {surname}"),
                2 => format!("{surname}{given}").to_uppercase(),
                _ => format!("{} {}", surname.to_uppercase(), given),
            };
            let once = name_en(&raw, None).unwrap().canonical;
            prop_assert_eq!(name_en(&once, None).unwrap().canonical, once.clone());
        }

        #[test]
        fn person_clean_is_idempotent(raw in "[张王李欧阳伟娜張偉 ]{1,6}") {
            let once = clean(&raw);
            prop_assert_eq!(clean(&once), once);
        }
    }
}
