//! Matcher: evaluates an event against its namespace's bindings.
//!
//! - **State:** the shared [`Catalog`] (compiled bindings per namespace, templates,
//!   permissions), read through `Arc` snapshots, and the Submitter's address.
//! - **Accepts:** [`Match`], replying `()`.
//! - **Does:** [`binding::dispatch::plan`](crate::binding::dispatch::plan): the selectors the
//!   namespace's index does not rule out, template lookups, permissions, metadata and
//!   parameters, all from memory.
//! - **Sends:** one [`SubmitBatch`] per event with at least one outcome, with `try_send`, to the
//!   Submitter on its own thread. An event without outcomes is answered here.
//! - **Mailbox:** `--event-operation-queue-size`; the Dispatcher uses `try_send` and tries the
//!   next Matcher when one is full.
//! - **Supervision:** restarted by an actix `Supervisor` if it stops; the message in flight is
//!   lost with its permit, which releases its admission slot.

use std::sync::Arc;

use actix::prelude::*;

use super::{DispatchOutcome, Permit, Reply, SubmitBatch, Submitter};
use crate::binding::{Event, dispatch};
use crate::catalog::Catalog;

/// An event to evaluate.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Match {
    /// The event.
    pub event: Event,
    /// Its admission slot.
    pub permit: Permit,
    /// Where to send the outcome.
    pub reply: Reply,
}

/// Evaluates bindings.
pub struct Matcher {
    catalog: Arc<Catalog>,
    submitter: Addr<Submitter>,
}

impl Matcher {
    /// Starts a supervised Matcher on the current arbiter.
    pub fn start(
        catalog: Arc<Catalog>,
        submitter: Addr<Submitter>,
        capacity: usize,
    ) -> Addr<Matcher> {
        Supervisor::start(move |ctx: &mut Context<Matcher>| {
            ctx.set_mailbox_capacity(capacity.max(1));
            Matcher { catalog, submitter }
        })
    }
}

impl Actor for Matcher {
    type Context = Context<Self>;
}

impl Supervised for Matcher {
    fn restarting(&mut self, _ctx: &mut Context<Self>) {
        tracing::warn!("matcher restarting");
    }
}

impl Handler<Match> for Matcher {
    type Result = ();

    fn handle(&mut self, msg: Match, _ctx: &mut Context<Self>) {
        let Match {
            event,
            permit,
            reply,
        } = msg;
        let planned = match self.catalog.bindings(&event.namespace) {
            Some(bindings) => dispatch::plan(&event, &bindings, &self.catalog.dispatch_context()),
            None => Vec::new(),
        };
        if planned.is_empty() {
            tracing::debug!(event_id = %event.id, namespace = %event.namespace, "no binding matched");
            if let Some(tx) = reply {
                let _ = tx.send(DispatchOutcome::default());
            }
            drop(permit);
            return;
        }
        let batch = SubmitBatch {
            event_id: event.id,
            namespace: event.namespace,
            planned,
            permit,
            reply,
        };
        if let Err(e) = self.submitter.try_send(batch) {
            let (kind, batch) = match e {
                SendError::Full(b) => ("full", b),
                SendError::Closed(b) => ("stopped", b),
            };
            tracing::error!(event_id = %batch.event_id, submitter = kind, "event dropped: the submitter did not accept it");
        }
    }
}
