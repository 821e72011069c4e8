//! The real API server every test in this binary shares.
//!
//! The first test to call [`cluster`] starts kube-apiserver v1.20.2 and etcd on random
//! loopback ports with `scripts/kube-local/up.sh` (the binaries `scripts/kube-local/install.sh`
//! builds; set `PREFIX` or `KUBE_LOCAL_BIN` to use others), applies every manifest of
//! `deploy/` with `scripts/kube-local/apply-deploy.sh`, and gets a token for the server's
//! service account (`flowgate/flowgate`) from the TokenRequest API. If any step fails the
//! test panics with the script's output: these tests never skip.
//!
//! A watchdog process (its own process group) waits for this test process to exit, however
//! it exits, then runs `down.sh`, which stops both servers and removes the state folder.
//!
//! Tests that create Argo objects or run a server take [`exclusive`] first: the scenario
//! servers watch every namespace, so they must not see another test's bindings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{ObjectMeta, PostParams};
use kube::{Api, Client};
use serde_json::Value;

/// What `up.sh` wrote, plus the server's token.
pub struct Cluster {
    pub dir: PathBuf,
    pub server: String,
    pub kubectl: PathBuf,
    pub audit_log: PathBuf,
    pub admin_kubeconfig: PathBuf,
    /// Static token of user `admin` (group `system:masters`).
    pub admin_token: String,
    /// Static token of user `wfeb-controller` (group `wfeb-controllers`), no roles.
    pub wfeb_token: String,
    /// Static token of user `nobody`, no roles.
    pub nobody_token: String,
    /// kubeconfig of service account `flowgate/flowgate` (what deploy/ runs the server as).
    pub server_kubeconfig: PathBuf,
    /// Output of apply-deploy.sh.
    pub deploy_output: String,
    /// How long starting and applying deploy/ took.
    pub startup: Duration,
}

/// The user name of the server's service account.
pub const SERVER_USER: &str = "system:serviceaccount:flowgate:flowgate";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    text
}

fn read_env(file: &Path) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs `down.sh DIR` once this process has exited.
// The watchdog outlives this process by design, so it is never waited for.
#[allow(clippy::zombie_processes)]
fn spawn_watchdog(dir: &Path) {
    use std::os::unix::process::CommandExt;
    let down = repo().join("scripts/kube-local/down.sh");
    Command::new("bash")
        .arg("-c")
        .arg(r#"while kill -0 "$0" 2>/dev/null; do sleep 0.5; done; exec bash "$1" "$2""#)
        .arg(std::process::id().to_string())
        .arg(down)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("cannot start the kube-local watchdog");
}

fn start() -> Cluster {
    let begin = Instant::now();
    let dir = std::env::temp_dir().join(format!("flowgate-kube-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    spawn_watchdog(&dir);
    let scripts = repo().join("scripts/kube-local");
    let up = run(
        Command::new("bash").arg(scripts.join("up.sh")).arg(&dir),
        "scripts/kube-local/up.sh (run scripts/kube-local/install.sh first)",
    );
    eprintln!("{}", up.trim());
    let env_file = dir.join("env");
    let env = read_env(&env_file);
    let get = |k: &str| {
        env.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("{k} missing from {}", env_file.display()))
    };
    let deploy_output = run(
        Command::new("bash")
            .arg(scripts.join("apply-deploy.sh"))
            .arg(&env_file),
        "scripts/kube-local/apply-deploy.sh",
    );
    let server = get("KUBE_LOCAL_SERVER");
    let ca = get("KUBE_LOCAL_CA");
    let admin_kubeconfig = PathBuf::from(get("KUBE_LOCAL_KUBECONFIG"));
    let token = in_runtime(service_account_token(
        admin_kubeconfig.clone(),
        "flowgate",
        "flowgate",
    ));
    let server_kubeconfig = dir.join("kubeconfig-flowgate");
    write_kubeconfig(&server_kubeconfig, &server, &ca, "flowgate", &token);
    Cluster {
        dir,
        server,
        kubectl: PathBuf::from(get("KUBE_LOCAL_KUBECTL")),
        audit_log: PathBuf::from(get("KUBE_LOCAL_AUDIT_LOG")),
        admin_kubeconfig,
        admin_token: get("KUBE_LOCAL_ADMIN_TOKEN"),
        wfeb_token: get("KUBE_LOCAL_WFEB_TOKEN"),
        nobody_token: get("KUBE_LOCAL_NOBODY_TOKEN"),
        server_kubeconfig,
        deploy_output,
        startup: begin.elapsed(),
    }
}

/// The shared API server (started on first use).
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLOWGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
    CLUSTER.get_or_init(start)
}

/// Waits until no other test holds the API server (see the module doc).
pub async fn exclusive() -> tokio::sync::OwnedMutexGuard<()> {
    static LOCK: OnceLock<std::sync::Arc<tokio::sync::Mutex<()>>> = OnceLock::new();
    LOCK.get_or_init(Default::default)
        .clone()
        .lock_owned()
        .await
}

/// Runs a future to completion on a private runtime (for setup outside any test runtime).
pub fn in_runtime<T: Send + 'static>(f: impl Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    })
    .join()
    .expect("setup thread panicked")
}

