//! The global bound on events in the pipeline, shared by every HTTP worker thread.
//!
//! Takes nothing but the bound (`--event-operation-queue-size`); hands out a [`Permit`] per
//! accepted event. A permit travels with its event through Dispatcher, Matcher and
//! Submitter and is released when the event is fully processed, or when any actor drops
//! it. Full → [`Rejected::Full`]; after [`Admission::start_draining`] → [`Rejected::Draining`].
//! [`Admission::wait_idle`] resolves once no permit is left, which is how shutdown drains.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Why an event was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// As many events as the queue size are already queued or in progress.
    #[error("operation queue full")]
    Full,
    /// The server is shutting down.
    #[error("server is shutting down")]
    Draining,
}

/// Counts events between acceptance and completion.
#[derive(Debug)]
pub struct Admission {
    limit: usize,
    in_flight: AtomicUsize,
    draining: AtomicBool,
    idle: Notify,
}

/// One admitted event. Dropping it releases the slot.
#[derive(Debug)]
pub struct Permit(Arc<Admission>);

impl Drop for Permit {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Admission {
    /// A bound of `limit` events (at least 1).
    pub fn new(limit: usize) -> Arc<Admission> {
        Arc::new(Admission {
            limit: limit.max(1),
            in_flight: AtomicUsize::new(0),
            draining: AtomicBool::new(false),
            idle: Notify::new(),
        })
    }

    /// Takes a slot, or says why not.
    pub fn try_acquire(self: &Arc<Self>) -> Result<Permit, Rejected> {
        if self.draining.load(Ordering::Acquire) {
            return Err(Rejected::Draining);
        }
        let mut cur = self.in_flight.load(Ordering::Acquire);
        loop {
            if cur >= self.limit {
                return Err(Rejected::Full);
            }
            match self.in_flight.compare_exchange_weak(
                cur,
                cur + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(Permit(self.clone())),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Events queued or in progress.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Refuses every new event from now on.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    /// Resolves when no event is queued or in progress.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.in_flight() == 0 {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_is_enforced_and_released_on_drop() {
        let a = Admission::new(2);
        let p1 = a.try_acquire().unwrap();
        let _p2 = a.try_acquire().unwrap();
        assert_eq!(a.try_acquire().unwrap_err(), Rejected::Full);
        drop(p1);
        assert_eq!(a.in_flight(), 1);
        let _p3 = a.try_acquire().unwrap();
        a.start_draining();
        assert_eq!(a.try_acquire().unwrap_err(), Rejected::Draining);
    }

    #[actix_rt::test]
    async fn wait_idle_resolves_after_the_last_permit() {
        let a = Admission::new(4);
        let p = a.try_acquire().unwrap();
        let waiter = {
            let a = a.clone();
            actix_rt::spawn(async move { a.wait_idle().await })
        };
        actix_rt::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(p);
        waiter.await.unwrap();
        assert_eq!(a.in_flight(), 0);
    }
}
