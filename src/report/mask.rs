//! Masking of personal data in the human-facing reports (report.html, report.xlsx).
//!
//! Stewards need to recognise a value ("the one ending in 1234"), not to read it, so masks keep
//! the ends: a 身份证 keeps its region (6) and check part (last 4), a phone its first 3 and last 4
//! digits, an e-mail its first character and domain. The machine-readable CSVs keep full values.

use std::borrow::Cow;

use crate::survive::Field;

/// The value as a report shows it: masked when the field is personal data and `unmask` is off.
pub fn shown(field: Field, value: &str, unmask: bool) -> String {
    show(field, value, unmask).into_owned()
}

/// [`shown`], borrowing the value where it shows as it is.
pub fn show(field: Field, value: &str, unmask: bool) -> Cow<'_, str> {
    if unmask || !field.is_pii() {
        return Cow::Borrowed(value);
    }
    Cow::Owned(match field {
        Field::IdNumber => id_number(value),
        Field::Email => email(value),
        _ => phone(value),
    })
}

/// `110105194912310021` → `110105********0021`.
pub fn id_number(v: &str) -> String {
    keep_ends(v, 6, 4)
}

/// `13812345678` → `138****5678`; `0755-82345678-801` → `075*********5-801` keeps the ends.
pub fn phone(v: &str) -> String {
    keep_ends(v, 3, 4)
}

/// `zhangwei@163.com` → `z*******@163.com`.
pub fn email(v: &str) -> String {
    match v.split_once('@') {
        Some((local, domain)) => format!("{}@{domain}", keep_ends(local, 1, 0)),
        None => keep_ends(v, 1, 0),
    }
}

/// Any text that may hold personal data (a raw issue value): digit runs of 7 or more keep their
/// ends, e-mail addresses are masked as e-mails.
pub fn free_text(v: &str, unmask: bool) -> String {
    if unmask {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().filter(char::is_ascii_digit).count() >= 7 {
            out.push_str(&keep_ends(run, 3, 2));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in v.chars() {
        if c.is_ascii_alphanumeric() && (c.is_ascii_digit() || !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    if out.contains('@') {
        return out
            .split(' ')
            .map(|w| {
                if w.contains('@') {
                    email(w)
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    out
}

/// [`free_text`], borrowing a text that holds neither a digit nor an `@` (nothing to mask).
pub fn free_text_cow(v: &str, unmask: bool) -> Cow<'_, str> {
    if unmask || !v.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        Cow::Borrowed(v)
    } else {
        Cow::Owned(free_text(v, false))
    }
}

fn keep_ends(v: &str, head: usize, tail: usize) -> String {
    if v.is_ascii() {
        if v.len() <= head + tail {
            return "*".repeat(v.len());
        }
        let mut out = String::with_capacity(v.len());
        out.push_str(&v[..head]);
        out.extend(std::iter::repeat_n('*', v.len() - head - tail));
        out.push_str(&v[v.len() - tail..]);
        return out;
    }
    let chars: Vec<char> = v.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_ends() {
        assert_eq!(
            shown(Field::IdNumber, "11010519491231002X", false),
            "110105********002X"
        );
        assert_eq!(shown(Field::Mobile, "13812345678", false), "138****5678");
        assert_eq!(
            shown(Field::Email, "zhangwei@163.com", false),
            "z*******@163.com"
        );
        assert_eq!(shown(Field::Name, "张伟", false), "张伟");
        assert_eq!(shown(Field::Mobile, "13812345678", true), "13812345678");
        assert_eq!(
            free_text("原号码13812345678 或 11010519491231002X", false),
            "原号码138******78 或 110*************2X"
        );
        assert_eq!(free_text("a zw@163.com", false), "a z*@163.com");
        for v in [
            "no digits here",
            "",
            "原号码 x",
            "13812345678",
            "a zw@163.com",
            "ab 12",
        ] {
            assert_eq!(free_text_cow(v, false), free_text(v, false));
            assert_eq!(free_text_cow(v, true), free_text(v, true));
        }
    }
}
