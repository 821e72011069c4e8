//! Dispatcher: the first hop of an admitted event, one per HTTP worker thread.
//!
//! - **State:** the addresses of this thread's Matchers and a round-robin cursor.
//! - **Accepts:** [`Dispatch`] (an event, its admission permit and an optional reply channel),
//!   replying `()`.
//! - **Sends:** [`Match`] to the next Matcher with `try_send`, trying every Matcher once.
//! - **Mailbox:** `--event-operation-queue-size`. The ingress uses `try_send`; a full mailbox
//!   (which the global admission bound makes unreachable) is answered 503 like a full queue.
//!   If no Matcher takes the event, it is dropped with its permit and the loss is logged.

use actix::prelude::*;

use super::{ActorError, Match, Matcher, Permit, Reply};
use crate::binding::Event;

/// An admitted event.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Dispatch {
    /// The event (id already assigned).
    pub event: Event,
    /// Its admission slot.
    pub permit: Permit,
    /// Where to send the outcome (synchronous mode).
    pub reply: Reply,
}

/// Hands events to this thread's Matchers.
pub struct Dispatcher {
    matchers: Vec<Addr<Matcher>>,
    next: usize,
}

impl Dispatcher {
    /// Starts a Dispatcher on the current arbiter with the given mailbox capacity.
    pub fn start(matchers: Vec<Addr<Matcher>>, capacity: usize) -> Addr<Dispatcher> {
        Dispatcher::create(move |ctx| {
            ctx.set_mailbox_capacity(capacity.max(1));
            Dispatcher { matchers, next: 0 }
        })
    }
}

impl Actor for Dispatcher {
    type Context = Context<Self>;
}

impl Handler<Dispatch> for Dispatcher {
    type Result = ();

    fn handle(&mut self, msg: Dispatch, _ctx: &mut Context<Self>) {
        let mut msg = Match {
            event: msg.event,
            permit: msg.permit,
            reply: msg.reply,
        };
        let mut last = ActorError::Stopped("matcher pool");
        for _ in 0..self.matchers.len() {
            let addr = &self.matchers[self.next % self.matchers.len()];
            self.next = self.next.wrapping_add(1);
            match addr.try_send(msg) {
                Ok(()) => return,
                Err(SendError::Full(m)) => {
                    last = ActorError::MailboxFull("matcher");
                    msg = m;
                }
                Err(SendError::Closed(m)) => {
                    last = ActorError::Stopped("matcher");
                    msg = m;
                }
            }
        }
        tracing::error!(event_id = %msg.event.id, error = %last, "event dropped: no matcher accepted it");
    }
}

/// Offers an event to a Dispatcher without waiting (the ingress path).
pub fn offer(addr: &Addr<Dispatcher>, msg: Dispatch) -> Result<(), ActorError> {
    addr.try_send(msg)
        .map_err(|e| ActorError::from_send("dispatcher", e))
}
