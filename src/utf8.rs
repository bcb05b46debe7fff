//! UTF-8 checked with SIMD instructions (simdutf8), where a run checks much text: whole input
//! files, each record of a delimited file, each stored record's text. The standard library's
//! check goes a byte at a time through Chinese text; it was a twentieth of an incremental run.
//! (simdutf8 itself leaves texts under 64 bytes to the standard library.)

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, Error, Unexpected, Visitor};

/// `bytes` as text, when they are valid UTF-8.
pub fn str(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// A text field of a serde form, borrowed from the bytes being read, for `deserialize_with` on a
/// `Cow` field (`#[serde(borrow)]`). The form is read as bytes, which postcard writes as it
/// writes text (a length and the bytes), and checked here.
pub fn cow<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    borrowed(d).map(Cow::Borrowed)
}

fn borrowed<'de, D: Deserializer<'de>>(d: D) -> Result<&'de str, D::Error> {
    d.deserialize_bytes(Borrowed)
}

struct Borrowed;

impl<'de> Visitor<'de> for Borrowed {
    type Value = &'de str;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text borrowed from the input")
    }

    fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<&'de str, E> {
        str(v).ok_or_else(|| E::invalid_value(Unexpected::Bytes(v), &self))
    }

    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<&'de str, E> {
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Plain<'a> {
        n: u32,
        #[serde(borrow)]
        a: &'a str,
        #[serde(borrow)]
        b: Cow<'a, str>,
    }

    #[derive(Deserialize, PartialEq, Debug)]
    struct Checked<'a> {
        n: u32,
        #[serde(borrow, deserialize_with = "borrowed")]
        a: &'a str,
        #[serde(borrow, deserialize_with = "cow")]
        b: Cow<'a, str>,
    }

    #[test]
    fn postcard_text_reads_back_the_same_through_bytes() {
        for (a, b) in [("", ""), ("ascii", "张伟 𠀋 é"), ("北京市朝阳区", "x")] {
            let bytes = postcard::to_stdvec(&Plain {
                n: 7,
                a,
                b: Cow::Borrowed(b),
            })
            .unwrap();
            let back: Checked = postcard::from_bytes(&bytes).unwrap();
            assert_eq!((back.n, back.a, back.b.as_ref()), (7, a, b));
        }
    }

    #[test]
    fn invalid_text_is_refused() {
        let mut bytes = postcard::to_stdvec(&Plain {
            n: 1,
            a: "ab",
            b: Cow::Borrowed("中"),
        })
        .unwrap();
        let at = bytes.len() - 2;
        bytes[at] = 0xFF;
        assert!(postcard::from_bytes::<Checked>(&bytes).is_err());
        assert_eq!(str(b"\xE4\xB8"), None);
        assert_eq!(str("中文".as_bytes()), Some("中文"));
    }
}
