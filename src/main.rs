//! The `flowgate` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "flowgate", version, about = "Webhooks in, Argo Workflows out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate an expr-lang expression the way Argo does (selector, param, metadata or raw expr).
    Expr(flowgate::expr::cli::ExprArgs),
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Expr(args) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            Ok(flowgate::expr::cli::run(&args, &mut out)?)
        }
    }
}
