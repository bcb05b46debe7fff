//! Character-encoding detection for text exports.
//!
//! Chinese Excel writes "CSV (逗号分隔)" in GBK without a BOM, "CSV UTF-8" with a BOM and "Unicode 文本"
//! as UTF-16LE. The order of evidence is: a BOM; UTF-16 without a BOM (NUL in every other byte);
//! whole-file UTF-8 validity; then chardetng's statistical guess. GBK is decoded as GB18030, its
//! superset. A file that is mostly UTF-8 with a few lines in a legacy encoding (two exports pasted
//! together) is decoded line by line, and those lines are reported.

use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a file, with what was decided and how clean the decoding was.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding used (e.g. `UTF-8`, `gb18030`, `Big5`, `UTF-16LE`).
    pub encoding: &'static str,
    pub bom: bool,
    /// How the encoding was decided: `bom`, `utf8-valid`, `utf16-nul-pattern`, `detected`, `job`,
    /// or `mixed` (UTF-8 with some lines in another encoding).
    pub decided_by: &'static str,
    /// U+FFFD characters produced by decoding errors.
    pub replacements: usize,
    /// 1-based physical lines decoded with the fallback encoding in a mixed file.
    pub legacy_lines: Vec<u64>,
}

/// Decode a file's `bytes`, or explain why they are not text. Bytes that already are UTF-8 become
/// the text as they are, without a copy.
pub fn decode(file: Vec<u8>, forced: Option<&str>) -> Result<Decoded, String> {
    let bytes = file.as_slice();
    if let Some(label) = forced {
        let enc = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| format!("unknown encoding `{label}` in the job file"))?;
        return Ok(whole(bytes, widen(enc), false, "job"));
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(whole(&bytes[bom_len..], enc, true, "bom"));
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return Ok(whole(bytes, enc, false, "utf16-nul-pattern"));
    }
    if looks_binary(bytes) {
        return Err("the file holds binary data (NUL or control bytes), not delimited text".into());
    }
    if crate::utf8::str(bytes).is_some() {
        // SAFETY: the bytes were just checked to be UTF-8.
        let text = unsafe { String::from_utf8_unchecked(file) };
        return Ok(Decoded {
            text,
            encoding: UTF_8.name(),
            bom: false,
            decided_by: "utf8-valid",
            replacements: 0,
            legacy_lines: Vec::new(),
        });
    }
    Ok(mixed(bytes).unwrap_or_else(|| whole(bytes, detect(bytes), false, "detected")))
}

/// chardetng's guess, with GBK widened to GB18030. It is fed the lines that hold non-ASCII bytes
/// (whole lines, so that words keep their context), the first 64 KiB of them: the statistics
/// converge long before that, the whole of a large export would cost more than decoding it, and an
/// export whose first rows are all ASCII is still judged by its other rows.
fn detect(bytes: &[u8]) -> &'static Encoding {
    const SAMPLE: usize = 64 << 10;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut fed = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if fed >= SAMPLE {
            break;
        }
        if !line.is_ascii() {
            detector.feed(line, false);
            fed += line.len();
        }
    }
    detector.feed(&[], true);
    widen(detector.guess(None, chardetng::Utf8Detection::Allow))
}

fn widen(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK {
        GB18030
    } else {
        enc
    }
}

fn whole(bytes: &[u8], enc: &'static Encoding, bom: bool, decided_by: &'static str) -> Decoded {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    // Counted only when there are any: the search runs over the whole text.
    let replacements = match had_errors {
        true => text.matches('\u{FFFD}').count(),
        false => 0,
    };
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        bom,
        decided_by,
        replacements,
        legacy_lines: Vec::new(),
    }
}

