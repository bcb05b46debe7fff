//! Encoding, delimiter and header detection on `fixtures/encodings/`, through the library.

use steward::ingest::{read_source, SourceOptions, SourceSpec};

use crate::support::*;

#[test]
fn every_encoding_fixture_is_detected() {
    let expected = read_json(&fixtures().join("encodings/expected.json"));
    let files = expected.as_object().unwrap();
    assert!(files.len() >= 10);
    for (file, want) in files {
        let spec = SourceSpec {
            path: fixtures().join("encodings").join(file),
            options: SourceOptions::default(),
        };
        let t = read_source(&spec).unwrap_or_else(|e| panic!("{e}"));
        let enc = &t.details["encoding"];
        let want_enc = want["encoding"].as_str().unwrap().to_ascii_lowercase();
        assert_eq!(
            enc["name"].as_str().unwrap().to_ascii_lowercase(),
            want_enc,
            "{file}: encoding"
        );
        if let Some(bom) = want.get("bom") {
            assert_eq!(&enc["bom"], bom, "{file}: bom");
        }
        assert_eq!(enc["replacement_chars"], 0, "{file}: decoding errors");
        assert_eq!(
            &t.details["delimiter"], &want["delimiter"],
            "{file}: delimiter"
        );
        if let Some(line) = want.get("header_line") {
            assert_eq!(&t.details["header_line"], line, "{file}: header line");
        }
        assert_eq!(
            t.records.len() as u64,
            want["records"].as_u64().unwrap(),
            "{file}: records"
        );
        assert!(t.quarantined.is_empty(), "{file}: {:?}", t.quarantined);
        assert_eq!(
            t.columns[0].name,
            want["header_first_column"].as_str().unwrap(),
            "{file}: header"
        );
    }
}
