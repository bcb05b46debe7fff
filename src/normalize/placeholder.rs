//! Junk and placeholder values, and test records.
//!
//! Clerks fill required fields with words that mean "unknown" (不详, 无, N/A, -) or with numbers that
//! pass a format check (13800138000, 000000000000000000). Those must never become match keys: two
//! records sharing `13800138000` are not the same customer. Every field normalizer asks this module
//! first. Field-specific junk (a placeholder date, a placeholder e-mail) is listed here too, so that
//! the whole list is in one place; the field modules decide which checks apply to them.

use crate::normalize::text;

/// Words that mean "no value" in any field (compared after `text::match_key`, so 無 matches 无 and
/// `NULL` matches `null`).
const JUNK_WORDS: &[&str] = &[
    "不详",
    "未知",
    "无",
    "暂无",
    "没有",
    "空",
    "待定",
    "待补充",
    "待完善",
    "未填",
    "未填写",
    "不知道",
    "保密",
    "n/a",
    "na",
    "n.a.",
    "none",
    "null",
    "nil",
    "nan",
    "unknown",
    "empty",
    "undefined",
    "-",
    "--",
    "---",
    "—",
    "——",
    "/",
    "//",
    ".",
    "..",
    "...",
    "?",
    "??",
    "???",
    "x",
    "xx",
    "xxx",
    "*",
    "**",
    "***",
    "#",
    "test",
    "测试",
];

/// Well-known fake numbers typed to get past a "required" check.
const JUNK_NUMBERS: &[&str] = &[
    "13800138000",
    "12345678901",
    "13000000000",
    "12345678",
    "87654321",
    "123456789012345678",
    "123456789",
    "1234567890",
    "01234567890",
];

/// Placeholder dates (compared on the canonical `YYYY-MM-DD`).
pub const JUNK_DATES: &[&str] = &["1900-01-01", "1899-12-30", "1899-12-31", "9999-12-31"];

/// True when the value means "no value": a junk word, a known fake number, a run of one repeated
/// digit (six or more: 000000, 11111111111), or an e-mail of the `test@test.com` / `1@1.com` kind.
/// An empty value is *not* a placeholder: it is missing, which callers report separately.
pub fn is_placeholder(raw: &str) -> bool {
    // Junk words are short: a longer text with Chinese in it is never one (and skips the T2s pass).
    if raw.chars().count() > 8 && text::has_cjk(raw) {
        return false;
    }
    let key = text::match_key(raw);
    if key.is_empty() {
        return false;
    }
    if JUNK_WORDS.contains(&key.as_str()) || JUNK_NUMBERS.contains(&key.as_str()) {
        return true;
    }
    is_repeated_digit(&key) || is_placeholder_email(&key) || is_placeholder_date_text(&key)
}

/// Six or more copies of one digit, nothing else (`000000000000000000`, `11111111111`).
pub fn is_repeated_digit(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) if first.is_ascii_digit() && s.len() >= 6 => chars.all(|c| c == first),
        _ => false,
    }
}

/// `test@test.com`, `1@1.com`, `a@a.com`, `none@qq.com`: the local part repeats the domain name, or
/// is a junk word.
pub fn is_placeholder_email(key: &str) -> bool {
    let Some((local, domain)) = key.split_once('@') else {
        return false;
    };
    let domain_name = domain.split('.').next().unwrap_or("");
    local == domain_name
        || matches!(
            local,
            "test"
                | "none"
                | "null"
                | "unknown"
                | "noreply"
                | "no-reply"
                | "abc"
                | "xxx"
                | "aaa"
                | "123"
        )
}

/// `0000-00-00` and the textual forms of the placeholder dates (`1900/1/1`, `1900-01-01`).
fn is_placeholder_date_text(key: &str) -> bool {
    // Every value of every field is asked: most hold some other character, and are done with
    // before their digits are gathered.
    let only_date_chars = key
        .chars()
        .all(|c| c.is_ascii_digit() || "-/.年月日 :".contains(c));
    if !only_date_chars {
        return false;
    }
    let digits: String = key.chars().filter(char::is_ascii_digit).collect();
    digits.chars().all(|c| c == '0') && digits.len() >= 6
        || matches!(
            digits.as_str(),
            "190011" | "19000101" | "1900010100000" | "190011000"
        )
}

