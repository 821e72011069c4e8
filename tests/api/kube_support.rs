//! Running the scenario tests against the Kubernetes backend (the `kube` test binary).
//!
//! The same scenarios run twice: in the `api` binary on the embedded backend, and in the
//! `kube` binary against the real API server of `tests/kube/cluster.rs`. Here a "manifest
//! file" becomes `kubectl apply` of the same YAML (its namespaces created first) and removing
//! it `kubectl delete`. Service-account token Secrets cannot carry a chosen token on a real
//! cluster, so for each one the harness asks the TokenRequest API for a real token of that
//! ServiceAccount and swaps it in whenever a test sends the manifest's token.
//!
//! One API server serves every test, and the scenarios use fixed namespaces, so tests take
//! [`super::cluster::exclusive`] and run one at a time; each begins by deleting what the
//! previous ones created. After each apply or delete, [`KubeScenario::sync`] waits until the
//! server's catalog has seen a marker object written after the change, so a test never
//! posts an event before the server knows its bindings.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::OwnedMutexGuard;

use super::cluster::{Cluster, cluster, exclusive};

/// The namespace of the sync marker.
pub const SYNC_NAMESPACE: &str = "flowgate-sync";
const SYNC_ANNOTATION: &str = "flowgate-test/sync";

/// What earlier scenarios created, for cleanup.
#[derive(Default)]
struct Leftovers {
    namespaces: BTreeSet<String>,
    cluster_objects: BTreeSet<String>,
}

fn leftovers() -> &'static Mutex<Leftovers> {
    static L: OnceLock<Mutex<Leftovers>> = OnceLock::new();
    L.get_or_init(Mutex::default)
}

/// One scenario's hold on the shared API server.
pub struct KubeScenario {
    _guard: OwnedMutexGuard<()>,
    /// Manifest token → real token.
    tokens: Mutex<HashMap<String, String>>,
    /// Manifest file name → content.
    files: Mutex<HashMap<String, String>>,
    sync: AtomicU64,
    base: Mutex<String>,
}

/// Deletes every Argo object (in every namespace) and the objects earlier scenarios applied.
fn cleanup(c: &Cluster) {
    c.kubectl(&[
        "delete",
        "workfloweventbindings,workflowtemplates,workflows",
        "--all",
        "--all-namespaces",
        "--wait=false",
    ]);
    c.kubectl(&[
        "delete",
        "clusterworkflowtemplates",
        "--all",
        "--wait=false",
    ]);
    let mut l = leftovers().lock().unwrap();
    for ns in std::mem::take(&mut l.namespaces) {
        c.kubectl(&[
            "delete",
            "serviceaccounts,secrets,roles,rolebindings,events",
            "--all",
            "-n",
            &ns,
            "--wait=false",
        ]);
    }
    let cluster_objects: Vec<String> = std::mem::take(&mut l.cluster_objects).into_iter().collect();
    if !cluster_objects.is_empty() {
        let mut args = vec!["delete", "--ignore-not-found", "--wait=false"];
        args.extend(cluster_objects.iter().map(String::as_str));
        c.kubectl(&args);
    }
}

fn ensure_namespace(c: &Cluster, ns: &str) {
    let yaml = format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n");
    c.apply(&yaml);
}

/// The documents of a multi-document YAML text.
fn documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .filter_map(|d| Value::deserialize(d).ok())
        .filter(|v| v.is_object())
        .collect()
}

fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "ClusterWorkflowTemplate" | "ClusterRole" | "ClusterRoleBinding" | "Namespace"
    )
}

impl KubeScenario {
    /// Waits for the API server to be free, then clears what earlier scenarios left.
    pub async fn begin() -> KubeScenario {
        let c = cluster();
        let guard = exclusive().await;
        cleanup(c);
        ensure_namespace(c, SYNC_NAMESPACE);
        KubeScenario {
            _guard: guard,
            tokens: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            sync: AtomicU64::new(0),
            base: Mutex::new(String::new()),
        }
    }

    /// The flags that point `flowgate serve` at the API server as the deploy/ service account.
    pub fn server_args(&self) -> Vec<String> {
        vec![
            "--backend=kubernetes".into(),
            format!("--kubeconfig={}", cluster().server_kubeconfig.display()),
        ]
    }

    /// Where the server under test listens (set once it runs).
    pub fn set_base(&self, base: &str) {
        *self.base.lock().unwrap() = base.to_string();
    }

    /// The real token for a token a manifest declared (others are sent unchanged).
    pub fn token(&self, token: &str) -> String {
        self.tokens
            .lock()
            .unwrap()
            .get(token)
            .cloned()
            .unwrap_or_else(|| token.to_string())
    }

