//! Integration tests: drive the real `steward` binary (and the ingest library) on real files —
//! the bundled `fixtures/`, the Access files of every engine version and the dev sets in
//! `../shared`. One test binary, so Polars is linked once.

mod access;
mod broken;
mod cli;
mod dev;
mod encodings;
mod golden;
mod sample;
mod state;
mod support;
