//! Submitter: writes workflows and binding-error records to the store.
//!
//! - **State:** the [`Store`], a token-bucket rate limiter (governor; `--submit-qps`,
//!   `--submit-burst`) and the retry policy.
//! - **Accepts:** [`SubmitBatch`] (all outcomes of one event), replying `()` at once; the batch
//!   is processed by a future spawned in the actor's context, so batches proceed concurrently
//!   while each batch writes its workflows in binding order.
//! - **Does:** for each planned workflow, waits for a rate-limit token and creates it, retrying
//!   transient errors with exponential backoff (5 attempts from 10 ms). The name was chosen
//!   before the first attempt, and the store treats our own object as success, so a retry
//!   never duplicates a workflow. When the name was drawn from `generateName`
//!   ([`Planned::name_generated`]) and the store answers AlreadyExists (another object has it),
//!   a new suffix is drawn and the create tried again, at most [`MAX_NAME_DRAWS`] names in
//!   all, as the Kubernetes API server does for `generateName`; an existing object is never
//!   overwritten. A name the binding set keeps Argo's behaviour: AlreadyExists is that
//!   binding's error. Every binding error is logged and recorded.
//! - **Replies:** releases the event's permit, then sends a [`DispatchOutcome`] on its reply
//!   channel (so an answered event no longer counts as in flight).
//! - **Mailbox:** `--event-operation-queue-size`, on its own arbiter (thread). Matchers use
//!   `try_send`; the admission bound keeps the mailbox from filling.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::{DispatchOutcome, Permit, Reply};
use crate::binding::dispatch::Planned;
use crate::binding::random_suffix;
use crate::metrics::Metrics;
use crate::store::{BindingErrorRecord, Store, StoreError, now_rfc3339};

/// Argo's reason for binding errors.
pub const BINDING_ERROR_REASON: &str = "WorkflowEventBindingError";

/// Most names tried for one workflow whose name comes from `generateName` (the Kubernetes API
/// server's `maxNameGenerationCreateAttempts`).
pub const MAX_NAME_DRAWS: u32 = 8;

/// All outcomes of one event.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SubmitBatch {
    /// The event id.
    pub event_id: String,
    /// The event namespace.
    pub namespace: String,
    /// One entry per matched or failed binding, in binding order.
    pub planned: Vec<Planned>,
    /// The event's admission slot, released when the batch is done.
    pub permit: Permit,
    /// Where to send the outcome.
    pub reply: Reply,
}

/// Submitter settings.
#[derive(Clone)]
pub struct SubmitterConfig {
    /// Sustained writes per second.
    pub qps: u32,
    /// Burst size.
    pub burst: u32,
    /// Mailbox capacity.
    pub capacity: usize,
    /// Attempts per workflow for transient errors.
    pub attempts: u32,
    /// First backoff delay; doubled after each attempt.
    pub backoff: Duration,
    /// Where created workflows and binding errors are counted.
    pub metrics: Arc<Metrics>,
}

impl SubmitterConfig {
    /// The default retry policy with the given rate and capacity, counting into a private
    /// [`Metrics`] (replace `metrics` to export them).
    pub fn new(qps: u32, burst: u32, capacity: usize) -> SubmitterConfig {
        SubmitterConfig {
            qps,
            burst,
            capacity,
            attempts: 5,
            backoff: Duration::from_millis(10),
            metrics: Arc::new(Metrics::default()),
        }
    }
}

/// Writes to the store.
pub struct Submitter {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    limiter: DefaultDirectRateLimiter,
    attempts: u32,
    backoff: Duration,
    metrics: Arc<Metrics>,
}

