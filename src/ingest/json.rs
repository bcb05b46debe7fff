//! JSON lines (and JSON array documents), as OA and web systems export them.
//!
//! Nested objects are flattened to dotted paths (`客户.名称`, `负责人.手机`) so that a drifting schema
//! becomes a union of columns; arrays (跟进记录, 标签) are kept whole as JSON text. A line that is not
//! valid JSON, or not an object, is quarantined with its line number and the parser's complaint.

use std::borrow::Cow;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserializer as _;
use serde_json::{Map, Value};

use super::encoding::decode;
use super::{read_bytes, IngestError, SourceOptions, TableBuilder};
use crate::record::{Position, SourceTable, Text};

pub fn read(path: &Path, name: &str, options: &SourceOptions) -> Result<SourceTable, IngestError> {
    let bytes = read_bytes(path, name)?;
    let decoded =
        decode(bytes, options.encoding.as_deref()).map_err(|m| IngestError::new(name, m))?;
    let text = decoded.text.as_str();
    let mut builder = TableBuilder::new(name);
    builder.note("encoding", decoded.encoding);
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(trimmed) {
            builder.note("layout", "array");
            for (i, item) in items.into_iter().enumerate() {
                let position = Position::Item(i as u64 + 1);
                take(&mut builder, position, parse(item), String::new);
            }
            return builder.finish(options);
        }
    }
    builder.note("layout", "lines");
    // Lines are parsed on every core, a window at a time, then taken in file order (columns are
    // numbered as met); a window bounds what is held twice, parsed and taken.
    const WINDOW: usize = 16_384;
    let lines: Vec<&str> = text.lines().collect();
    let mut blank = 0u64;
    for (w, window) in lines.chunks(WINDOW).enumerate() {
        let parsed: Vec<Option<Result<Parsed, serde_json::Error>>> = window
            .par_iter()
            .map(|line| {
                let line = line.trim_end_matches('\r');
                (!line.trim().is_empty()).then(|| match flat_object(line) {
                    Some(flat) => Ok(Parsed::Object(flat)),
                    None => serde_json::from_str::<Value>(line).map(parse),
                })
            })
            .collect();
        for (i, (line, parsed)) in window.iter().zip(parsed).enumerate() {
            let line = line.trim_end_matches('\r');
            let Some(parsed) = parsed else {
                blank += 1;
                continue;
            };
            let position = Position::Line((w * WINDOW + i) as u64 + 1);
            match parsed {
                Ok(parsed) => take(&mut builder, position, parsed, || line.to_string()),
                Err(e) => {
                    let key = salvage_id(line);
                    let cells = key
                        .map(|k| vec![(builder.column("id"), k)])
                        .unwrap_or_default();
                    builder.quarantine(
                        position,
                        format!("malformed_row: not valid JSON ({e})"),
                        line,
                        cells,
                    );
                }
            }
        }
    }
    builder.note("blank_lines", blank);
    builder.finish(options)
}

/// An item as read: an object's flattened values, or what else it is.
enum Parsed {
    Object(Vec<(String, Text)>),
    Other(Value),
}

fn parse(value: Value) -> Parsed {
    match value {
        Value::Object(obj) => {
            let mut flat = Vec::new();
            flatten("", &obj, &mut flat);
            Parsed::Object(flat)
        }
        other => Parsed::Other(other),
    }
}

fn take(builder: &mut TableBuilder, position: Position, parsed: Parsed, raw: impl Fn() -> String) {
    match parsed {
        Parsed::Object(flat) => {
            let cells = flat
                .into_iter()
                .map(|(path, v)| (builder.column(&path), v))
                .collect();
            builder.push_text(position, cells);
        }
        Parsed::Other(other) => {
            let kind = match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            };
            let text = if raw().is_empty() {
                other.to_string()
            } else {
                raw()
            };
            builder.quarantine(
                position,
                format!("malformed_row: a JSON {kind}, not an object"),
                text,
                Vec::new(),
            );
        }
    }
}

/// Flatten nested objects into `parent.child` paths; scalars as text, arrays as JSON text.
pub fn flatten(prefix: &str, obj: &Map<String, Value>, out: &mut Vec<(String, Text)>) {
    for (k, v) in obj {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) => flatten(&path, inner, out),
            Value::Null => out.push((path, Text::new())),
            Value::String(s) => out.push((path, s.as_str().into())),
            other => out.push((path, other.to_string().into())),
        }
    }
}

