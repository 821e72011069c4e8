//! The test harness: spawns `flowgate serve` on port 0 with temporary folders.
//!
//! The same file serves two test binaries: `api` runs every scenario on the embedded backend
//! (manifest folders), `kube` runs the shared scenarios on the Kubernetes backend against a
//! real API server (see `kube_support`). Scenarios do not name the backend; [`Options`]
//! defaults to the binary's.

#[path = "../kube/cluster.rs"]
pub mod cluster;
#[path = "kube_support.rs"]
pub mod kube_support;

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The token of the example service account (config/examples).
pub const EXAMPLE_TOKEN: &str = "flowgate-example-token-change-me";

/// Which backend the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Manifest folder + embedded database.
    Embedded,
    /// The real API server of `cluster`, objects applied with kubectl.
    Kubernetes,
}

impl Backend {
    /// The backend of this test binary: Kubernetes in `kube`, embedded in `api`.
    pub fn of_this_binary() -> Backend {
        if module_path!().starts_with("kube::") {
            Backend::Kubernetes
        } else {
            Backend::Embedded
        }
    }
}

/// How to start the server.
#[derive(Debug, Clone)]
pub struct Options {
    pub backend: Backend,
    pub async_dispatch: bool,
    pub queue_size: usize,
    pub auth_mode: &'static str,
    pub with_examples: bool,
    pub extra_args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            backend: Backend::of_this_binary(),
            async_dispatch: true,
            queue_size: 64,
            auth_mode: "client",
            with_examples: true,
            extra_args: Vec::new(),
        }
    }
}

impl Options {
    pub fn sync(mut self) -> Self {
        self.async_dispatch = false;
        self
    }
    pub fn queue(mut self, n: usize) -> Self {
        self.queue_size = n;
        self
    }
    pub fn arg(mut self, a: &str) -> Self {
        self.extra_args.push(a.to_string());
        self
    }
    pub fn no_examples(mut self) -> Self {
        self.with_examples = false;
        self
    }
}

/// A running server and its folders.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub data_dir: TempDir,
    pub manifests_dir: TempDir,
    pub options: Options,
    child: Option<Child>,
    log_path: PathBuf,
    starts: usize,
    /// The Kubernetes backend's hold on the API server (last: dropped after the server).
    kube: Option<kube_support::KubeScenario>,
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/examples")
}

/// An HTTP client that never reuses a connection the server may be closing: idle connections
/// are dropped after 1 s, well before the server's 5 s keep-alive ends, so a request sent after
/// a pause (a slow `kubectl apply`, say) never meets a connection closing under it.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(1))
        .build()
        .unwrap()
}

/// Starts a server with `options` (the example manifests are copied in unless disabled).
pub async fn spawn_app(options: Options) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let manifests_dir = tempfile::tempdir().unwrap();
    let kube = match options.backend {
        Backend::Kubernetes => Some(kube_support::KubeScenario::begin().await),
        Backend::Embedded => None,
    };
    if let Some(k) = &kube {
        if options.with_examples {
            for entry in std::fs::read_dir(examples_dir()).unwrap() {
                let p = entry.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                k.write(&name, &std::fs::read_to_string(&p).unwrap());
            }
        }
    } else if options.with_examples {
        for entry in std::fs::read_dir(examples_dir()).unwrap() {
            let p = entry.unwrap().path();
            std::fs::copy(&p, manifests_dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let log_path = data_dir.path().join("server-0.log");
    let mut app = TestApp {
        base: String::new(),
        client: http_client(),
        data_dir,
        manifests_dir,
        options,
        child: None,
        log_path,
        starts: 0,
        kube,
    };
    app.start().await;
    app
}

/// Starts with default options.
pub async fn spawn_default() -> TestApp {
    spawn_app(Options::default()).await
}

impl Drop for TestApp {
    /// A failing test shows the server's log.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- server log ({}):\n{}", self.base, self.log());
        }
    }
}

