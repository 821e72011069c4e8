//! [`Object`]: any manifest flowgate understands, tagged by `apiVersion` + `kind`.
//!
//! Takes a JSON value (or any serde deserializer plus the [`Kind`] read from its type fields);
//! returns the typed object, or a [`ModelError`] naming the unknown kind or the bad field.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::ModelError;
use super::binding::WorkflowEventBinding;
use super::core::{Secret, ServiceAccount, redact_secret_message};
use super::meta::{ObjectMeta, null_default};
use super::rbac::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use super::template::{ClusterWorkflowTemplate, WorkflowTemplate, check_workflow_metadata};
use super::workflow::Workflow;

/// `apiVersion` + `kind` of a document, read before the rest of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TypeMeta {
    /// `apiVersion`, e.g. `argoproj.io/v1alpha1`.
    #[serde(deserialize_with = "null_default")]
    pub api_version: String,
    /// `kind`, e.g. `WorkflowEventBinding`.
    #[serde(deserialize_with = "null_default")]
    pub kind: String,
}

/// Every kind of object flowgate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `argoproj.io` WorkflowEventBinding.
    WorkflowEventBinding,
    /// `argoproj.io` WorkflowTemplate.
    WorkflowTemplate,
    /// `argoproj.io` ClusterWorkflowTemplate (cluster-scoped).
    ClusterWorkflowTemplate,
    /// `argoproj.io` Workflow.
    Workflow,
    /// Core ServiceAccount.
    ServiceAccount,
    /// Core Secret.
    Secret,
    /// `rbac.authorization.k8s.io` Role.
    Role,
    /// `rbac.authorization.k8s.io` ClusterRole (cluster-scoped).
    ClusterRole,
    /// `rbac.authorization.k8s.io` RoleBinding.
    RoleBinding,
    /// `rbac.authorization.k8s.io` ClusterRoleBinding (cluster-scoped).
    ClusterRoleBinding,
}