impl Submitter {
    /// Starts the Submitter on `arbiter`.
    pub fn start_on(
        arbiter: &ArbiterHandle,
        store: Arc<dyn Store>,
        cfg: SubmitterConfig,
    ) -> Addr<Submitter> {
        let qps = NonZeroU32::new(cfg.qps.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(cfg.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let inner = Arc::new(Inner {
            store,
            limiter: RateLimiter::direct(Quota::per_second(qps).allow_burst(burst)),
            attempts: cfg.attempts.max(1),
            backoff: cfg.backoff,
            metrics: cfg.metrics,
        });
        let capacity = cfg.capacity.max(1);
        Submitter::start_in_arbiter(arbiter, move |ctx: &mut Context<Submitter>| {
            ctx.set_mailbox_capacity(capacity);
            Submitter { inner }
        })
    }
}

impl Actor for Submitter {
    type Context = Context<Self>;
}

impl Handler<SubmitBatch> for Submitter {
    type Result = ();

    fn handle(&mut self, batch: SubmitBatch, ctx: &mut Context<Self>) {
        let inner = self.inner.clone();
        ctx.spawn(actix::fut::wrap_future(async move {
            inner.process(batch).await
        }));
    }
}

impl Inner {
    async fn process(&self, batch: SubmitBatch) {
        let SubmitBatch {
            event_id,
            namespace,
            planned,
            permit,
            reply,
        } = batch;
        let mut outcome = DispatchOutcome::default();
        for p in planned {
            let result = match p.result {
                Ok(wf) => self.create(wf, p.name_generated).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(name) => {
                    tracing::debug!(event_id = %event_id, namespace = %namespace, binding = %p.binding, workflow = %name, "workflow created");
                    self.metrics.workflow_created();
                    outcome.created.push(name);
                }
                Err(error) => {
                    self.record(&event_id, &namespace, &p.binding, &error).await;
                    outcome.errors.push(error);
                }
            }
        }
        // The slot is free before the caller hears back, so whoever sees the answer also
        // sees the event out of `flowgate_events_in_flight`.
        drop(permit);
        if let Some(tx) = reply {
            let _ = tx.send(outcome);
        }
    }

    /// Creates `wf`; `name_generated` allows drawing a new name when the name is taken.
    async fn create(
        &self,
        mut wf: crate::model::Workflow,
        name_generated: bool,
    ) -> Result<String, String> {
        let mut delay = self.backoff;
        let mut attempt = 1;
        let mut draws = 1;
        loop {
            self.limiter.until_ready().await;
            match self.store.create_workflow(wf.clone()).await {
                Ok(stored) => return Ok(stored.metadata.name),
                Err(StoreError::AlreadyExists { .. })
                    if name_generated && draws < MAX_NAME_DRAWS =>
                {
                    let taken = std::mem::replace(
                        &mut wf.metadata.name,
                        format!("{}{}", wf.metadata.generate_name, random_suffix()),
                    );
                    tracing::debug!(taken = %taken, workflow = %wf.metadata.name, draws, "generated name taken, drawing another");
                    draws += 1;
                }
                Err(e) if e.is_transient() && attempt < self.attempts => {
                    tracing::debug!(workflow = %wf.metadata.name, attempt, error = %e, "transient error, retrying");
                    let jitter = delay.mul_f64(rand::random_range(0.0..0.1));
                    actix_rt::time::sleep(delay + jitter).await;
                    delay *= 2;
                    attempt += 1;
                }
                Err(e @ StoreError::Transient(_)) => {
                    return Err(format!(
                        "timed out waiting for the condition: failed to create workflow: {e}"
                    ));
                }
                Err(e) => return Err(format!("failed to create workflow: {e}")),
            }
        }
    }

    async fn record(&self, event_id: &str, namespace: &str, binding: &str, error: &str) {
        self.metrics.binding_error(namespace, binding);
        let message = format!("failed to dispatch event: {error}");
        tracing::warn!(
            event_id,
            namespace,
            binding,
            reason = BINDING_ERROR_REASON,
            "{message}"
        );
        let record = BindingErrorRecord {
            time: now_rfc3339(),
            namespace: namespace.to_string(),
            binding: binding.to_string(),
            event_id: event_id.to_string(),
            reason: BINDING_ERROR_REASON.to_string(),
            message,
        };
        if let Err(e) = self.store.record_binding_error(record).await {
            tracing::error!(event_id, namespace, binding, error = %e, "cannot record the binding error");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use tokio::sync::oneshot;

    use super::*;
    use crate::actors::Admission;
    use crate::model::Workflow;

    /// Fails with the scripted errors first, then stores.
    struct Flaky {
        script: Mutex<Vec<StoreError>>,
        attempts: Mutex<Vec<String>>,
        errors: Mutex<Vec<BindingErrorRecord>>,
    }

    #[async_trait]
    impl Store for Flaky {
        async fn create_workflow(&self, wf: Workflow) -> Result<Workflow, StoreError> {
            self.attempts.lock().unwrap().push(wf.metadata.name.clone());
            match self.script.lock().unwrap().pop() {
                Some(e) => Err(e),
                None => Ok(wf),
            }
        }
        async fn list_workflows(&self, _: &str) -> Result<Vec<Workflow>, StoreError> {
            Ok(Vec::new())
        }
        async fn get_workflow(&self, _: &str, _: &str) -> Result<Option<Workflow>, StoreError> {
            Ok(None)
        }
        async fn record_binding_error(&self, r: BindingErrorRecord) -> Result<(), StoreError> {
            self.errors.lock().unwrap().push(r);
            Ok(())
        }
        async fn list_binding_errors(
            &self,
            _: &str,
            _: usize,
        ) -> Result<Vec<BindingErrorRecord>, StoreError> {
            Ok(Vec::new())
        }
    }

    fn wf(name: &str) -> Workflow {
        let mut w = Workflow::default();
        w.metadata.name = name.into();
        w.metadata.namespace = "ns".into();
        w
    }

    /// A workflow whose name was drawn from `generateName` `w-`.
    fn generated(name: &str) -> Planned {
        let mut w = wf(name);
        w.metadata.generate_name = "w-".into();
        Planned {
            binding: "b".into(),
            result: Ok(w),
            name_generated: true,
        }
    }

    async fn run(
        script: Vec<StoreError>,
        planned: Vec<Planned>,
    ) -> (DispatchOutcome, Arc<Flaky>, usize) {
        let store = Arc::new(Flaky {
            script: Mutex::new(script),
            attempts: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
        });
        let (outcome, left) = submit(store.clone(), planned).await;
        (outcome, store, left)
    }

    async fn submit(store: Arc<dyn Store>, planned: Vec<Planned>) -> (DispatchOutcome, usize) {
        let mut cfg = SubmitterConfig::new(1000, 1000, 4);
        cfg.backoff = Duration::from_millis(1);
        let arbiter = Arbiter::new();
        let addr = Submitter::start_on(&arbiter.handle(), store, cfg);
        let admission = Admission::new(1);
        let (tx, rx) = oneshot::channel();
        let batch = SubmitBatch {
            event_id: "e".into(),
            namespace: "ns".into(),
            planned,
            permit: admission.try_acquire().unwrap(),
            reply: Some(tx),
        };
        addr.try_send(batch).map_err(|_| "send").unwrap();
        let outcome = rx.await.unwrap();
        admission.wait_idle().await;
        let left = admission.in_flight();
        arbiter.stop();
        (outcome, left)
    }

    #[actix_rt::test]
    async fn transient_errors_are_retried_with_the_same_name() {
        let script = vec![
            StoreError::Transient("busy".into()),
            StoreError::Transient("busy".into()),
        ];
        let planned = vec![Planned {
            binding: "b".into(),
            result: Ok(wf("w-abcde")),
            name_generated: false,
        }];
        let (outcome, store, left) = run(script, planned).await;
        assert_eq!(
            outcome,
            DispatchOutcome {
                created: vec!["w-abcde".into()],
                errors: vec![]
            }
        );
        assert_eq!(*store.attempts.lock().unwrap(), vec!["w-abcde"; 3]);
        assert_eq!(left, 0, "the permit is released");
    }

    #[actix_rt::test]
    async fn exhausted_retries_and_planned_errors_are_recorded_in_order() {
        let script = vec![StoreError::Transient("busy".into()); 5];
        let planned = vec![
            Planned {
                binding: "first".into(),
                result: Err("failed to evaluate workflow template expression: x".into()),
                name_generated: false,
            },
            Planned {
                binding: "second".into(),
                result: Ok(wf("w")),
                name_generated: false,
            },
        ];
        let (outcome, store, _) = run(script, planned).await;
        assert_eq!(
            outcome.errors,
            vec![
                "failed to evaluate workflow template expression: x".to_string(),
                "timed out waiting for the condition: failed to create workflow: busy".to_string(),
            ]
        );
        assert_eq!(store.attempts.lock().unwrap().len(), 5);
        let recorded = store.errors.lock().unwrap();
        assert_eq!(recorded.len(), 2);
        assert_eq!(recorded[0].binding, "first");
        assert_eq!(recorded[0].reason, BINDING_ERROR_REASON);
        assert_eq!(
            recorded[0].message,
            "failed to dispatch event: failed to evaluate workflow template expression: x"
        );
    }

    #[actix_rt::test]
    async fn already_exists_is_not_retried() {
        let script = vec![StoreError::AlreadyExists {
            name: "fixed".into(),
        }];
        let planned = vec![Planned {
            binding: "b".into(),
            result: Ok(wf("fixed")),
            name_generated: false,
        }];
        let (outcome, store, _) = run(script, planned).await;
        assert_eq!(
            outcome.errors,
            vec!["failed to create workflow: workflows.argoproj.io \"fixed\" already exists"]
        );
        assert_eq!(store.attempts.lock().unwrap().len(), 1);
    }

    #[actix_rt::test]
    async fn a_taken_generated_name_is_redrawn() {
        let script = vec![StoreError::AlreadyExists {
            name: "w-abcde".into(),
        }];
        let (outcome, store, _) = run(script, vec![generated("w-abcde")]).await;
        let attempts = store.attempts.lock().unwrap().clone();
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[0], "w-abcde");
        let second = attempts[1].strip_prefix("w-").unwrap();
        assert_eq!(second.len(), 5, "generateName + a new 5-character suffix");
        assert_eq!(
            outcome,
            DispatchOutcome {
                created: vec![attempts[1].clone()],
                errors: vec![]
            }
        );
        assert!(store.errors.lock().unwrap().is_empty());
    }

    #[actix_rt::test]
    async fn generated_names_are_drawn_at_most_eight_times() {
        let taken = StoreError::AlreadyExists { name: "x".into() };
        let script = vec![taken; MAX_NAME_DRAWS as usize + 1];
        let (outcome, store, _) = run(script, vec![generated("w-abcde")]).await;
        let attempts = store.attempts.lock().unwrap().clone();
        assert_eq!(attempts.len(), MAX_NAME_DRAWS as usize);
        assert!(attempts.iter().all(|n| n.starts_with("w-") && n.len() == 7));
        assert_eq!(
            outcome.errors,
            vec!["failed to create workflow: workflows.argoproj.io \"x\" already exists"]
        );
        assert_eq!(store.errors.lock().unwrap().len(), 1);
    }

    #[actix_rt::test]
    async fn a_generated_name_taken_in_the_embedded_store_gets_a_new_suffix() {
        use crate::binding::BINDING_LABEL;
        use crate::store::EVENT_ID_ANNOTATION;
        use crate::store::embedded::EmbeddedStore;

        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let mut foreign = wf("w-abcde");
        foreign
            .metadata
            .annotations
            .insert(EVENT_ID_ANNOTATION.into(), "another-event".into());
        let foreign = store.create_workflow(foreign).await.unwrap();
        let mut ours = generated("w-abcde");
        if let Ok(w) = ours.result.as_mut() {
            w.metadata
                .annotations
                .insert(EVENT_ID_ANNOTATION.into(), "e".into());
            w.metadata.labels.insert(BINDING_LABEL.into(), "b".into());
        }
        let (outcome, _) = submit(store.clone(), vec![ours]).await;
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        let [name] = &outcome.created[..] else {
            panic!("one workflow: {outcome:?}")
        };
        assert_ne!(name, "w-abcde");
        assert!(name.starts_with("w-"));
        let stored = store.get_workflow("ns", name).await.unwrap().unwrap();
        assert_eq!(stored.metadata.annotation(EVENT_ID_ANNOTATION), Some("e"));
        assert_eq!(
            store.get_workflow("ns", "w-abcde").await.unwrap(),
            Some(foreign),
            "the other object is untouched"
        );
    }
}