impl TestApp {
    async fn start(&mut self) {
        self.log_path = self
            .data_dir
            .path()
            .join(format!("server-{}.log", self.starts));
        self.starts += 1;
        let log = std::fs::File::create(&self.log_path).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowgate"));
        cmd.arg("serve").arg("--listen=127.0.0.1:0").arg(format!(
            "--data-dir={}",
            self.data_dir.path().join("db").display()
        ));
        match &self.kube {
            Some(k) => cmd.args(k.server_args()),
            None => cmd
                .arg(format!(
                    "--manifests={}",
                    self.manifests_dir.path().display()
                ))
                .arg("--manifest-poll-ms=50"),
        };
        cmd.arg(format!(
            "--event-async-dispatch={}",
            self.options.async_dispatch
        ))
        .arg(format!(
            "--event-operation-queue-size={}",
            self.options.queue_size
        ))
        .arg(format!("--auth-mode={}", self.options.auth_mode))
        .args(&self.options.extra_args)
        .env("FLOWGATE_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true);
        let mut child = cmd.spawn().expect("cannot start flowgate");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("flowgate did not print its address")
            .unwrap()
            .unwrap_or_else(|| {
                panic!(
                    "flowgate exited early; log:\n{}",
                    std::fs::read_to_string(&self.log_path).unwrap_or_default()
                )
            });
        let url = line.rsplit(' ').next().unwrap().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "unexpected first line {line:?}"
        );
        self.base = url;
        self.child = Some(child);
        if let Some(k) = &self.kube {
            k.set_base(&self.base);
            self.wait_ready().await;
            k.sync();
        }
    }