/// Why a record looks like a test or junk row rather than a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestRecord {
    /// The name itself says test: 测试客户, 测试公司勿删, test, TEST001, demo, 样例.
    TestName,
    /// The name is keyboard junk: aaa, 111, asdf, qwer.
    JunkName,
    /// A textbook example name (张三, 李四) with no real contact data beside it.
    ExampleName,
}

/// Decides whether a record is a test row, from its name and its contact values (phones, e-mail,
/// ID numbers). Strong names decide alone; textbook example names (张三) only when every non-empty
/// contact value is a placeholder, since real customers are called 张三 too.
pub fn test_record(name: &str, contact_values: &[&str]) -> Option<TestRecord> {
    let key = text::match_key(name).replace(' ', "");
    if key.is_empty() {
        return None;
    }
    const TEST_MARKS: &[&str] = &[
        "测试", "test", "demo", "样例", "示例", "勿删", "演示", "dummy", "sample",
    ];
    if TEST_MARKS.iter().any(|m| key.contains(m)) {
        return Some(TestRecord::TestName);
    }
    let first = key.chars().next().unwrap_or(' ');
    let one_repeated = key.chars().count() >= 2 && key.chars().all(|c| c == first);
    let keyboard = [
        "asdf", "qwer", "abc", "abcd", "aaa", "xxx", "zzz", "123", "1234",
    ];
    if one_repeated || keyboard.contains(&key.as_str()) || key.chars().all(|c| c.is_ascii_digit()) {
        return Some(TestRecord::JunkName);
    }
    const EXAMPLE_NAMES: &[&str] = &[
        "张三", "李四", "王五", "赵六", "某某", "张某", "李某", "王某",
    ];
    let contacts_are_junk = contact_values
        .iter()
        .filter(|v| !v.trim().is_empty())
        .all(|v| is_placeholder(v));
    if EXAMPLE_NAMES.contains(&key.as_str()) && contacts_are_junk {
        return Some(TestRecord::ExampleName);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let junk = [
            "不详",
            "未知",
            "无",
            "無",
            "暂无",
            "暫無",
            "N/A",
            "n/a",
            "NA",
            "-",
            "--",
            "NULL",
            "null",
            "None",
            "test",
            "测试",
            "？",
            "?",
            "13800138000",
            "11111111111",
            "12345678901",
            "00000000000",
            "13000000000",
            "test@test.com",
            "1@1.com",
            "TEST@TEST.COM",
            "1900-01-01",
            "1900/1/1",
            "0000-00-00",
            "000000000000000000",
            "111111111111111111",
            "123456789012345678",
            " 不详 ",
            "空",
            "１３８００１３８０００",
        ];
        for v in junk {
            assert!(is_placeholder(v), "{v:?} should be a placeholder");
        }
        let real = [
            "",
            "张伟",
            "13912345678",
            "zhangwei@qq.com",
            "1985-03-02",
            "110101198503021234",
            "北京市朝阳区建国路1号",
            "Zhang Wei",
            "500000",
            "无锡华信科技有限公司",
            "na@company.com.cn",
        ];
        for v in real {
            assert!(!is_placeholder(v), "{v:?} should not be a placeholder");
        }
    }

    #[test]
    fn test_records() {
        let junk_phone = ["13000000000"];
        let cases = [
            ("测试客户", &[][..], Some(TestRecord::TestName)),
            ("测试公司勿删", &[], Some(TestRecord::TestName)),
            ("test", &[], Some(TestRecord::TestName)),
            ("TEST001", &[], Some(TestRecord::TestName)),
            ("Test Customer", &[], Some(TestRecord::TestName)),
            ("aaa", &[], Some(TestRecord::JunkName)),
            ("111", &[], Some(TestRecord::JunkName)),
            ("张三", &junk_phone[..], Some(TestRecord::ExampleName)),
            ("张三", &["13912345678"], None),
            ("张伟", &junk_phone[..], None),
            ("华信科技有限公司", &[], None),
        ];
        for (name, contacts, want) in cases {
            assert_eq!(test_record(name, contacts), want, "{name}");
        }
    }
}
