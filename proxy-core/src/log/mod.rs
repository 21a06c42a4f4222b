//! Access logs: one line per request in HAProxy's formats (`option httplog`, the default
//! format, or `log-format`), sent to each `log` target of the frontend.
//!
//! The data path formats the line and hands it to a bounded queue with `try_send`, so logging
//! never blocks a request: when the queue is full the line is dropped and counted
//! (`DroppedLogs` in `show info`). One background task ([`Logs::writer`], part of
//! `Proxy::background`) writes the queue out.
//! Only requests are logged, so a connection that sends nothing is never logged, whether or not
//! `option dontlognull` is set.

mod format;
mod record;
mod sink;
mod time;
pub(crate) use time::log_date;

pub(crate) use record::LogRecord;

use crate::model::{self, SYSLOG_FACILITIES, SYSLOG_LEVELS};
use crate::runtime::Runtime;
use format::Format;
use futures_util::future::BoxFuture;
use sink::{Sink, Writers};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;
use tokio::sync::mpsc;

/// How many lines may wait for the writer before new ones are dropped.
const QUEUE: usize = 4096;

/// HAProxy's access-log severity: `info`.
const INFO: u8 = 6;

/// Every log destination of the configuration, the queue to them and its writer.
#[derive(Debug)]
pub(crate) struct Logs {
    sinks: Vec<Sink>,
    sender: mpsc::Sender<(usize, String)>,
    receiver: Mutex<Option<mpsc::Receiver<(usize, String)>>>,
    runtime: Arc<Runtime>,
}

impl Logs {
    /// The sinks named by every frontend's `log` lines.
    pub(crate) fn new(config: &model::Config, runtime: Arc<Runtime>) -> Result<Logs, String> {
        let mut sinks = Vec::new();
        for target in config.frontends.iter().flat_map(|f| &f.logging.targets) {
            let sink = Sink::parse(&target.address)?;
            if !sinks.contains(&sink) {
                sinks.push(sink);
            }
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        Ok(Logs {
            sinks,
            sender,
            receiver: Mutex::new(Some(receiver)),
            runtime,
        })
    }

    /// The writer: sends queued lines to their sinks, for as long as the proxy lives. `None`
    /// once taken (there is one writer).
    pub(crate) fn writer(self: &Arc<Self>) -> Option<BoxFuture<'static, ()>> {
        let mut receiver = self
            .receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        let logs = Arc::clone(self);
        Some(Box::pin(async move {
            let mut writers = Writers::default();
            while let Some((sink, line)) = receiver.recv().await {
                logs.write(&mut writers, sink, &line).await;
            }
        }))
    }

    async fn write(&self, writers: &mut Writers, sink: usize, line: &str) {
        let Some(target) = self.sinks.get(sink) else {
            return;
        };
        if writers.send(target, line).await.is_err() {
            self.runtime.count_dropped_log();
        }
    }
}

/// One frontend's access log: its format and targets.
#[derive(Debug)]
pub(crate) struct AccessLog {
    logs: Arc<Logs>,
    format: Format,
    /// Sink index and syslog facility number of each target that takes `info` messages.
    targets: Vec<(usize, u8)>,
}

impl AccessLog {
    /// The access log of a frontend, or `None` when it has no `log` target.
    pub(crate) fn new(
        logs: &Arc<Logs>,
        logging: &model::Logging,
    ) -> Result<Option<AccessLog>, String> {
        let mut targets = Vec::new();
        for target in &logging.targets {
            let sink = Sink::parse(&target.address)?;
            let level = target.level.as_deref().map_or(Some(7), level_number);
            if level.is_some_and(|max| max < INFO) {
                continue;
            }
            let facility = level_of(SYSLOG_FACILITIES, &target.facility).unwrap_or(16);
            if let Some(index) = logs.sinks.iter().position(|s| *s == sink) {
                targets.push((index, facility));
            }
        }
        if targets.is_empty() {
            return Ok(None);
        }
        let text = match (&logging.format, logging.httplog) {
            (Some(custom), _) => custom.as_str(),
            (None, true) => format::HTTPLOG,
            (None, false) => format::DEFAULT,
        };
        Ok(Some(AccessLog {
            logs: Arc::clone(logs),
            format: Format::compile(text)?,
            targets,
        }))
    }

    /// Queues the line for `record` to every target; drops it (counted) if the queue is full.
    pub(crate) fn log(&self, record: &LogRecord) {
        let line = self.format.render(record);
        for (sink, facility) in &self.targets {
            let message = match self.logs.sinks.get(*sink) {
                Some(s) if s.is_syslog() => format!(
                    "<{}>{} switchyard[{}]: {line}",
                    u32::from(*facility) * 8 + u32::from(INFO),
                    time::syslog_date(SystemTime::now()),
                    std::process::id()
                ),
                _ => line.clone(),
            };
            if self.logs.sender.try_send((*sink, message)).is_err() {
                self.logs.runtime.count_dropped_log();
            }
        }
    }
}

fn level_number(name: &str) -> Option<u8> {
    level_of(SYSLOG_LEVELS, name)
}

fn level_of(names: &[&str], name: &str) -> Option<u8> {
    names
        .iter()
        .position(|n| *n == name)
        .and_then(|p| u8::try_from(p).ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