    /// Polls `/readyz` until the server has loaded its objects (at most 60 s).
    async fn wait_ready(&self) {
        for _ in 0..1200 {
            if let Ok(r) = self
                .client
                .get(format!("{}/readyz", self.base))
                .send()
                .await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server never became ready; log:\n{}", self.log());
    }

    /// The token to send for `token`: itself, or with the Kubernetes backend the real token
    /// of the ServiceAccount whose manifest declared it.
    pub fn token(&self, token: &str) -> String {
        match &self.kube {
            Some(k) => k.token(token),
            None => token.to_string(),
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub async fn terminate(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("not running");
        self.sigterm_child(&child);
        tokio::time::timeout(Duration::from_secs(120), child.wait())
            .await
            .expect("no exit after SIGTERM")
            .unwrap()
    }

    /// Sends SIGTERM without waiting; returns the child so the caller can wait.
    pub fn sigterm(&mut self) -> Child {
        let child = self.child.take().expect("not running");
        self.sigterm_child(&child);
        child
    }

    fn sigterm_child(&self, child: &Child) {
        let pid = child.id().expect("no pid");
        let status = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Stops (SIGTERM) and starts again on the same folders.
    pub async fn restart(&mut self) {
        let status = self.terminate().await;
        assert!(status.success(), "exit status {status:?}");
        self.start().await;
    }

    /// Starts again after [`TestApp::sigterm`] and a wait.
    pub async fn restart_stopped(&mut self) {
        assert!(self.child.is_none(), "still running");
        self.start().await;
    }

    /// The server log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Writes (or replaces) a manifest file atomically.
    pub fn write_manifest(&self, name: &str, content: &str) {
        if let Some(k) = &self.kube {
            return k.write(name, content);
        }
        let tmp = self.manifests_dir.path().join(format!(".{name}.tmp"));
        std::fs::write(&tmp, content).unwrap();
        std::fs::rename(&tmp, self.manifests_dir.path().join(name)).unwrap();
    }

    /// Number of completed manifest loads so far.
    pub fn loads(&self) -> usize {
        self.log().matches("manifests loaded").count()
    }

    /// Runs `change`, then waits for the next manifest load and returns its log line.
    pub async fn reload_after(&self, change: impl FnOnce()) -> String {
        let before = self.loads();
        change();
        for _ in 0..600 {
            let log = self.log();
            if log.matches("manifests loaded").count() > before {
                return log
                    .lines()
                    .rfind(|l| l.contains("manifests loaded"))
                    .unwrap()
                    .to_string();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no reload happened:\n{}", self.log());
    }

    /// Removes a manifest file.
    pub fn remove_manifest(&self, name: &str) {
        if let Some(k) = &self.kube {
            return k.remove(name);
        }
        std::fs::remove_file(self.manifests_dir.path().join(name)).unwrap();
    }

    /// POSTs an event.
    pub async fn post_event(
        &self,
        ns: &str,
        disc: &str,
        body: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}/api/v1/events/{ns}/{disc}", self.base))
            .body(body.to_string());
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {}", self.token(t)));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }

    /// GET with the example token; returns status and JSON body.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {}", self.token(t)));
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The workflows of a namespace (as the server itself sees them, token `EXAMPLE_TOKEN`
    /// unless `token` is given).
    pub async fn workflows_as(&self, ns: &str, token: &str) -> Vec<Value> {
        let (status, body) = self
            .get(&format!("/api/v1/workflows/{ns}"), Some(token))
            .await;
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// The workflows of a namespace, read with the example token.
    pub async fn workflows(&self, ns: &str) -> Vec<Value> {
        self.workflows_as(ns, EXAMPLE_TOKEN).await
    }

    /// Polls until `ns` holds at least `n` workflows (at most 30 s), then returns them.
    pub async fn wait_for_workflows(&self, ns: &str, n: usize) -> Vec<Value> {
        self.wait_for_workflows_as(ns, n, EXAMPLE_TOKEN).await
    }

    /// Same with another token.
    pub async fn wait_for_workflows_as(&self, ns: &str, n: usize, token: &str) -> Vec<Value> {
        for _ in 0..600 {
            let items = self.workflows_as(ns, token).await;
            if items.len() >= n {
                return items;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let items = self.workflows_as(ns, token).await;
        panic!(
            "expected {n} workflows in {ns}, found {}: {items:?}\nlog:\n{}",
            items.len(),
            self.log()
        );
    }

    /// The recorded binding errors of a namespace.
    pub async fn binding_errors(&self, ns: &str) -> Vec<Value> {
        let (status, body) = self
            .get(&format!("/api/v1/binding-errors/{ns}"), Some(EXAMPLE_TOKEN))
            .await;
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// Polls until the log contains `needle` (at most 30 s).
    pub async fn wait_for_log(&self, needle: &str) -> String {
        for _ in 0..600 {
            let log = self.log();
            if log.contains(needle) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("log never contained {needle:?}:\n{}", self.log());
    }
}

/// A label of a workflow JSON object.
pub fn label<'a>(wf: &'a Value, key: &str) -> Option<&'a str> {
    wf["metadata"]["labels"][key].as_str()
}

/// The parameters of a workflow as (name, value) pairs.
pub fn params(wf: &Value) -> Vec<(String, String)> {
    wf["spec"]["arguments"]["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or_default().to_string(),
                        p["value"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A ServiceAccount, its token Secret, and a Role + RoleBinding with the example's verbs,
/// all in `ns`.
pub fn service_account(ns: &str, sa: &str, token: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: ServiceAccount
metadata: {{name: {sa}, namespace: {ns}}}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: {sa}.service-account-token
  namespace: {ns}
  annotations: {{kubernetes.io/service-account.name: {sa}}}
stringData: {{token: {token}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: {sa}-role, namespace: {ns}}}
rules:
- apiGroups: [argoproj.io]
  resources: [workfloweventbindings, workflowtemplates]
  verbs: [get, list]
- apiGroups: [argoproj.io]
  resources: [workflows]
  verbs: [create, get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: {sa}-binding, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: {sa}-role}}
subjects:
- {{kind: ServiceAccount, name: {sa}, namespace: {ns}}}
"#
    )
}

/// A WorkflowTemplate.
pub fn template(ns: &str, name: &str) -> String {
    format!(
        r#"apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {{name: {name}, namespace: {ns}}}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {{image: busybox, command: [echo]}}
"#
    )
}

/// A binding with a selector and one parameter `p` (both expression sources).
pub fn binding(
    ns: &str,
    name: &str,
    selector: &str,
    template: &str,
    cluster: bool,
    param: &str,
) -> String {
    format!(
        r#"apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata: {{name: {name}, namespace: {ns}}}
spec:
  event:
    selector: {selector}
  submit:
    workflowTemplateRef: {{name: {template}, clusterScope: {cluster}}}
    arguments:
      parameters:
      - name: p
        valueFrom:
          event: {param}
"#,
        selector = serde_json::to_string(selector).unwrap(),
        param = serde_json::to_string(param).unwrap(),
    )
}