/// A file that is UTF-8 except for a minority of lines: decode those lines with the encoding
/// detected from them alone.
fn mixed(bytes: &[u8]) -> Option<Decoded> {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let mut utf8_non_ascii = 0usize;
    let mut invalid: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.is_ascii() {
            continue;
        }
        if std::str::from_utf8(line).is_ok() {
            utf8_non_ascii += 1;
        } else {
            invalid.push(i);
        }
    }
    if utf8_non_ascii == 0 || invalid.len() > utf8_non_ascii {
        return None;
    }
    let legacy_bytes: Vec<u8> = invalid
        .iter()
        .flat_map(|&i| lines[i].iter().copied())
        .collect();
    let fallback = detect(&legacy_bytes);
    let mut text = String::with_capacity(bytes.len());
    let mut replacements = 0;
    for line in &lines {
        match std::str::from_utf8(line) {
            Ok(s) => text.push_str(s),
            Err(_) => {
                let (s, _) = fallback.decode_without_bom_handling(line);
                replacements += s.matches('\u{FFFD}').count();
                text.push_str(&s);
            }
        }
    }
    Some(Decoded {
        text,
        encoding: UTF_8.name(),
        bom: false,
        decided_by: "mixed",
        replacements,
        legacy_lines: invalid.iter().map(|&i| i as u64 + 1).collect(),
    })
}

/// UTF-16 without a BOM shows NUL in every other byte for ASCII-heavy text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nul * 10 >= pairs * 3 && even_nul * 20 < pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 3 && odd_nul * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(65536)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    sample.contains(&0) || control * 100 > sample.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        enc.encode(s).0.into_owned()
    }

    #[test]
    fn a_long_ascii_start_does_not_hide_the_encoding() {
        let mut text = String::from("id,name,city\n");
        for i in 0..20_000 {
            text.push_str(&format!("{i},Zhang Wei,Beijing\n"));
        }
        for i in 0..200 {
            text.push_str(&format!(
                "K{i},深圳市华为技术有限公司,广东省深圳市南山区科技园\n"
            ));
        }
        let bytes = encode(GBK, &text);
        assert!(bytes.len() > 64 << 10);
        let d = decode(bytes.clone(), None).unwrap();
        assert_eq!((d.encoding, d.replacements), ("gb18030", 0));
        assert_eq!(d.text, text);
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("客户名称,手机\n张伟,138".as_bytes().to_vec(), None).unwrap();
        assert_eq!((d.encoding, d.decided_by), ("UTF-8", "utf8-valid"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("客户名称".as_bytes());
        let d = decode(bom.clone(), None).unwrap();
        assert_eq!(
            (d.encoding, d.bom, d.text.as_str()),
            ("UTF-8", true, "客户名称")
        );
    }

    #[test]
    fn gbk_is_decoded_as_gb18030() {
        let text = "客户编号,客户名称,地址\n1,张伟,北京市朝阳区建国路88号\n2,李娜,上海市浦东新区\n";
        let d = decode(encode(GBK, text), None).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, text);
        assert_eq!(d.replacements, 0);
    }

    #[test]
    fn big5_is_detected() {
        let text =
            "客戶名稱,地址\n張偉,臺北市中正區重慶南路一段122號\n陳美玲,高雄市前鎮區中山二路\n";
        let d = decode(encode(encoding_rs::BIG5, text), None).unwrap();
        assert_eq!(d.encoding, "Big5");
        assert_eq!(d.text, text);
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let text = "姓名\t手机\nZhang Wei\t13800138001\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode(le.clone(), None).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16LE", text));
        let bare: Vec<u8> = "name\tphone\nZhang Wei\t13800138001\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(bare.clone(), None).unwrap().encoding, "UTF-16LE");
    }

    #[test]
    fn mixed_file_decodes_legacy_lines_alone() {
        let mut bytes = "客户名称,地址\n张伟,北京市朝阳区\n王芳,上海市徐汇区\n"
            .as_bytes()
            .to_vec();
        bytes.extend(encode(GBK, "李娜,广州市天河区\n"));
        let d = decode(bytes.clone(), None).unwrap();
        assert_eq!(d.decided_by, "mixed");
        assert_eq!(d.legacy_lines, vec![4]);
        assert!(d.text.ends_with("李娜,广州市天河区\n"));
    }

    #[test]
    fn binary_is_refused_and_job_label_wins() {
        assert!(decode(
            vec![0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00],
            None
        )
        .is_err());
        let d = decode(encode(GBK, "张伟"), Some("gbk")).unwrap();
        assert_eq!((d.decided_by, d.text.as_str()), ("job", "张伟"));
        assert!(decode(b"x".to_vec(), Some("klingon"))
            .unwrap_err()
            .contains("klingon"));
    }
}
