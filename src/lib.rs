//! steward: normalizes, validates and deduplicates customer records from the silos of a company
//! (Access, ERP, Excel, OA exports) into one golden record per customer, reporting every error
//! and conflict it finds.
//!
//! The pipeline runs in one direction: `ingest` → normalize → validate → block → compare → model →
//! cluster → survive → `report`. Each stage is a function from one typed value to the next;
//! `pipeline` runs them in order and checks that no row is lost on the way.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod explain;
pub mod gates;
pub mod ingest;
pub mod link;
pub mod memory;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod report;
pub mod state;
pub mod store;
pub mod survive;
pub mod utf8;
pub mod validate;
