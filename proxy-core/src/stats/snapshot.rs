//! [`Snapshot`]: the statistics of `show stat` as values a program reads, for
//! [`crate::ProxyHandle::snapshot`]. Same rows and columns as the stats socket prints.

use super::rows::{self, Kind, Row, Value};
use crate::runtime::Runtime;

/// Every `show stat` row at one moment: one per frontend, per server and per backend, in
/// HAProxy's order.
#[derive(Debug, Clone)]
pub struct Snapshot {
    rows: Vec<Row>,
}

/// One row of a [`Snapshot`].
#[derive(Debug, Clone, Copy)]
pub struct SnapshotRow<'a> {
    row: &'a Row,
}

impl Snapshot {
    /// Reads `runtime`'s counters and states now.
    pub fn of(runtime: &Runtime) -> Snapshot {
        Snapshot {
            rows: rows::rows(runtime),
        }
    }

    /// Every row.
    pub fn rows(&self) -> impl Iterator<Item = SnapshotRow<'_>> {
        self.rows.iter().map(|row| SnapshotRow { row })
    }

    /// The row of server `server` of backend `backend`.
    pub fn server(&self, backend: &str, server: &str) -> Option<SnapshotRow<'_>> {
        self.find(Kind::Server, backend, server)
    }

    /// The `BACKEND` row of `backend`.
    pub fn backend(&self, backend: &str) -> Option<SnapshotRow<'_>> {
        self.find(Kind::Backend, backend, "BACKEND")
    }

    /// The `FRONTEND` row of `frontend`.
    pub fn frontend(&self, frontend: &str) -> Option<SnapshotRow<'_>> {
        self.find(Kind::Frontend, frontend, "FRONTEND")
    }

    fn find(&self, kind: Kind, proxy: &str, name: &str) -> Option<SnapshotRow<'_>> {
        self.rows()
            .find(|r| r.row.kind == kind && r.text("pxname") == proxy && r.text("svname") == name)
    }
}

impl SnapshotRow<'_> {
    /// A numeric column (`stot`, `scur`, `wretr`, `hrsp_2xx`, `weight`...), if the row has it.
    pub fn number(&self, column: &str) -> Option<i64> {
        match self.row.value(column)? {
            Value::Num(n) => Some(*n),
            Value::Str(_) => None,
        }
    }

    /// A column as `show stat` prints it (`status` is `UP`, `MAINT`...); empty when unset.
    pub fn text(&self, column: &str) -> String {
        self.row.text_of(column)
    }
}