    /// Applies `content` as manifest file `name` (replacing an earlier version), then syncs.
    pub fn write(&self, name: &str, content: &str) {
        let c = cluster();
        let docs = documents(content);
        let mut namespaces = BTreeSet::new();
        for d in &docs {
            let kind = d["kind"].as_str().unwrap_or_default();
            if !is_cluster_scoped(kind) {
                namespaces.insert(
                    d["metadata"]["namespace"]
                        .as_str()
                        .unwrap_or("default")
                        .to_string(),
                );
            }
        }
        for ns in &namespaces {
            ensure_namespace(c, ns);
        }
        // Objects the new version no longer has are deleted, as a file rewrite removes them.
        if let Some(old) = self.files.lock().unwrap().get(name).cloned() {
            let keep: BTreeSet<(String, String, String)> = docs.iter().map(key).collect();
            let gone: Vec<String> = documents(&old)
                .into_iter()
                .filter(|d| !keep.contains(&key(d)))
                .map(|d| serde_yaml::to_string(&d).unwrap())
                .collect();
            if !gone.is_empty() {
                c.kubectl_stdin(
                    &["delete", "--ignore-not-found", "--wait=false", "-f", "-"],
                    &gone.join("---\n"),
                );
            }
        }
        c.kubectl_stdin(&["apply", "-f", "-"], content);
        {
            let mut l = leftovers().lock().unwrap();
            l.namespaces.extend(namespaces);
            for d in &docs {
                let kind = d["kind"].as_str().unwrap_or_default();
                if is_cluster_scoped(kind) && kind != "Namespace" {
                    let name = d["metadata"]["name"].as_str().unwrap_or_default();
                    l.cluster_objects
                        .insert(format!("{}/{name}", kind.to_lowercase()));
                }
            }
        }
        for d in &docs {
            self.map_token(c, d);
        }
        self.files
            .lock()
            .unwrap()
            .insert(name.to_string(), content.to_string());
        self.sync();
    }

    /// Deletes what manifest file `name` applied, then syncs.
    pub fn remove(&self, name: &str) {
        let content = self
            .files
            .lock()
            .unwrap()
            .remove(name)
            .unwrap_or_else(|| panic!("no manifest {name}"));
        cluster().kubectl_stdin(
            &["delete", "--ignore-not-found", "--wait=false", "-f", "-"],
            &content,
        );
        self.sync();
    }

    /// For a service-account token Secret: a real token of its ServiceAccount.
    fn map_token(&self, c: &Cluster, d: &Value) {
        if d["kind"] != "Secret" || d["type"] != "kubernetes.io/service-account-token" {
            return;
        }
        let Some(fake) = d["stringData"]["token"].as_str() else {
            return;
        };
        let ns = d["metadata"]["namespace"].as_str().unwrap_or("default");
        let Some(sa) = d["metadata"]["annotations"]["kubernetes.io/service-account.name"].as_str()
        else {
            return;
        };
        let request = r#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["https://kubernetes.default.svc.cluster.local"],"expirationSeconds":3600}}"#;
        let uri = format!("/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token");
        let out = c.kubectl_stdin(&["create", "--raw", &uri, "-f", "-"], request);
        let answer: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| {
            panic!("TokenRequest for {ns}/{sa}: {e}: {out}");
        });
        let real = answer["status"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token for {ns}/{sa}: {out}"))
            .to_string();
        self.tokens.lock().unwrap().insert(fake.to_string(), real);
    }

    /// Writes a new marker object and waits until the server's read API shows it: every change
    /// made before is then in the server's catalog (or reached it within the same rebuild).
    pub fn sync(&self) {
        let base = self.base.lock().unwrap().clone();
        if base.is_empty() {
            return;
        }
        let n = self.sync.fetch_add(1, Ordering::SeqCst) + 1;
        let c = cluster();
        c.apply(&format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: marker\n  namespace: {SYNC_NAMESPACE}\n  annotations: {{{SYNC_ANNOTATION}: \"{n}\"}}\nspec: {{entrypoint: main}}\n"
        ));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if marker(&base, &c.admin_token) >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the server never saw sync marker {n}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn key(d: &Value) -> (String, String, String) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        s(&d["kind"]),
        s(&d["metadata"]["namespace"]),
        s(&d["metadata"]["name"]),
    )
}

/// The sync counter the server's catalog shows (0 when none), read over plain HTTP/1.1.
fn marker(base: &str, admin_token: &str) -> u64 {
    let addr = base.trim_start_matches("http://");
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "GET /api/v1/workflow-templates/{SYNC_NAMESPACE} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {admin_token}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return 0;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let Some((_, body)) = response.split_once("\r\n\r\n") else {
        return 0;
    };
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return 0;
    };
    v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["metadata"]["annotations"][SYNC_ANNOTATION].as_str())
        .filter_map(|s| s.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}
