//! Workflows and binding errors survive a restart.

use crate::helpers::*;

#[tokio::test]
async fn workflows_and_errors_survive_restart() {
    let mut app = spawn_app(Options::default().sync().no_examples()).await;
    // No selector: Argo's `unexpected token EOF` for every event.
    let malformed = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {name: broken, namespace: p}\nspec: {}\n";
    app.reload_after(|| {
        app.write_manifest(
            "p.yaml",
            &[
                service_account("p", "sa", "tok"),
                template("p", "t"),
                binding("p", "b", "true", "t", false, r#""v""#),
                malformed.to_string(),
            ]
            .join("---\n"),
        )
    })
    .await;
    assert_eq!(
        app.post_event("p", "", "{}", Some("tok"), &[])
            .await
            .status(),
        500
    );
    assert_eq!(
        app.post_event("p", "", "{}", Some("tok"), &[])
            .await
            .status(),
        500
    );
    let mut before: Vec<String> = app
        .workflows_as("p", "tok")
        .await
        .iter()
        .map(|w| w["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    before.sort();
    assert_eq!(before.len(), 2);

    app.restart().await;

    let mut after: Vec<String> = app
        .workflows_as("p", "tok")
        .await
        .iter()
        .map(|w| w["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    after.sort();
    assert_eq!(after, before);
    let (status, errors) = app.get("/api/v1/binding-errors/p", Some("tok")).await;
    assert_eq!(status, 200);
    let errors = errors["items"].as_array().unwrap();
    // Kubernetes folds a repeated Warning into one Event with a count.
    let expected = match Backend::of_this_binary() {
        Backend::Embedded => 2,
        Backend::Kubernetes => 1,
    };
    assert_eq!(errors.len(), expected, "{errors:?}");
    assert!(errors.iter().all(|e| e["binding"] == "broken"));
}
