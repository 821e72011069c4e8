//! The Argo resources as kube-rs sees them, conversions to the model types, and error mapping.
//!
//! Takes [`DynamicObject`]s and core Secrets from the API server and kube-rs errors; returns
//! model [`Object`]s and [`StoreError`]s. The four Argo kinds are served by open-schema CRDs,
//! so they are read as `DynamicObject` and decoded into the model's serde types, which
//! apply the same rules as manifest files (unknown fields ignored, `null` read as empty).

use kube::core::{ApiResource, DynamicObject, GroupVersionKind};
use serde::Deserialize;

use crate::model::{Kind, ModelError, Object, Secret, Workflow};
use crate::store::StoreError;

/// The `ApiResource` of one of the four Argo kinds (`argoproj.io/v1alpha1`).
pub fn argo_resource(kind: Kind) -> ApiResource {
    let gvk = GroupVersionKind::gvk(kind.group(), "v1alpha1", kind.as_str());
    ApiResource::from_gvk_with_plural(&gvk, kind.resource())
}

/// Decodes an object of `kind` read from the API server into the model type, with the
/// checks manifest files get.
pub fn to_object(kind: Kind, obj: &DynamicObject) -> Result<Object, ModelError> {
    let value = serde_json::to_value(obj).map_err(|e| ModelError::Decode {
        path: String::new(),
        message: e.to_string(),
    })?;
    let object = kind
        .deserialize_object(&value)
        .map_err(|e| ModelError::Decode {
            path: String::new(),
            message: e.to_string(),
        })?;
    object.validate()?;
    Ok(object)
}

/// Decodes a core Secret (its `data` stays base64 on the wire and is decoded by the model).
/// The error never contains a secret value.
pub fn to_secret(secret: &k8s_openapi::api::core::v1::Secret) -> Result<Secret, ModelError> {
    let value = serde_json::to_value(secret).map_err(|_| ModelError::Decode {
        path: String::new(),
        message: "cannot encode the Secret".into(),
    })?;
    Secret::deserialize(&value).map_err(|_| ModelError::Decode {
        path: "data".into(),
        message: "a value is not valid base64".into(),
    })
}

/// A Workflow as the object to send.
pub fn workflow_to_dynamic(wf: &Workflow) -> Result<DynamicObject, StoreError> {
    let value = serde_json::to_value(wf).map_err(|e| StoreError::Api(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| StoreError::Api(e.to_string()))
}

/// A Workflow as read from the API server.
pub fn workflow_from_dynamic(obj: &DynamicObject) -> Result<Workflow, StoreError> {
    let key = format!(
        "{}/{}",
        obj.metadata.namespace.as_deref().unwrap_or_default(),
        obj.metadata.name.as_deref().unwrap_or_default()
    );
    let corrupt = |reason: String| StoreError::Corrupt {
        key: key.clone(),
        reason,
    };
    let value = serde_json::to_value(obj).map_err(|e| corrupt(e.to_string()))?;
    Workflow::deserialize(&value).map_err(|e| corrupt(e.to_string()))
}

/// The API status of an error, if the server answered with one.
pub fn api_status(e: &kube::Error) -> Option<&kube::core::Status> {
    match e {
        kube::Error::Api(s) => Some(s),
        _ => None,
    }
}

/// Whether retrying may help, as Argo's `IsTransientErr` judges it: throttling (429), server
/// errors and timeouts (5xx, reasons `ServerTimeout`, `Timeout`, `TooManyRequests`,
/// `ServiceUnavailable`, `InternalError`), and every failure below HTTP (connection refused or
/// reset, TLS, a broken response).
pub fn is_transient(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => {
            s.code == 429
                || s.code >= 500
                || matches!(
                    s.reason.as_str(),
                    "ServerTimeout"
                        | "Timeout"
                        | "TooManyRequests"
                        | "ServiceUnavailable"
                        | "InternalError"
                )
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_) => true,
        _ => false,
    }
}

/// `409 AlreadyExists`.
pub fn is_already_exists(e: &kube::Error) -> bool {
    api_status(e).is_some_and(|s| s.code == 409 && s.reason == "AlreadyExists")
}

/// The answer to a create with both `name` and `generateName` whose name is taken: 500
/// `ServerTimeout` up to Kubernetes 1.21 ("the server cannot complete the requested operation
/// at this time"), 409 with "the server was not able to generate a unique name" later.
pub fn is_name_conflict_in_disguise(e: &kube::Error) -> bool {
    api_status(e).is_some_and(|s| {
        (s.code == 500 && s.reason == "ServerTimeout")
            || (s.code == 409 && s.message.contains("generate a unique name"))
    })
}

