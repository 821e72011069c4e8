//! Tests of the webhook checks: Argo's interceptor vectors (spec §13 cases 14–17 and
//! the e2e GitHub case 19), then each provider's good, wrong-secret, missing-header and
//! garbage-header cases, configuration errors, ordering and delivery ids.
//!
//! Expected signatures are fixed vectors computed independently of this crate (Argo's
//! test file, GitHub's documentation example, the Standard Webhooks reference vector,
//! and values computed with Python's `hmac` module), never with the code under test.

mod argo_cases;
mod bitbucket;
mod bitbucketserver;
mod clients;
mod delivery;
mod github;
mod gitlab;
mod hmac;
mod standard;
mod support;
mod verify;
