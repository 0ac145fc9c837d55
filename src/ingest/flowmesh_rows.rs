//! FlowMesh `lineage.jsonl` and `assets.jsonl` rows (FORMATS.md §4). `created_at` is kept as
//! written (`+00:00`, fraction omitted when zero) so FlowMesh-compatible output can echo it.

use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{json_text, RecordCx};
use crate::model::{AssetRow, DiagnosticKind, LineageEdge};
use serde::Deserialize;
use serde_json::Value;

/// FlowMesh lineage rows: `data_id` + `source_data_id`.
pub const LINEAGE_READER: Reader = Reader::new(
    "FlowMesh lineage",
    |k: &Keys| k.has_all(&["data_id", "source_data_id"]),
    read_lineage,
);

/// FlowMesh asset rows: `data_id` + `asset_guid`.
pub const ASSET_READER: Reader = Reader::new(
    "FlowMesh assets",
    |k: &Keys| k.has_all(&["data_id", "asset_guid"]),
    read_asset,
);

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
    v.as_ref()
        .map(|v| json_text(v).into_owned())
        .unwrap_or_default()
}

/// Reads one lineage row. `Err` carries the serde error for shape/syntax classification.
fn read_lineage(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let row: LineageRow = serde_json::from_slice(bytes)?;
    match (row.data_id, row.source_data_id) {
        (Value::String(data_id), Value::String(source_data_id)) => {
            let edge = LineageEdge {
                data_id,
                source_data_id,
                created_at: text_of(row.created_at),
            };
            cx.b.add_lineage(edge, cx.source, cx.line);
        }
        _ => cx.skip(
            DiagnosticKind::MissingField,
            "lineage row needs data_id and source_data_id (strings); row skipped".into(),
        ),
    }
    Ok(())
}

/// Reads one asset row.
fn read_asset(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let row: AssetRowFile = serde_json::from_slice(bytes)?;
    let version = match &row.version {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    match (row.data_id, row.asset_guid, version) {
        (Some(data_id), Value::String(asset_guid), Some(version)) => cx.b.add_asset(AssetRow {
            data_id,
            asset_guid,
            version,
            user_id: row.user_id.unwrap_or_default(),
            created_at: text_of(row.created_at),
        }),
        _ => cx.skip(
            DiagnosticKind::MissingField,
            "asset row needs data_id, asset_guid (strings) and an integer version; row skipped"
                .into(),
        ),
    }
    Ok(())
}
