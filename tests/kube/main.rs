//! Integration tests of the Kubernetes backend against a real kube-apiserver (v1.20.2, built
//! from Debian's source package by `scripts/kube-local/install.sh`), started once for this
//! binary on random loopback ports (see `cluster`). Each test works in its own namespace.
//! These tests fail, never skip, when the API server cannot start.

mod cluster;

mod auth;
mod deploy;
mod store;
mod watch;
