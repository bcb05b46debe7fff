//! E-mail addresses: a practical syntax check and the canonical lower-case form.
//!
//! Case is not an error (`WANGLI@OUTLOOK.COM` is `wangli@outlook.com`), and full-width forms are
//! folded by NFKC. Everything else that breaks the syntax is reported, including the typing slips a
//! reader could fix (`。com`, `,com`, `#` for `@`): the dev set counts them as bad format, and
//! guessing the intended address silently would hide a data-entry problem. The likely intended
//! address is returned beside the error as a suggestion, for matching or for a steward to confirm.

use crate::normalize::{placeholder, text};

/// What is wrong with an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    NoAt,
    MultipleAt,
    EmptyLocalPart,
    /// Domain without a dot-separated top-level label (`user@qq`).
    NoTld,
    /// Two dots in a row (`qq..com`).
    DoubleDot,
    /// White space inside.
    InnerSpace,
    /// A dot at the start or end of the local part or domain (`user@qq.com.`).
    EdgeDot,
    /// A character not allowed where it is (`,`, `。`, `#`, CJK, quotes …).
    BadCharacter(char),
}

/// Public mail services: an address there belongs to a private person, not to an organisation.
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "qq.com",
    "vip.qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "vip.163.com",
    "sina.com",
    "sina.cn",
    "vip.sina.com",
    "sohu.com",
    "139.com",
    "189.cn",
    "wo.cn",
    "aliyun.com",
    "tom.com",
    "21cn.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.com.cn",
    "icloud.com",
    "me.com",
    "aol.com",
    "mail.com",
    "gmx.com",
    "protonmail.com",
    "hotmail.co.uk",
    "yahoo.co.uk",
    "btinternet.com",
];

/// True for the domains of public mail services (qq.com, 163.com, gmail.com …).
pub fn is_public_mail_domain(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS.contains(&domain.to_ascii_lowercase().as_str())
}

/// The outcome of [`normalize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Email {
    Empty,
    Valid(String),
    Invalid {
        value: String,
        error: EmailError,
        suggestion: Option<String>,
    },
    Placeholder,
}

impl Email {
    pub fn canonical(&self) -> Option<&str> {
        match self {
            Email::Valid(e) => Some(e),
            _ => None,
        }
    }

    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            Email::Invalid { .. } => Some("invalid_email"),
            Email::Placeholder => Some("placeholder"),
            _ => None,
        }
    }
}

fn local_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-!$&*=?^{|}~'/".contains(c)
}

fn domain_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

/// First syntax error of a trimmed, lower-cased address, if any.
fn syntax_error(s: &str) -> Option<EmailError> {
    if s.chars().any(char::is_whitespace) {
        return Some(EmailError::InnerSpace);
    }
    let Some((local, domain)) = s.split_once('@') else {
        let bad = s.chars().find(|&c| !local_char_ok(c) && !domain_char_ok(c));
        return Some(bad.map_or(EmailError::NoAt, EmailError::BadCharacter));
    };
    if domain.contains('@') {
        return Some(EmailError::MultipleAt);
    }
    if local.is_empty() {
        return Some(EmailError::EmptyLocalPart);
    }
    if let Some(c) = local
        .chars()
        .find(|&c| !local_char_ok(c))
        .or_else(|| domain.chars().find(|&c| !domain_char_ok(c)))
    {
        return Some(EmailError::BadCharacter(c));
    }
    if local.contains("..") || domain.contains("..") {
        return Some(EmailError::DoubleDot);
    }
    if local.starts_with('.')
        || local.ends_with('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Some(EmailError::EdgeDot);
    }
    let tld = domain.rsplit('.').next().unwrap_or("");
    if !domain.contains('.') || tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(EmailError::NoTld);
    }
    if domain
        .split('.')
        .any(|l| l.starts_with('-') || l.ends_with('-'))
    {
        return Some(EmailError::BadCharacter('-'));
    }
    None
}

