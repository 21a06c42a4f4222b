//! Statistics: the runtime's counters and states rendered as HAProxy 2.6 renders them.
//!
//! `show stat` in its CSV, `typed` and JSON forms (byte-compatible header and column order with
//! HAProxy 2.6, empty fields where Switchyard does not track a column), with HAProxy's filters
//! (`<proxy> <type> <sid>`, `up`, `no-maint`), and the statistics page ([`StatsPage`]: HTML,
//! `;csv`, `;json`). The stats socket (`admin`) and the page serve these texts.

mod actions;
mod fields;
mod html;
mod info;
mod page;
mod prometheus;
mod render;
mod rows;
mod snapshot;

pub use info::show_info;
pub(crate) use info::VERSION;
pub use page::StatsPage;
pub(crate) use prometheus::exporter_response;
pub use prometheus::record_metrics;
pub use snapshot::{Snapshot, SnapshotRow};

use crate::runtime::{AdminState, Runtime};
use rows::Kind;

/// Which rows `show stat` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatFilter {
    /// Only this proxy (by name or numeric id). Default is every proxy.
    pub proxy: Option<String>,
    /// Bit mask of row types: 1 frontends, 2 backends, 4 servers. Default is all.
    pub types: Option<u32>,
    /// Only this server id (`-1` or `None`: all).
    pub server_id: Option<u32>,
    /// `up`: only servers that are UP.
    pub up_only: bool,
    /// `no-maint`: no servers in maintenance.
    pub no_maint: bool,
}

/// The output form of `show stat`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatFormat {
    /// HAProxy's CSV with its `# pxname,...` header. The default.
    #[default]
    Csv,
    /// `typed`: one `F.iid.sid.pos.name.1:tags:type:value` line per filled field.
    Typed,
    /// `typed desc`: the `typed` lines, each ending with `:"<description>"` of its column.
    TypedDescribed,
    /// `json`: an array of rows, each an array of field objects.
    Json,
}

/// The `show stat` text for `runtime`, filtered and in the requested form, without the CLI's
/// final empty line.
///
/// ```
/// use switchyard_core::{model, runtime::Runtime, stats};
/// let runtime = Runtime::from_model(&model::Config::default()).unwrap();
/// let csv = stats::show_stat(&runtime, &Default::default(), stats::StatFormat::Csv);
/// assert!(csv.starts_with("# pxname,svname,qcur,"));
/// ```
pub fn show_stat(runtime: &Runtime, filter: &StatFilter, format: StatFormat) -> String {
    let rows = filtered_rows(runtime, filter);
    match format {
        StatFormat::Csv => render::csv(&rows),
        StatFormat::Typed => render::typed(&rows, false),
        StatFormat::TypedDescribed => render::typed(&rows, true),
        StatFormat::Json => render::json(&rows),
    }
}

/// The rows `filter` keeps.
fn filtered_rows(runtime: &Runtime, filter: &StatFilter) -> Vec<rows::Row> {
    rows::rows(runtime)
        .into_iter()
        .filter(|row| keep(runtime, filter, row))
        .collect()
}

fn keep(runtime: &Runtime, filter: &StatFilter, row: &rows::Row) -> bool {
    let name = match row.values.first() {
        Some(Some(rows::Value::Str(name))) => name.as_str(),
        _ => "",
    };
    if let Some(proxy) = &filter.proxy {
        if proxy != name && proxy.parse::<u32>().ok() != Some(row.iid) {
            return false;
        }
    }
    let bit = match row.kind {
        Kind::Frontend => 1,
        Kind::Backend => 2,
        Kind::Server => 4,
    };
    if filter.types.is_some_and(|mask| mask & bit == 0) {
        return false;
    }
    if row.kind != Kind::Server {
        return true;
    }
    if filter.server_id.is_some_and(|sid| sid != row.sid) {
        return false;
    }
    let server = runtime
        .backend(name)
        .and_then(|b| b.servers().into_iter().find(|s| s.puid == row.sid));
    let Some(server) = server else { return true };
    if filter.no_maint && server.admin_state() == AdminState::Maint {
        return false;
    }
    !(filter.up_only && !(server.is_up() && server.admin_state() != AdminState::Maint))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
