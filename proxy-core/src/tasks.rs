//! The background work of a proxy: the one place that lists the futures an embedder (or the
//! binary) must drive next to the listeners. Today: the health checks.
//!
//! Switchyard never spawns tasks by itself; [`crate::Proxy::background`] hands this list back as
//! one future, and the embedder spawns it (`tokio::spawn(proxy.background())`).

use futures_util::future::{join_all, BoxFuture};

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

    /// Every future of the list, run concurrently; completes when all have.
    pub(crate) async fn run(self) {
        join_all(self.list).await;
    }
}