/// An object's flattened values straight from its text, as [`flatten`] gives them from the parsed
/// object but without building it (a run reads every line of an export). None for anything else —
/// not an object, not valid JSON, a key repeated within an object (the parsed object keeps the
/// last value in the first one's place) — which is parsed as a value instead.
fn flat_object(line: &str) -> Option<Vec<(String, Text)>> {
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_str(line);
    de.deserialize_map(Member {
        path: String::new(),
        out: &mut out,
    })
    .ok()?;
    de.end().ok()?;
    Some(out)
}

/// A key, borrowed from the line unless it holds escapes.
struct Key;

impl<'de> serde::de::DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

/// One member's value at `path` (the line itself at the empty path): an object flattened further,
/// its keys under `path`; a scalar as its text, an array as its JSON text (all as [`flatten`]
/// writes them).
struct Member<'o> {
    path: String,
    out: &'o mut Vec<(String, Text)>,
}

impl Member<'_> {
    fn push(self, text: Text) {
        self.out.push((self.path, text));
    }

    fn number(self, n: serde_json::Number) {
        self.push(Value::Number(n).to_string().into());
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Member<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Member<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        while let Some(key) = map.next_key_seed(Key)? {
            if keys.contains(&key) {
                return Err(serde::de::Error::custom("a key repeated"));
            }
            let path = if self.path.is_empty() {
                key.to_string()
            } else {
                format!("{}.{key}", self.path)
            };
            keys.push(key);
            map.next_value_seed(Member {
                path,
                out: &mut *self.out,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        use serde::Deserialize;
        let array = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        self.push(array.to_string().into());
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.push(Text::new());
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.push(v.into());
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.push(if v { "true" } else { "false" }.into());
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.number(v.into());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.number(v.into());
        Ok(())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        let n = serde_json::Number::from_f64(v).ok_or_else(|| E::custom("not a finite number"))?;
        self.number(n);
        Ok(())
    }
}

/// The `"id": "…"` of a broken line, when it can still be seen, so its quarantine row names it.
fn salvage_id(line: &str) -> Option<String> {
    let at = line.find("\"id\"")?;
    let rest = line[at + 4..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_nested_objects_and_keeps_arrays_as_text() {
        let v: Value = serde_json::from_str(
            r#"{"id":"OA-1","客户":{"名称":"华为","类型":null},"负责人":{"手机":13800138000},"标签":["VIP"],"地址":{"省":"广东省"}}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        flatten("", v.as_object().unwrap(), &mut out);
        let got: Vec<(&str, &str)> = out.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            got,
            [
                ("id", "OA-1"),
                ("客户.名称", "华为"),
                ("客户.类型", ""),
                ("负责人.手机", "13800138000"),
                ("标签", "[\"VIP\"]"),
                ("地址.省", "广东省"),
            ]
        );
    }

    #[test]
    fn lines_flatten_as_their_parsed_objects_do() {
        let lines = [
            r#"{"id":"OA-1","客户":{"名称":"华为","类型":null},"负责人":{"手机":13800138000},"标签":["VIP",{"a":[1,2.50,-3e2]}],"地址":{"省":"广东省"}}"#,
            r#"{"id": "OA-2", "n": 1.0, "m": -0, "big": 123456789012345678901234, "t": true, "f": false, "e": {}, "s": "a\"b\u00e9\n", "k\u00e9y": {"x": {"y": 0.1}}}"#,
            r#"  {"a": [ ], "b": [ {"c" : null} ], "c": 1e-7, "d": 18446744073709551615, "e": -9223372036854775808}  "#,
            r#"{}"#,
        ];
        for line in lines {
            let v: Value = serde_json::from_str(line).unwrap();
            let mut want = Vec::new();
            flatten("", v.as_object().unwrap(), &mut want);
            assert_eq!(flat_object(line), Some(want), "{line}");
        }
        // Left to the parsed value: what is not one object, or repeats a key.
        for line in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": {"x": 1}, "b": 2, "a": {"y": 2}}"#,
            r#"[{"a": 1}]"#,
            r#""text""#,
            r#"{"a": 1} {"b": 2}"#,
            r#"{"a": 1"#,
            "",
        ] {
            assert_eq!(flat_object(line), None, "{line}");
        }
    }

    #[test]
    fn salvages_the_id_of_a_broken_line() {
        assert_eq!(
            salvage_id(r#"{"id": "OA-2023-0000007", "客户": {"名称": "#).as_deref(),
            Some("OA-2023-0000007")
        );
        assert_eq!(salvage_id("{garbage"), None);
    }
}
