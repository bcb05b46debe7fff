//! Text basics every other normalizer builds on: Unicode compatibility folding, whitespace, traditional →
//! simplified Chinese, and the matching key.
//!
//! Order matters and is fixed here once: NFKC first (full-width digits, letters, `＠`, `（）`, the
//! ideographic space all become their ASCII forms), then whitespace, then T2s, then Latin lower-case.
//! T2s is character-level OpenCC (`BuiltinConfig::T2s`): phrase-level configs rewrite proper names
//! (臺灣積體電路 → 集成电路), which is wrong for matching keys.

use std::collections::HashMap;
use std::sync::LazyLock;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// One shared converter: building it parses the embedded dictionaries, and `OpenCC` is `Send + Sync`.
/// Hk2s is T2s plus the Hong Kong variant characters (衞 → 卫) that plain T2s leaves alone; it is
/// still character level (no phrase rewriting of the Tw2sp kind).
static T2S: LazyLock<OpenCC> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::Hk2s).expect("built-in Hk2s config loads"));

/// The keys of the dictionaries Hk2s converts with (`data/t2s_keys.txt`, made from ferrous-opencc's
/// own by `data/build_t2s_keys.py`). The conversion replaces the keys it finds in a text and
/// nothing else, and most customer text holds none of them: such text is returned as it is,
/// without the conversion's dictionary lookup at every character (about a quarter of a full
/// run's time went there).
static T2S_KEYS: LazyLock<Keys> = LazyLock::new(|| Keys::new(include_str!("data/t2s_keys.txt")));

struct Keys {
    /// Bit `c` set when some key begins with the character `c` (of the Basic Multilingual Plane).
    starts: Vec<u64>,
    /// The keys by their first character: whether the character alone is one, and the longer ones.
    by_first: HashMap<char, (bool, Vec<&'static str>)>,
}

impl Keys {
    /// The keys of `list`, one per line.
    fn new(list: &'static str) -> Keys {
        let mut keys = Keys {
            starts: vec![0; 0x10000 / 64],
            by_first: HashMap::new(),
        };
        for key in list.lines().filter(|k| !k.is_empty()) {
            let mut chars = key.chars();
            let first = chars.next().expect("a key is not empty");
            if (first as usize) < 0x10000 {
                keys.starts[first as usize / 64] |= 1 << (first as usize % 64);
            }
            let entry = keys.by_first.entry(first).or_default();
            match chars.next() {
                None => entry.0 = true,
                Some(_) => entry.1.push(key),
            }
        }
        keys
    }

    /// Whether some key occurs in `s`: where none does, the conversion leaves `s` as it is.
    fn occur_in(&self, s: &str) -> bool {
        s.char_indices().any(|(i, c)| {
            let u = c as usize;
            if u < 0x10000 && self.starts[u / 64] & (1 << (u % 64)) == 0 {
                return false;
            }
            self.by_first.get(&c).is_some_and(|(alone, longer)| {
                *alone || longer.iter().any(|k| s[i..].starts_with(k))
            })
        })
    }
}

/// True for CJK unified ideographs (basic, extension A-F, compatibility) and 〇.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{2F800}'..='\u{2FA1F}'
        | '〇')
}

/// True when the string holds at least one CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

/// Characters that are whitespace for our purposes: Unicode white space plus zero-width and BOM marks
/// that spreadsheets and web forms leave behind.
fn is_space_like(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// NFKC only (full-width → ASCII, compatibility ideographs → unified ones).
pub fn nfkc(s: &str) -> String {
    // Most customer text is in NFKC already — ASCII and ideographs are, full-width forms are not:
    // text of those alone is left as it is at a range test per character; other text goes
    // through the quick check (tables per character), and is normalized only where that fails.
    if s.chars().all(plainly_nfkc) || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return s.to_string();
    }
    s.nfkc().collect()
}

/// Characters NFKC leaves as they are wherever they stand (their quick check says yes, and they
/// combine with nothing): ASCII, and the ideographs of the basic block and extension A.
fn plainly_nfkc(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// NFKC, trim, and collapse every run of white space (including tabs, the ideographic space and
/// zero-width marks) to one ASCII space. Control characters are dropped.
pub fn clean(s: &str) -> String {
    if s.is_ascii() {
        return clean_ascii(s, false);
    }
    clean_unicode(s)
}

/// `clean` of ASCII text in one pass (NFKC leaves ASCII as it is), lower-cased when `lower`: what
/// `clean` and `match_key` give for it, without their intermediate strings. Most Latin data is
/// ASCII, and every field of every row passes here.
fn clean_ascii(s: &str, lower: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for b in s.bytes() {
        match b {
            b'\t'..=b'\r' | b' ' => pending_space = !out.is_empty(),
            _ if b.is_ascii_control() => {}
            _ => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(char::from(if lower { b.to_ascii_lowercase() } else { b }));
            }
        }
    }
    out
}