/// `404 NotFound`.
pub fn is_not_found(e: &kube::Error) -> bool {
    api_status(e).is_some_and(|s| s.code == 404)
}

/// The text Argo shows for an error: the API server's message (as client-go's `StatusError`
/// prints it), else kube-rs's description.
pub fn error_text(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

/// Maps a kube-rs error to a [`StoreError`]: transient ones to `Transient`, the rest to `Api`.
pub fn store_error(e: &kube::Error) -> StoreError {
    if is_transient(e) {
        StoreError::Transient(error_text(e))
    } else {
        StoreError::Api(error_text(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;

    fn api(code: u16, reason: &str, message: &str) -> kube::Error {
        let mut s = Status::failure(message, reason);
        s.code = code;
        kube::Error::Api(Box::new(s))
    }

    #[test]
    fn transient_errors_follow_argo() {
        assert!(is_transient(&api(429, "TooManyRequests", "slow down")));
        assert!(is_transient(&api(503, "ServiceUnavailable", "x")));
        assert!(is_transient(&api(500, "InternalError", "x")));
        assert!(is_transient(&api(504, "Timeout", "x")));
        assert!(!is_transient(&api(403, "Forbidden", "no")));
        assert!(!is_transient(&api(409, "AlreadyExists", "x")));
        assert!(!is_transient(&api(422, "Invalid", "x")));
        assert!(!is_transient(&api(404, "NotFound", "x")));
    }

    #[test]
    fn api_errors_keep_the_server_message() {
        let e = api(404, "NotFound", "namespaces \"nope\" not found");
        assert_eq!(
            store_error(&e),
            StoreError::Api("namespaces \"nope\" not found".into())
        );
        assert_eq!(
            store_error(&api(429, "TooManyRequests", "slow down")),
            StoreError::Transient("slow down".into())
        );
    }

    #[test]
    fn name_conflicts_are_recognised() {
        assert!(is_already_exists(&api(409, "AlreadyExists", "x")));
        assert!(is_name_conflict_in_disguise(&api(
            500,
            "ServerTimeout",
            "The POST operation against Workflow.argoproj.io could not be completed at this time, please try again."
        )));
        assert!(!is_name_conflict_in_disguise(&api(
            500,
            "InternalError",
            "x"
        )));
    }

    #[test]
    fn argo_resources_have_their_plurals() {
        let ar = argo_resource(Kind::ClusterWorkflowTemplate);
        assert_eq!(ar.api_version, "argoproj.io/v1alpha1");
        assert_eq!(ar.plural, "clusterworkflowtemplates");
        assert_eq!(ar.kind, "ClusterWorkflowTemplate");
    }

    #[test]
    fn dynamic_objects_decode_into_model_types() {
        let obj: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "WorkflowEventBinding",
            "metadata": {"name": "b", "namespace": "ns", "uid": "u1", "labels": null},
            "spec": {"event": {"selector": "true"}, "unknown": 1}
        }))
        .unwrap();
        let Object::WorkflowEventBinding(b) = to_object(Kind::WorkflowEventBinding, &obj).unwrap()
        else {
            panic!("wrong kind")
        };
        assert_eq!(b.metadata.uid, "u1");
        assert_eq!(b.spec.unwrap().event.selector, "true");

        let bad: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "WorkflowTemplate",
            "metadata": {"name": "t", "namespace": "ns"},
            "spec": {"workflowMetadata": {"labels": {"a": 1}}}
        }))
        .unwrap();
        let err = to_object(Kind::WorkflowTemplate, &bad).unwrap_err();
        assert!(
            err.to_string().contains("spec.workflowMetadata.labels.a"),
            "{err}"
        );
    }

    #[test]
    fn workflows_round_trip() {
        let mut wf = Workflow::default();
        wf.metadata.name = "w-abcde".into();
        wf.metadata.namespace = "ns".into();
        wf.metadata.generate_name = "w-".into();
        let dynamic = workflow_to_dynamic(&wf).unwrap();
        assert_eq!(dynamic.metadata.name.as_deref(), Some("w-abcde"));
        assert_eq!(
            dynamic.types.as_ref().map(|t| t.kind.as_str()),
            Some("Workflow")
        );
        assert_eq!(workflow_from_dynamic(&dynamic).unwrap(), wf);
    }
}
