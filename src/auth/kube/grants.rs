//! [`Grants`]: the permission answers one event needs, resolved before matching.
//!
//! Matching is pure and synchronous (the Matcher actors never wait on I/O), but with the
//! Kubernetes backend a permission is a SubjectAccessReview. So the events handler asks, before
//! it hands the event on, every question dispatch may ask for the namespace's bindings (Argo
//! asks them with the caller's own client, spec §3 and §7):
//!
//! - `get workflowtemplates/<name>` in the namespace, or `get clusterworkflowtemplates/<name>`,
//!   for each binding's template reference;
//! - `create workflows` in the namespace.
//!
//! [`resolve`] sends them through [`KubeAuth`] (cached, so a steady stream of events from one
//! client costs no review at all within the TTL; at most [`MAX_PARALLEL`] at once) and
//! returns the answers; the event carries them, and dispatch reads them instead of the
//! catalog's RBAC. A question that was not resolved (a binding added between the handler and
//! the matcher) is answered "no", so the binding fails with Kubernetes' Forbidden text rather
//! than bypassing a check.

use std::collections::{BTreeSet, HashMap};

use futures_util::StreamExt;

use super::{KubeAuth, KubeAuthError};
use crate::auth::rbac::ResourceAttributes;
use crate::auth::token::Identity;
use crate::binding::CompiledBinding;
/// The API group of every question.
const ARGO_GROUP: &str = "argoproj.io";

/// Most reviews in flight for one event.
pub const MAX_PARALLEL: usize = 16;

/// One question: verb, resource (group `argoproj.io`), namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Question {
    verb: String,
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
}

impl Question {
    fn new(verb: &str, resource: &str, namespace: Option<&str>, name: Option<&str>) -> Question {
        Question {
            verb: verb.to_string(),
            resource: resource.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.map(str::to_string),
        }
    }

    fn attributes(&self) -> ResourceAttributes {
        ResourceAttributes {
            verb: self.verb.clone(),
            group: ARGO_GROUP.to_string(),
            resource: self.resource.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

/// Permission answers for one caller and one event.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Grants {
    answers: HashMap<Question, bool>,
}

impl Grants {
    /// Records an answer.
    pub fn insert(
        &mut self,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
        allowed: bool,
    ) {
        self.answers
            .insert(Question::new(verb, resource, namespace, name), allowed);
    }

    /// The answer to a question dispatch asks; `false` when it was not resolved.
    pub fn allowed(
        &self,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> bool {
        let q = Question::new(verb, resource, namespace, name);
        match self.answers.get(&q) {
            Some(a) => *a,
            None => {
                tracing::warn!(?q, "permission was not resolved before matching; denying");
                false
            }
        }
    }

    /// Number of answers.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// `true` when there is no answer.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// The questions dispatch may ask for an event in `namespace` with these bindings.
fn questions(namespace: &str, bindings: &[CompiledBinding]) -> BTreeSet<Question> {
    let mut out = BTreeSet::new();
    out.insert(Question::new("create", "workflows", Some(namespace), None));
    for b in bindings {
        let Some(submit) = &b.submit else { continue };
        let r = &submit.template_ref;
        out.insert(if r.cluster_scope {
            Question::new("get", "clusterworkflowtemplates", None, Some(&r.name))
        } else {
            Question::new(
                "get",
                "workflowtemplates",
                Some(&b.namespace),
                Some(&r.name),
            )
        });
    }
    out
}

/// Resolves every question an event in `namespace` may raise for `identity`.
pub async fn resolve(
    auth: &KubeAuth,
    identity: &Identity,
    namespace: &str,
    bindings: &[CompiledBinding],
) -> Result<Grants, KubeAuthError> {
    let answers: Vec<(Question, Result<bool, KubeAuthError>)> =
        futures_util::stream::iter(questions(namespace, bindings))
            .map(|q| async move {
                let a = auth.allowed(identity, &q.attributes()).await;
                (q, a)
            })
            .buffer_unordered(MAX_PARALLEL)
            .collect()
            .await;
    let mut grants = Grants::default();
    for (q, a) in answers {
        grants.answers.insert(q, a?);
    }
    Ok(grants)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WorkflowEventBinding;

    fn compiled(yaml: &str) -> CompiledBinding {
        let b: WorkflowEventBinding = serde_yaml::from_str(yaml).unwrap();
        CompiledBinding::compile(&b).unwrap()
    }

    #[test]
    fn questions_cover_every_template_and_the_create() {
        let bindings = [
            compiled(
                "metadata: {name: a, namespace: ns}\nspec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: t}}}",
            ),
            compiled(
                "metadata: {name: b, namespace: ns}\nspec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: t}}}",
            ),
            compiled(
                "metadata: {name: c, namespace: ns}\nspec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: shared, clusterScope: true}}}",
            ),
            compiled("metadata: {name: d, namespace: ns}\nspec: {event: {selector: 'true'}}"),
        ];
        let qs: Vec<_> = questions("ns", &bindings).into_iter().collect();
        assert_eq!(
            qs,
            vec![
                Question::new("create", "workflows", Some("ns"), None),
                Question::new("get", "clusterworkflowtemplates", None, Some("shared")),
                Question::new("get", "workflowtemplates", Some("ns"), Some("t")),
            ]
        );
    }

    #[test]
    fn unresolved_questions_are_denied() {
        let mut g = Grants::default();
        g.insert("create", "workflows", Some("ns"), None, true);
        assert!(g.allowed("create", "workflows", Some("ns"), None));
        assert!(!g.allowed("create", "workflows", Some("other"), None));
        assert_eq!(g.len(), 1);
    }
}