fn clean_unicode(s: &str) -> String {
    if !s.chars().all(plainly_nfkc) {
        return clean_general(s);
    }
    // ASCII and ideographs only: NFKC leaves the text as it is, with or without its control
    // characters, so they are dropped as the spaces are collapsed, in one pass.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_space_like(c) {
            pending_space = !out.is_empty();
        } else if !c.is_control() {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

fn clean_general(s: &str) -> String {
    // Drop invisible marks before NFKC so that removing them cannot create new compositions.
    let visible: String = s
        .chars()
        .filter(|&c| c.is_whitespace() || !(c.is_control() || is_space_like(c)))
        .collect();
    let folded = nfkc(&visible);
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.chars() {
        if is_space_like(c) {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Removes spaces that sit between two CJK characters, or between a CJK character and a digit
/// (`张 伟` → `张伟`, `上海 顺锦实业 有限公司` → `上海顺锦实业有限公司`, `1号 2号楼` → `1号2号楼`), while
/// Latin words keep theirs (`Zhang Wei`). Expects `clean`ed input (single spaces).
pub fn remove_cjk_inner_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().next_back();
            let next = chars[i + 1..].iter().copied().find(|&n| n != ' ');
            if let (Some(p), Some(n)) = (prev, next) {
                let joinable = |x: char| is_cjk(x) || x.is_ascii_digit();
                if (is_cjk(p) || is_cjk(n)) && joinable(p) && joinable(n) {
                    continue;
                }
            }
            if prev == Some(' ') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Traditional → simplified, character level (OpenCC Hk2s = T2s + Hong Kong variants). ASCII input is
/// returned as is.
pub fn to_simplified(s: &str) -> String {
    if !has_cjk(s) || !T2S_KEYS.occur_in(s) {
        return s.to_string();
    }
    convert(s)
}

/// `s` through the conversion, 乾 kept.
fn convert(s: &str) -> String {
    if !s.contains(PROTECTED) {
        return T2S.convert(s);
    }
    // Shield the protected character through the conversion with a private-use stand-in.
    let shielded = s.replace(PROTECTED, "\u{E000}");
    T2S.convert(&shielded)
        .replace('\u{E000}', &PROTECTED.to_string())
}

/// 乾 is also a simplified character (乾坤, 乾隆, 乾安县, 乾县); T2s turns it into 干 outside the
/// phrases it knows, which corrupts simplified place names. Traditional 乾 for 干 (乾燥) is rare in
/// customer data, so it is left as written.
const PROTECTED: char = '乾';

/// The key two spellings of the same text share: `clean` + CJK inner spaces removed + T2s +
/// lower-case Latin. `張 偉` and `张伟` share one key; so do `ZHANG Wei` and `zhang wei`.
pub fn match_key(s: &str) -> String {
    if s.is_ascii() {
        // No CJK to join or convert, and Latin lower-case is ASCII's.
        return clean_ascii(s, true);
    }
    to_simplified(&remove_cjk_inner_spaces(&clean(s))).to_lowercase()
}

/// Digits only, after NFKC (full-width digits count).
pub fn digits(s: &str) -> String {
    nfkc(s).chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `nfkc` leaves without a look is NFKC already, character by character: the quick check
    /// says yes and none of them combines (a text of them alone is then NFKC as a whole).
    #[test]
    fn plain_characters_are_nfkc_wherever_they_stand() {
        let plain: Vec<char> = ('\u{0}'..=char::MAX).filter(|&c| plainly_nfkc(c)).collect();
        assert_eq!(plain.len(), 128 + 20_992 + 6_592);
        for &c in &plain {
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
        }
        let text: String = plain.iter().collect();
        assert_eq!(text.nfkc().collect::<String>(), text);
    }

    /// The conversion changes no character that begins none of the keys: a text of every such
    /// character (every plane that holds ideographs) comes back as it is.
    #[test]
    fn the_keys_name_every_character_the_conversion_changes() {
        let rest: String = ('\u{1}'..='\u{3FFFF}')
            .filter(|c| !T2S_KEYS.by_first.contains_key(c))
            .collect();
        assert!(rest.chars().count() > 250_000);
        assert!(!T2S_KEYS.occur_in(&rest));
        assert!(
            T2S.convert(&rest) == rest,
            "a character outside the keys was converted"
        );
    }

    /// Texts made of keys, pieces of keys and plain text: the ones in which no key occurs are
    /// returned as they are, and that is what the conversion gives for them; every text comes out
    /// as the conversion makes it.
    #[test]
    fn a_text_without_a_key_is_what_the_conversion_gives() {
        let keys: Vec<&str> = include_str!("data/t2s_keys.txt").lines().collect();
        let plain: Vec<char> = "张伟上海市浦东新区有限公司一不有大地出台干后里发面 07Ab-（"
            .chars()
            .collect();
        let mut next = super::super::test_numbers(0x7E57_0C0C);
        let (mut skipped, mut converted) = (0, 0);
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..1 + next(6) {
                let key = keys[next(keys.len() as u64) as usize];
                match next(8) {
                    // A whole key, or its first characters only.
                    0 => s.push_str(key),
                    1 => s.extend(key.chars().take(1 + next(3) as usize)),
                    _ => s.push(plain[next(plain.len() as u64) as usize]),
                }
            }
            let out = to_simplified(&s);
            assert_eq!(out, convert(&s), "{s}");
            if !T2S_KEYS.occur_in(&s) {
                assert_eq!(T2S.convert(&s), s);
                skipped += 1;
            } else if out != s {
                converted += 1;
            }
        }
        assert!(
            skipped > 5_000 && converted > 5_000,
            "{skipped} {converted}"
        );
    }

    proptest! {
        /// The one-pass ASCII forms are the general ones: control characters, every ASCII white
        /// space, runs and ends of spaces, upper and lower case.
        #[test]
        fn ascii_fast_path_is_the_general_path(s in "[\\x00-\\x7f]{0,24}") {
            prop_assert_eq!(clean(&s), clean_unicode(&s));
            prop_assert_eq!(
                match_key(&s),
                to_simplified(&remove_cjk_inner_spaces(&clean_unicode(&s))).to_lowercase()
            );
        }
    }

    #[test]
    fn clean_table() {
        let cases = [
            ("  张伟  ", "张伟"),
            ("１３８００１３８０００", "13800138000"),
            ("Zhang\t\tWei ", "Zhang Wei"),
            ("北京市　朝阳区", "北京市 朝阳区"),
            ("ＡＢＣ＠ｑｑ．ｃｏｍ", "ABC@qq.com"),
            ("华信科技（北京）有限公司", "华信科技(北京)有限公司"),
            ("\u{FEFF}张三\u{200B}", "张三"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }

    #[test]
    fn inner_spaces_table() {
        let cases = [
            ("张 伟", "张伟"),
            ("张  伟", "张伟"),
            ("Zhang Wei", "Zhang Wei"),
            ("上海 顺锦实业 有限公司", "上海顺锦实业有限公司"),
            ("兰亭南路1号 2号楼3层", "兰亭南路1号2号楼3层"),
            ("IBM 中国", "IBM 中国"),
            ("Room 501", "Room 501"),
        ];
        for (input, want) in cases {
            assert_eq!(remove_cjk_inner_spaces(input), want, "{input:?}");
        }
    }

    #[test]
    fn simplified_and_key() {
        assert_eq!(to_simplified("張偉"), "张伟");
        assert_eq!(to_simplified("有限責任公司"), "有限责任公司");
        assert_eq!(to_simplified("山東省濟寧市"), "山东省济宁市");
        assert_eq!(to_simplified("宋德衞"), "宋德卫");
        assert_eq!(to_simplified("吉林省松原市乾安县"), "吉林省松原市乾安县");
        assert_eq!(to_simplified("乾安縣"), "乾安县");
        assert_eq!(to_simplified("臺灣積體電路"), "台湾积体电路");
        assert_eq!(match_key(" 張 偉 "), "张伟");
        assert_eq!(match_key("ZHANG  Wei"), "zhang wei");
        assert_eq!(
            match_key("華信科技（北京）有限公司"),
            "华信科技(北京)有限公司"
        );
    }

    proptest! {
        /// Text of ASCII and ideographs (with control characters and every kind of space) is
        /// cleaned in one pass as the general path cleans it.
        #[test]
        fn plain_text_is_cleaned_as_any_text(
            s in "[\u{4E00}-\u{4E10}\u{3400}-\u{3405}a-c0-2 \t\n\r\u{1}\u{1F}\u{7F}]{0,24}",
        ) {
            prop_assert_eq!(clean_unicode(&s), clean_general(&s));
        }

        /// Text `nfkc` returns without normalizing is NFKC's own result, for any text and for
        /// ideographs mixed with full-width forms, compatibility ideographs and combining marks.
        #[test]
        fn nfkc_skips_only_what_it_would_leave(
            s in "\\PC{0,24}",
            t in "[\u{4E00}-\u{4E20}\u{FF01}-\u{FF20}\u{F900}-\u{F910}a-z\u{0300}-\u{0310}\u{3000}\u{AC00}\u{1100}\u{1161}]{0,16}",
        ) {
            prop_assert_eq!(nfkc(&s), s.nfkc().collect::<String>());
            prop_assert_eq!(nfkc(&t), t.nfkc().collect::<String>());
        }
    }

    proptest! {
        #[test]
        fn clean_is_idempotent(s in "\\PC{0,24}") {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once);
        }

        #[test]
        fn match_key_is_idempotent(s in "[张伟華信 a-zA-Z１２３　]{0,16}") {
            let once = match_key(&s);
            prop_assert_eq!(match_key(&once), once);
        }
    }
}
