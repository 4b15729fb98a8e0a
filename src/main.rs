use clap::Parser;
use color_eyre::eyre::Result;
use docket::cli::{self, Cli, Command, SandboxCommand};
use tracing_subscriber::EnvFilter;

fn main() -> Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    // The sandbox logs to stderr; stdout carries only the lines scripts read.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("DOCKET_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match cli.command {
            Some(Command::Sandbox {
                command: SandboxCommand::Serve(args),
            }) => cli::serve(&args, false).await,
            // Until the console lands, `docket` alone opens the sandbox it will run against.
            None => cli::serve(&cli::ServeArgs::default(), true).await,
        }
    })
}
