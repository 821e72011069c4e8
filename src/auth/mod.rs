//! Authentication and authorization: who sent a request, and what it may do.
//!
//! - [`webhook`]: provider webhook signatures (GitHub, GitLab, Bitbucket, Bitbucket
//!   Server, generic HMAC, Standard Webhooks) mapped to a ServiceAccount.
pub mod webhook;