pub fn write_kubeconfig(path: &Path, server: &str, ca: &str, user: &str, token: &str) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster: {{server: \"{server}\", certificate-authority: \"{ca}\"}}\ncontexts:\n- name: {user}\n  context: {{cluster: local, user: {user}}}\ncurrent-context: {user}\nusers:\n- name: {user}\n  user: {{token: \"{token}\"}}\n"
    );
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// A token for service account `namespace/name`, from the TokenRequest API (1 h).
pub async fn service_account_token(
    admin_kubeconfig: PathBuf,
    namespace: &str,
    name: &str,
) -> String {
    let admin = flowgate::store::kubernetes::connect(Some(&admin_kubeconfig))
        .await
        .expect("admin client");
    sa_token(&admin, namespace, name).await
}

/// A token for service account `namespace/name` (created if missing).
pub async fn sa_token(admin: &Client, namespace: &str, name: &str) -> String {
    let sas: Api<ServiceAccount> = Api::namespaced(admin.clone(), namespace);
    if sas.get_opt(name).await.unwrap().is_none() {
        let sa = ServiceAccount {
            metadata: ObjectMeta {
                name: Some(name.to_string()),
                ..ObjectMeta::default()
            },
            ..ServiceAccount::default()
        };
        sas.create(&PostParams::default(), &sa).await.unwrap();
    }
    let req = TokenRequest {
        spec: TokenRequestSpec {
            audiences: vec!["https://kubernetes.default.svc.cluster.local".into()],
            expiration_seconds: Some(3600),
            ..TokenRequestSpec::default()
        },
        ..TokenRequest::default()
    };
    let answer = sas
        .create_token_request(name, &PostParams::default(), &req)
        .await
        .expect("TokenRequest");
    answer.status.expect("token status").token
}

impl Cluster {
    /// An admin client (group `system:masters`).
    pub async fn admin(&self) -> Client {
        flowgate::store::kubernetes::connect(Some(&self.admin_kubeconfig))
            .await
            .expect("admin client")
    }

    /// A client acting as the server's service account.
    pub async fn server_client(&self) -> Client {
        flowgate::store::kubernetes::connect(Some(&self.server_kubeconfig))
            .await
            .expect("server client")
    }

    /// A client for a new service account `flowgate/<name>` bound to the server's ClusterRole
    /// (the same permissions as the server, under a user name of its own, so a test can count
    /// its requests in the audit log while other tests run). Returns the client and user name.
    pub async fn server_like_client(&self, name: &str) -> (Client, String) {
        self.apply(&format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: flowgate-{name}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flowgate}}\nsubjects:\n- {{kind: ServiceAccount, name: {name}, namespace: flowgate}}\n"
        ));
        let token = sa_token(&self.admin().await, "flowgate", name).await;
        let client = self.client_with_token(name, &token).await;
        (client, format!("system:serviceaccount:flowgate:{name}"))
    }

    /// A client with another token.
    pub async fn client_with_token(&self, user: &str, token: &str) -> Client {
        let path = self.dir.join(format!("kubeconfig-test-{user}"));
        write_kubeconfig(
            &path,
            &self.server,
            &self.dir.join("certs/apiserver.crt").display().to_string(),
            user,
            token,
        );
        flowgate::store::kubernetes::connect(Some(&path))
            .await
            .expect("client")
    }

    /// `kubectl apply -f -` of `yaml` as admin.
    pub fn apply(&self, yaml: &str) -> String {
        self.kubectl_stdin(&["apply", "-f", "-"], yaml)
    }

    /// `kubectl delete -f -` of `yaml` as admin.
    pub fn delete(&self, yaml: &str) -> String {
        self.kubectl_stdin(&["delete", "--wait=false", "-f", "-"], yaml)
    }

    /// Runs kubectl as admin with `stdin`, panicking on failure.
    pub fn kubectl_stdin(&self, args: &[&str], stdin: &str) -> String {
        use std::io::Write;
        let mut child = Command::new(&self.kubectl)
            .arg("--kubeconfig")
            .arg(&self.admin_kubeconfig)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "kubectl {args:?} failed:\n{text}");
        text
    }

    /// Runs kubectl as admin, panicking on failure.
    pub fn kubectl(&self, args: &[&str]) -> String {
        self.kubectl_stdin(args, "")
    }

    /// The audit log's current length, for [`Cluster::audit_since`].
    pub fn audit_mark(&self) -> u64 {
        std::fs::metadata(&self.audit_log).map_or(0, |m| m.len())
    }

    /// Every completed request logged after `mark`, once the log shows a marker request sent
    /// now (so every request answered before this call is in the log).
    pub async fn audit_since(&self, mark: u64) -> Vec<Audit> {
        let marker = format!("audit-marker-{}", uuid_like());
        let admin = self.admin().await;
        let namespaces: Api<Namespace> = Api::all(admin);
        let _ = namespaces.get_opt(&marker).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let entries = self.read_audit(mark);
            if entries.iter().any(|e| e.uri.contains(&marker)) {
                return entries;
            }
            assert!(
                Instant::now() < deadline,
                "the audit log never showed {marker}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn read_audit(&self, mark: u64) -> Vec<Audit> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = std::fs::File::open(&self.audit_log).unwrap();
        f.seek(SeekFrom::Start(mark)).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        text.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["stage"] == "ResponseComplete")
            .map(|v| Audit {
                user: v["user"]["username"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                verb: v["verb"].as_str().unwrap_or_default().to_string(),
                resource: v["objectRef"]["resource"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                namespace: v["objectRef"]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                uri: v["requestURI"].as_str().unwrap_or_default().to_string(),
                code: v["responseStatus"]["code"].as_u64().unwrap_or_default(),
            })
            .collect()
    }
}

/// One audited request.
#[derive(Debug, Clone)]
pub struct Audit {
    pub user: String,
    pub verb: String,
    pub resource: String,
    pub namespace: String,
    pub uri: String,
    pub code: u64,
}

impl Audit {
    /// A read: `get` or `list` (a `watch` is a long-running stream, not a per-event read).
    pub fn is_read(&self) -> bool {
        self.verb == "get" || self.verb == "list"
    }
}

/// A short random lower-case string for unique names.
pub fn uuid_like() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_string()
}

/// Creates a fresh namespace named `prefix-<random>` and returns its name.
pub async fn namespace(admin: &Client, prefix: &str) -> String {
    let name = format!("{prefix}-{}", uuid_like());
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    Api::<Namespace>::all(admin.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    name
}

/// Polls `check` every 50 ms until it holds (at most `secs`), panicking with `what` after.
pub async fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
