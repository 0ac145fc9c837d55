//! Analyses: pure functions of `&Trace` (no browser, no clocks). Each returns plain data that
//! the views, the analysis JSON and the CLI all read.

pub mod assessments;
pub mod compare;
pub mod failures;
pub mod flame;
pub mod flowmesh;
pub mod intervals;
pub mod llm;
pub mod mermaid;
pub mod profile_json;
pub mod report;
pub mod span_critical_path;
pub mod span_path_summary;
pub mod span_set;
pub mod stats;
pub mod usage_index;
