//! The `flowgate` binary: parses the command line and hands over to the library.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use flowgate::app::Application;
use flowgate::config::{ServeArgs, Settings};

/// mimalloc instead of the system allocator: an event's JSON tree is hundreds of small
/// allocations built on one thread and freed on another, where glibc's malloc spent about a
/// fifth of the server's CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "flowgate", version, about = "Webhooks in, Argo Workflows out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: the Argo events endpoint and the read API.
    Serve(ServeArgs),
    /// Evaluate an expr-lang expression the way Argo does (selector, param, metadata or raw expr).
    Expr(flowgate::expr::cli::ExprArgs),
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLOWGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
}

fn serve(args: ServeArgs, matches: Option<&clap::ArgMatches>) -> anyhow::Result<ExitCode> {
    let settings = Settings::from_layers(args, matches)?;
    init_logging();
    let system = actix_rt::System::new();
    system.block_on(async move {
        let app = Application::build(settings).await.context("cannot start")?;
        // The first stdout line tells scripts (and tests) where the server listens.
        let mut out = std::io::stdout().lock();
        writeln!(out, "flowgate listening on http://{}", app.addr())?;
        out.flush()?;
        drop(out);
        tracing::info!(addr = %app.addr(), "listening");
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn main() -> anyhow::Result<ExitCode> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Serve(args) => serve(args, matches.subcommand_matches("serve")),
        Command::Expr(args) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            Ok(flowgate::expr::cli::run(&args, &mut out)?)
        }
    }
}
