//! The background work of a proxy: the one place that lists the futures an embedder (or the
//! binary) must drive next to the data path. Today: the health checks.
//!
//! Switchyard never spawns tasks by itself. [`crate::Proxy::background`] hands the list back as
//! one [`Background`] future: the embedder either spawns it with [`Background::spawn`], getting
//! a [`BackgroundHandle`] whose [`shutdown`](BackgroundHandle::shutdown) (or drop) stops the
//! work, or drives it itself (`tokio::spawn`, `select!`, `join!`).

use futures_util::future::{join_all, BoxFuture};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::task::JoinHandle;

/// A list of background futures, run together by [`Tasks::run`].
#[derive(Default)]
pub(crate) struct Tasks {
    list: Vec<BoxFuture<'static, ()>>,
}

impl Tasks {
    /// Adds a future to the list.
    pub(crate) fn push(&mut self, task: BoxFuture<'static, ()>) {
        self.list.push(task);
    }

    /// Every future of the list, run concurrently as one [`Background`].
    pub(crate) fn run(self) -> Background {
        Background {
            work: Box::pin(async move {
                join_all(self.list).await;
            }),
        }
    }
}

/// A proxy's background work (health checks) as one future. Nothing runs until it is polled;
/// it completes only when there is no work (no server has `check`).
///
/// Either `.spawn()` it and keep the [`BackgroundHandle`], or poll it yourself: dropping it
/// stops the work.
#[must_use = "background work does nothing unless spawned or awaited"]
pub struct Background {
    work: BoxFuture<'static, ()>,
}

impl Background {
    /// Spawns the work on the current tokio runtime. It runs until the returned handle is shut
    /// down or dropped.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), switchyard_core::Error> {
    /// let proxy = switchyard_core::Proxy::from_config_file("haproxy.cfg")?;
    /// let background = proxy.background().spawn();
    /// // ... serve ...
    /// background.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub fn spawn(self) -> BackgroundHandle {
        BackgroundHandle {
            task: tokio::spawn(self),
        }
    }
}

impl Future for Background {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.work.as_mut().poll(cx)
    }
}

impl fmt::Debug for Background {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Background").finish_non_exhaustive()
    }
}

/// Spawned background work ([`Background::spawn`]). Dropping it stops the work.
#[derive(Debug)]
pub struct BackgroundHandle {
    task: JoinHandle<()>,
}

impl BackgroundHandle {
    /// Stops the background work and waits until it has stopped (checks in progress are
    /// abandoned; their connections are closed).
    pub async fn shutdown(mut self) {
        self.task.abort();
        // The task was cancelled (the expected result) or had already finished.
        let _ = (&mut self.task).await;
    }

    /// Whether the work is still running.
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }
}

impl Drop for BackgroundHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}
