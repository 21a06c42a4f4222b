//! Live state of one frontend: its name, HAProxy proxy id and traffic counters.

use super::Counters;
use crate::model;

/// Live state of one frontend (or the listening half of a `listen` section).
#[derive(Debug)]
pub struct FrontendState {
    name: String,
    iid: u32,
    maxconn: Option<u32>,
    /// Connections (`scur`, `stot`...), requests, responses and bytes of its clients.
    pub counters: Counters,
}

impl FrontendState {
    /// Live state for a configured frontend with proxy id `iid`.
    pub fn from_model(frontend: &model::Frontend, iid: u32, global: &model::Global) -> Self {
        FrontendState {
            name: frontend.name.clone(),
            iid,
            maxconn: frontend.maxconn.or(global.maxconn),
            counters: Counters::default(),
        }
    }

    /// The frontend's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// HAProxy's proxy id (`iid` in `show stat`).
    pub fn iid(&self) -> u32 {
        self.iid
    }

    /// The connection limit in force (the frontend's `maxconn`, else the global one).
    pub fn maxconn(&self) -> Option<u32> {
        self.maxconn
    }
}
