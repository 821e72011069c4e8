//! Integration tests: each test spawns `flowgate serve` on port 0 with its own data and
//! manifest folders (see `helpers`), then talks to it over HTTP like a client would.

mod helpers;

mod auth;
mod bindings;
mod example;
mod persistence;
mod queue;
mod reload;
mod shutdown;
mod status;
mod sync_mode;
mod webhooks;