const ARGO_GROUP: &str = "argoproj.io";
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 10] = [
        Kind::WorkflowEventBinding,
        Kind::WorkflowTemplate,
        Kind::ClusterWorkflowTemplate,
        Kind::Workflow,
        Kind::ServiceAccount,
        Kind::Secret,
        Kind::Role,
        Kind::ClusterRole,
        Kind::RoleBinding,
        Kind::ClusterRoleBinding,
    ];

    /// The `kind` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::WorkflowEventBinding => "WorkflowEventBinding",
            Kind::WorkflowTemplate => "WorkflowTemplate",
            Kind::ClusterWorkflowTemplate => "ClusterWorkflowTemplate",
            Kind::Workflow => "Workflow",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Secret => "Secret",
            Kind::Role => "Role",
            Kind::ClusterRole => "ClusterRole",
            Kind::RoleBinding => "RoleBinding",
            Kind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }

    /// The API group (`""` for the core group).
    pub fn group(self) -> &'static str {
        match self {
            Kind::WorkflowEventBinding
            | Kind::WorkflowTemplate
            | Kind::ClusterWorkflowTemplate
            | Kind::Workflow => ARGO_GROUP,
            Kind::ServiceAccount | Kind::Secret => "",
            Kind::Role | Kind::ClusterRole | Kind::RoleBinding | Kind::ClusterRoleBinding => {
                RBAC_GROUP
            }
        }
    }

    /// The `apiVersion` written when serialising.
    pub fn api_version(self) -> &'static str {
        match self.group() {
            ARGO_GROUP => "argoproj.io/v1alpha1",
            "" => "v1",
            _ => "rbac.authorization.k8s.io/v1",
        }
    }

    /// The lower-case plural resource name used by RBAC rules (`workfloweventbindings`, …).
    pub fn resource(self) -> &'static str {
        match self {
            Kind::WorkflowEventBinding => "workfloweventbindings",
            Kind::WorkflowTemplate => "workflowtemplates",
            Kind::ClusterWorkflowTemplate => "clusterworkflowtemplates",
            Kind::Workflow => "workflows",
            Kind::ServiceAccount => "serviceaccounts",
            Kind::Secret => "secrets",
            Kind::Role => "roles",
            Kind::ClusterRole => "clusterroles",
            Kind::RoleBinding => "rolebindings",
            Kind::ClusterRoleBinding => "clusterrolebindings",
        }
    }

    /// `true` for kinds without a namespace.
    pub fn is_cluster_scoped(self) -> bool {
        matches!(
            self,
            Kind::ClusterWorkflowTemplate | Kind::ClusterRole | Kind::ClusterRoleBinding
        )
    }

    /// Resolves `apiVersion` + `kind`. Accepted versions: `argoproj.io/v1alpha1`, core `v1`,
    /// and `rbac.authorization.k8s.io/v1` (or the identical `v1beta1`).
    pub fn from_type_meta(api_version: &str, kind: &str) -> Result<Kind, ModelError> {
        if api_version.is_empty() {
            return Err(ModelError::MissingField("apiVersion"));
        }
        if kind.is_empty() {
            return Err(ModelError::MissingField("kind"));
        }
        let found = Kind::ALL.into_iter().find(|k| k.as_str() == kind);
        let version_ok = |k: Kind| match k.group() {
            ARGO_GROUP => api_version == "argoproj.io/v1alpha1",
            "" => api_version == "v1",
            _ => matches!(
                api_version,
                "rbac.authorization.k8s.io/v1" | "rbac.authorization.k8s.io/v1beta1"
            ),
        };
        match found {
            Some(k) if version_ok(k) => Ok(k),
            _ => Err(ModelError::UnknownKind {
                api_version: api_version.to_owned(),
                kind: kind.to_owned(),
            }),
        }
    }

    /// Deserialises the body of a document of this kind (its `apiVersion`/`kind` are ignored).
    pub fn deserialize_object<'de, D: Deserializer<'de>>(self, d: D) -> Result<Object, D::Error> {
        Ok(match self {
            Kind::WorkflowEventBinding => {
                Object::WorkflowEventBinding(Deserialize::deserialize(d)?)
            }
            Kind::WorkflowTemplate => Object::WorkflowTemplate(Deserialize::deserialize(d)?),
            Kind::ClusterWorkflowTemplate => {
                Object::ClusterWorkflowTemplate(Deserialize::deserialize(d)?)
            }
            Kind::Workflow => Object::Workflow(Deserialize::deserialize(d)?),
            Kind::ServiceAccount => Object::ServiceAccount(Deserialize::deserialize(d)?),
            Kind::Secret => Object::Secret(Deserialize::deserialize(d)?),
            Kind::Role => Object::Role(Deserialize::deserialize(d)?),
            Kind::ClusterRole => Object::ClusterRole(Deserialize::deserialize(d)?),
            Kind::RoleBinding => Object::RoleBinding(Deserialize::deserialize(d)?),
            Kind::ClusterRoleBinding => Object::ClusterRoleBinding(Deserialize::deserialize(d)?),
        })
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any object flowgate reads from manifests or a cluster.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Object {
    /// A WorkflowEventBinding.
    WorkflowEventBinding(WorkflowEventBinding),
    /// A WorkflowTemplate.
    WorkflowTemplate(WorkflowTemplate),
    /// A ClusterWorkflowTemplate.
    ClusterWorkflowTemplate(ClusterWorkflowTemplate),
    /// A Workflow.
    Workflow(Workflow),
    /// A ServiceAccount.
    ServiceAccount(ServiceAccount),
    /// A Secret (its `Debug` is redacted).
    Secret(Secret),
    /// A Role.
    Role(Role),
    /// A ClusterRole.
    ClusterRole(ClusterRole),
    /// A RoleBinding.
    RoleBinding(RoleBinding),
    /// A ClusterRoleBinding.
    ClusterRoleBinding(ClusterRoleBinding),
}

macro_rules! each_variant {
    ($obj:expr, $o:ident => $body:expr) => {
        match $obj {
            Object::WorkflowEventBinding($o) => $body,
            Object::WorkflowTemplate($o) => $body,
            Object::ClusterWorkflowTemplate($o) => $body,
            Object::Workflow($o) => $body,
            Object::ServiceAccount($o) => $body,
            Object::Secret($o) => $body,
            Object::Role($o) => $body,
            Object::ClusterRole($o) => $body,
            Object::RoleBinding($o) => $body,
            Object::ClusterRoleBinding($o) => $body,
        }
    };
}

impl Object {
    /// The object's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Object::WorkflowEventBinding(_) => Kind::WorkflowEventBinding,
            Object::WorkflowTemplate(_) => Kind::WorkflowTemplate,
            Object::ClusterWorkflowTemplate(_) => Kind::ClusterWorkflowTemplate,
            Object::Workflow(_) => Kind::Workflow,
            Object::ServiceAccount(_) => Kind::ServiceAccount,
            Object::Secret(_) => Kind::Secret,
            Object::Role(_) => Kind::Role,
            Object::ClusterRole(_) => Kind::ClusterRole,
            Object::RoleBinding(_) => Kind::RoleBinding,
            Object::ClusterRoleBinding(_) => Kind::ClusterRoleBinding,
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        each_variant!(self, o => &o.metadata)
    }

    /// The object's metadata, mutable.
    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        each_variant!(self, o => &mut o.metadata)
    }

    /// Parses a JSON value with `apiVersion` and `kind`.
    pub fn from_value(value: Value) -> Result<Object, ModelError> {
        let tm = TypeMeta::deserialize(&value).map_err(|e| ModelError::Decode {
            path: String::new(),
            message: e.to_string(),
        })?;
        let kind = Kind::from_type_meta(&tm.api_version, &tm.kind)?;
        let obj = {
            let mut track = serde_path_to_error::Track::new();
            let de = serde_path_to_error::Deserializer::new(&value, &mut track);
            match kind.deserialize_object(de) {
                Ok(o) => o,
                Err(e) => {
                    let message = e.to_string();
                    return Err(ModelError::Decode {
                        path: track.path().to_string(),
                        message: if kind == Kind::Secret {
                            redact_secret_message(&message)
                        } else {
                            message
                        },
                    });
                }
            }
        };
        obj.validate()?;
        Ok(obj)
    }

    /// Checks what the serde types cannot express: a template's `spec.workflowMetadata`
    /// labels and annotations must be strings.
    pub fn validate(&self) -> Result<(), ModelError> {
        match self {
            Object::WorkflowTemplate(t) => check_workflow_metadata(&t.spec),
            Object::ClusterWorkflowTemplate(t) => check_workflow_metadata(&t.spec),
            _ => Ok(()),
        }
    }

    /// The object as JSON, with `apiVersion` and `kind`.
    pub fn to_value(&self) -> Value {
        let kind = self.kind();
        let mut v = each_variant!(self, o => serde_json::to_value(o))
            .unwrap_or_else(|_| Value::Object(Default::default()));
        if let Value::Object(m) = &mut v {
            m.insert(
                "apiVersion".into(),
                Value::String(kind.api_version().into()),
            );
            m.insert("kind".into(), Value::String(kind.as_str().into()));
        }
        v
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Object::from_value(value).map_err(serde::de::Error::custom)
    }
}
