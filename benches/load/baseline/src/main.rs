//! The HTTP ceiling for the load harness: a minimal actix-web server that reads the request
//! body and answers `200 {}`, nothing else.
//!
//! Takes `--listen ADDR` (default `127.0.0.1:0`) and `--http-workers N` (default: one per CPU
//! core, as `flowgate serve`); prints `baseline listening on http://ADDR` as its first stdout
//! line, then serves until SIGTERM or SIGINT. Same actix-web version, worker count, body limit
//! (2 MiB) and keep-alive defaults as flowgate's server, so the ratio of the two in one run
//! is what flowgate's own work costs. Run: `cargo run --release -p flowgate-baseline`.

use std::io::Write;

use actix_web::{App, HttpResponse, HttpServer, web};

async fn receive(body: web::Bytes) -> HttpResponse {
    std::hint::black_box(body.len());
    HttpResponse::Ok()
        .content_type("application/json")
        .body("{}")
}

fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            let prefix = format!("{flag}=");
            args.iter()
                .find_map(|a| a.strip_prefix(&prefix).map(str::to_string))
        })
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let listen = arg(&args, "--listen").unwrap_or_else(|| "127.0.0.1:0".to_string());
    let workers =
        match arg(&args, "--http-workers") {
            Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                std::io::Error::other(format!("--http-workers {n:?}: not a count"))
            })?,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
    let listener = std::net::TcpListener::bind(&listen)?;
    let addr = listener.local_addr()?;
    actix_rt::System::new().block_on(async move {
        let server = HttpServer::new(|| {
            App::new()
                .app_data(web::PayloadConfig::new(2 * 1024 * 1024))
                .route("/api/v1/events/{ns}/{disc}", web::post().to(receive))
                .route("/api/v1/events/{ns}/", web::post().to(receive))
        })
        .workers(workers)
        .shutdown_timeout(5)
        .listen(listener)?
        .run();
        let mut out = std::io::stdout().lock();
        writeln!(out, "baseline listening on http://{addr}")?;
        out.flush()?;
        drop(out);
        server.await
    })
}
