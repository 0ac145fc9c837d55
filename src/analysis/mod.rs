//! Analyses: pure functions of `&Trace` (no browser, no clocks). Each returns plain data that
//! the views, the analysis JSON and the CLI all read.

pub mod assessments;
pub mod failures;
pub mod flowmesh;
pub mod intervals;
pub mod llm;
pub mod mermaid;
pub mod profile_json;
pub mod report;
pub mod span_critical_path;
