//! The event pipeline's actors: Dispatcher → Matcher × N → Submitter.
//!
//! Takes admitted events from the HTTP handlers; returns, per event, the names of the
//! workflows created and the binding errors ([`DispatchOutcome`]). Each HTTP worker thread
//! (an actix Arbiter) runs its own [`Dispatcher`] and pool of supervised [`Matcher`]s, started
//! in the app factory, so an event stays on the thread that received it until its
//! workflows are built. The global queue bound is an [`Admission`] counter shared by all
//! threads. Work crosses threads once per event, as one batch, into the single
//! [`Submitter`], which does the I/O on its own arbiter.
//!
//! Every mailbox is bounded by `--event-operation-queue-size`. Because an event holds its
//! admission [`Permit`] until the Submitter is done with it, no mailbox can hold more
//! messages than that bound, so the `try_send`s between actors cannot meet a full mailbox;
//! if one ever did, the event's permit and reply are dropped and the loss is logged.

pub mod admission;
pub mod dispatcher;
pub mod matcher;
pub mod submitter;

use tokio::sync::oneshot;

pub use admission::{Admission, Permit, Rejected};
pub use dispatcher::{Dispatch, Dispatcher};
pub use matcher::{Match, Matcher};
pub use submitter::{SubmitBatch, Submitter, SubmitterConfig};

/// What happened to one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchOutcome {
    /// Names of the workflows created (or found already created by this event).
    pub created: Vec<String>,
    /// Binding errors, in binding order, as Argo words them.
    pub errors: Vec<String>,
}

/// Where the outcome goes: the waiting request in synchronous mode, nowhere otherwise.
pub type Reply = Option<oneshot::Sender<DispatchOutcome>>;

/// Errors of the actor layer.
#[derive(Debug, thiserror::Error)]
pub enum ActorError {
    /// The actor's mailbox is full.
    #[error("{0} mailbox is full")]
    MailboxFull(&'static str),
    /// The actor has stopped.
    #[error("{0} has stopped")]
    Stopped(&'static str),
}

impl ActorError {
    fn from_send<M>(actor: &'static str, e: actix::prelude::SendError<M>) -> ActorError {
        match e {
            actix::prelude::SendError::Full(_) => ActorError::MailboxFull(actor),
            actix::prelude::SendError::Closed(_) => ActorError::Stopped(actor),
        }
    }
}