/// The address a typing slip most likely stood for, if a simple repair makes it valid.
fn suggest(s: &str) -> Option<String> {
    let mut fixed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    fixed = fixed
        .replace(['。', ',', '，', '．'], ".")
        .replace("@@", "@");
    if !fixed.contains('@') {
        fixed = fixed.replacen('#', "@", 1);
    }
    while fixed.contains("..") {
        fixed = fixed.replace("..", ".");
    }
    let fixed = fixed.trim_end_matches('.').to_string();
    (syntax_error(&fixed).is_none() && fixed != s).then_some(fixed)
}

/// Validates one address; the canonical form is trimmed, NFKC-folded and lower case.
pub fn normalize(raw: &str) -> Email {
    let value = text::clean(raw).to_lowercase();
    if value.is_empty() {
        return Email::Empty;
    }
    if placeholder::is_placeholder(&value) {
        return Email::Placeholder;
    }
    match syntax_error(&value) {
        None => Email::Valid(value),
        Some(error) => Email::Invalid {
            suggestion: suggest(&value),
            value,
            error,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid() {
        let cases = [
            ("wangli@outlook.com", "wangli@outlook.com"),
            ("WANGLI@OUTLOOK.COM", "wangli@outlook.com"),
            (" zhuhuanyue@xunhua.com.cn ", "zhuhuanyue@xunhua.com.cn"),
            ("ｗａｎｇｌｉ＠１６３．ｃｏｍ", "wangli@163.com"),
            ("yiyan.wang+crm@163.com", "yiyan.wang+crm@163.com"),
            ("li-na_88@sub.mail-host.cn", "li-na_88@sub.mail-host.cn"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw), Email::Valid(want.into()), "{raw:?}");
        }
    }

    #[test]
    fn invalid() {
        let cases = [
            ("cuirenfengyuan.net", EmailError::NoAt, None),
            (
                "huangyaping#qq.com",
                EmailError::BadCharacter('#'),
                Some("huangyaping@qq.com"),
            ),
            (
                "803998539@@qq.com",
                EmailError::MultipleAt,
                Some("803998539@qq.com"),
            ),
            ("lixin4100@aliyun", EmailError::NoTld, None),
            (
                "43726605@qq..com",
                EmailError::DoubleDot,
                Some("43726605@qq.com"),
            ),
            (
                "873012@qq。com",
                EmailError::BadCharacter('。'),
                Some("873012@qq.com"),
            ),
            (
                "fanyongqing@qq,com",
                EmailError::BadCharacter(','),
                Some("fanyongqing@qq.com"),
            ),
            (
                "yangch engjin@qq.com",
                EmailError::InnerSpace,
                Some("yangchengjin@qq.com"),
            ),
            (
                "wu.ya@tonglong.com.",
                EmailError::EdgeDot,
                Some("wu.ya@tonglong.com"),
            ),
            ("张伟@qq.com", EmailError::BadCharacter('张'), None),
            ("@qq.com", EmailError::EmptyLocalPart, None),
        ];
        for (raw, error, suggestion) in cases {
            let got = normalize(raw);
            let Email::Invalid {
                error: e,
                suggestion: s,
                ..
            } = &got
            else {
                panic!("{raw:?} should be invalid, got {got:?}");
            };
            assert_eq!((*e, s.as_deref()), (error, suggestion), "{raw:?}");
            assert_eq!(got.error_kind(), Some("invalid_email"));
        }
    }

    #[test]
    fn placeholders_and_empty() {
        for raw in ["test@test.com", "1@1.com", "N/A", "none", "不详", "无"] {
            assert_eq!(normalize(raw), Email::Placeholder, "{raw:?}");
        }
        assert_eq!(normalize("  "), Email::Empty);
    }

    proptest! {
        #[test]
        fn idempotent(raw in "[A-Za-z0-9._ ]{1,12}[@#]?[A-Za-z0-9.,。]{0,12}") {
            if let Email::Valid(once) = normalize(&raw) {
                prop_assert_eq!(normalize(&once), Email::Valid(once.clone()));
            }
        }
    }
}
