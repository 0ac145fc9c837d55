//! FlowMesh `lineage.jsonl` and `assets.jsonl` rows (FORMATS.md §4). `created_at` is kept as
//! written (`+00:00`, fraction omitted when zero) so FlowMesh-compatible output can echo it.

use super::builder::TraceBuilder;
use crate::model::{AssetRow, DiagnosticKind, FileIdx, LineageEdge, Severity};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct LineageRow {
    data_id: Value,
    source_data_id: Value,
    created_at: Option<Value>,
}

#[derive(Deserialize)]
struct AssetRowFile {
    data_id: Option<String>,
    asset_guid: Value,
    version: Option<Value>,
    user_id: Option<String>,
    created_at: Option<Value>,
}

fn text_of(v: Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Reads one lineage row. `Err` carries the serde error for shape/syntax classification.
pub fn read_lineage(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let row: LineageRow = serde_json::from_slice(bytes)?;
    match (row.data_id, row.source_data_id) {
        (Value::String(data_id), Value::String(source_data_id)) => {
            b.add_lineage(
                LineageEdge {
                    data_id,
                    source_data_id,
                    created_at: text_of(row.created_at),
                },
                source,
                line,
            );
        }
        _ => b.diagnose(
            Severity::Error,
            DiagnosticKind::MissingField,
            source,
            Some(line),
            "lineage row needs data_id and source_data_id (strings); row skipped".into(),
        ),
    }
    Ok(())
}

/// Reads one asset row.
pub fn read_asset(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let row: AssetRowFile = serde_json::from_slice(bytes)?;
    let version = match &row.version {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    match (row.data_id, row.asset_guid, version) {
        (Some(data_id), Value::String(asset_guid), Some(version)) => b.add_asset(AssetRow {
            data_id,
            asset_guid,
            version,
            user_id: row.user_id.unwrap_or_default(),
            created_at: text_of(row.created_at),
        }),
        _ => b.diagnose(
            Severity::Error,
            DiagnosticKind::MissingField,
            source,
            Some(line),
            "asset row needs data_id, asset_guid (strings) and an integer version; row skipped"
                .into(),
        ),
    }
    Ok(())
}
