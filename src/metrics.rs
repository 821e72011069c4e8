//! Prometheus metrics, served at `GET /metrics` in the text exposition format.
//!
//! Takes increments from the HTTP handlers and the Submitter; returns the encoded registry.
//! Label values are bounded: status codes, and binding names that come from the manifests
//! (never from requests).
//!
//! | Metric | Type | Labels |
//! |---|---|---|
//! | `flowgate_event_requests_total` | counter | `code`: the HTTP status answered |
//! | `flowgate_workflows_created_total` | counter | |
//! | `flowgate_binding_errors_total` | counter | `namespace`, `binding` |
//! | `flowgate_events_in_flight` | gauge | events queued or in progress |

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The registry could not be encoded.
    #[error("cannot encode metrics: {0}")]
    Encode(#[from] std::fmt::Error),
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BindingLabels {
    namespace: String,
    binding: String,
}

/// Every metric flowgate exports.
pub struct Metrics {
    registry: Registry,
    requests: Family<CodeLabels, Counter>,
    created: Counter,
    binding_errors: Family<BindingLabels, Counter>,
    in_flight: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<CodeLabels, Counter>::default();
        let created = Counter::default();
        let binding_errors = Family::<BindingLabels, Counter>::default();
        let in_flight = Gauge::default();
        registry.register(
            "flowgate_event_requests",
            "Event requests, by HTTP status",
            requests.clone(),
        );
        registry.register(
            "flowgate_workflows_created",
            "Workflows created",
            created.clone(),
        );
        registry.register(
            "flowgate_binding_errors",
            "Binding errors, by binding",
            binding_errors.clone(),
        );
        registry.register(
            "flowgate_events_in_flight",
            "Events queued or in progress",
            in_flight.clone(),
        );
        Metrics {
            registry,
            requests,
            created,
            binding_errors,
            in_flight,
        }
    }
}

impl Metrics {
    /// Counts an answer of the events endpoint.
    pub fn event_request(&self, code: u16) {
        self.requests.get_or_create(&CodeLabels { code }).inc();
    }

    /// Counts a created workflow.
    pub fn workflow_created(&self) {
        self.created.inc();
    }

    /// Counts a binding error.
    pub fn binding_error(&self, namespace: &str, binding: &str) {
        self.binding_errors
            .get_or_create(&BindingLabels {
                namespace: namespace.to_string(),
                binding: binding.to_string(),
            })
            .inc();
    }

    /// The text exposition, with the in-flight gauge set to `in_flight`.
    pub fn render(&self, in_flight: usize) -> Result<String, MetricsError> {
        self.in_flight
            .set(i64::try_from(in_flight).unwrap_or(i64::MAX));
        let mut out = String::new();
        encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_gauge() {
        let m = Metrics::default();
        m.event_request(200);
        m.event_request(200);
        m.event_request(503);
        m.workflow_created();
        m.binding_error("argo", "b");
        let text = m.render(3).unwrap();
        assert!(
            text.contains("flowgate_event_requests_total{code=\"200\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("flowgate_event_requests_total{code=\"503\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("flowgate_workflows_created_total 1"),
            "{text}"
        );
        assert!(
            text.contains("flowgate_binding_errors_total{namespace=\"argo\",binding=\"b\"} 1"),
            "{text}"
        );
        assert!(text.contains("flowgate_events_in_flight 3"), "{text}");
    }
}
