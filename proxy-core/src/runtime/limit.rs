//! A connection limit that can change while connections are open: a frontend's or the global
//! `maxconn`, which `set maxconn frontend|global` changes at run time.
//!
//! Permits are taken before `accept`, so connections beyond the limit wait in the kernel's
//! backlog, as in HAProxy. Lowering the limit below the connections open takes permits away as
//! those connections close; no open connection is cut.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The permits of a limit that has none (`maxconn` not set).
const UNLIMITED: u32 = u32::MAX;

/// A resizable limit on concurrent connections.
#[derive(Debug)]
pub struct ConnLimit {
    semaphore: Arc<Semaphore>,
    /// The limit in force; `None` = unlimited.
    limit: Mutex<Option<u32>>,
    /// Permits still to take away, as connections close, after the limit was lowered.
    owed: AtomicU64,
}

/// A connection's place under a [`ConnLimit`], given back (or taken away, if the limit was
/// lowered meanwhile) when dropped.
#[derive(Debug)]
pub struct ConnPermit {
    permit: Option<OwnedSemaphorePermit>,
    limit: Arc<ConnLimit>,
}

fn permits(limit: Option<u32>) -> u64 {
    // A limit of 0 would never accept anything; HAProxy's validator rejects it, so allow one.
    u64::from(limit.unwrap_or(UNLIMITED).max(1))
}

impl ConnLimit {
    /// A limit of `limit` connections (`None`: unlimited).
    pub fn new(limit: Option<u32>) -> Arc<ConnLimit> {
        Arc::new(ConnLimit {
            semaphore: Arc::new(Semaphore::new(
                usize::try_from(permits(limit)).unwrap_or(usize::MAX >> 4),
            )),
            limit: Mutex::new(limit),
            owed: AtomicU64::new(0),
        })
    }

    /// The limit in force; `None` = unlimited.
    pub fn get(&self) -> Option<u32> {
        *self.limit.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the limit (`set maxconn`).
    pub fn set(&self, limit: Option<u32>) {
        let mut current = self.limit.lock().unwrap_or_else(PoisonError::into_inner);
        let (old, new) = (permits(*current), permits(limit));
        *current = limit;
        if new >= old {
            let mut more = new - old;
            // Cancel what is still owed first.
            let _ = self
                .owed
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |owed| {
                    let paid = owed.min(more);
                    more -= paid;
                    Some(owed - paid)
                });
            self.semaphore
                .add_permits(usize::try_from(more).unwrap_or(usize::MAX >> 4));
        } else {
            let fewer = usize::try_from(old - new).unwrap_or(usize::MAX);
            let taken = self.semaphore.forget_permits(fewer);
            let still = u64::try_from(fewer - taken).unwrap_or(u64::MAX);
            self.owed.fetch_add(still, Ordering::AcqRel);
        }
    }

    /// Waits for a place under the limit.
    pub async fn acquire(self: &Arc<Self>) -> ConnPermit {
        // The semaphore is never closed, so this only fails in theory; then no limit applies.
        let permit = Arc::clone(&self.semaphore).acquire_owned().await.ok();
        ConnPermit {
            permit,
            limit: Arc::clone(self),
        }
    }
}

impl Drop for ConnPermit {
    fn drop(&mut self) {
        let owed = self
            .limit
            .owed
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |owed| {
                owed.checked_sub(1)
            });
        if let (Ok(_), Some(permit)) = (owed, self.permit.take()) {
            permit.forget();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lowering_the_limit_takes_places_back_as_connections_close() {
        let limit = ConnLimit::new(Some(2));
        let first = limit.acquire().await;
        let _second = limit.acquire().await;
        limit.set(Some(1));
        drop(first);
        assert_eq!(limit.semaphore.available_permits(), 0);
        limit.set(Some(3));
        assert_eq!(limit.semaphore.available_permits(), 2);
        assert_eq!(limit.get(), Some(3));
    }
}
