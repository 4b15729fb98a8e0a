use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use color_eyre::eyre::Result;
use docket::cli::{self, Cli, Command, ConsoleArgs, SandboxCommand};
use docket::script::Script;
use tracing_subscriber::EnvFilter;

/// Runs a scriptable command and exits with its code. Stdout carries only results and stderr
/// only errors: logs go to the same file as the console's.
fn script(runtime: &tokio::runtime::Runtime, args: &ConsoleArgs, command: Script) -> ! {
    let code = {
        let _log = cli::log_to_file(
            EnvFilter::try_from_env("DOCKET_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        );
        runtime.block_on(docket::script::run(args, command))
    };
    std::process::exit(code)
}

/// Whether stderr may carry colours: a terminal, and no `NO_COLOR`.
fn stderr_colors() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn main() -> ExitCode {
    // Reports with locations and backtraces are for bugs; they are coloured only on a terminal.
    let theme = if stderr_colors() {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    if let Err(e) = color_eyre::config::HookBuilder::default()
        .theme(theme)
        .install()
    {
        eprintln!("docket: cannot install the error reporter: {e}");
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            if cli::is_user_error(&report) {
                // A mistake the user can fix: what, where and what to do, plainly.
                eprint!("{}", cli::render_user_error(&report));
            } else {
                eprintln!("Error: {report:?}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let cli = Cli::parse();
    let filter =
        || EnvFilter::try_from_env("DOCKET_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Some(Command::Sandbox {
            command: SandboxCommand::Serve(args),
        }) => {
            // The sandbox logs to stderr; stdout carries only the lines scripts read.
            tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .init();
            runtime.block_on(cli::serve(&args))
        }
        Some(Command::Config { command }) => cli::config_command(&cli.console, &command),
        Some(Command::AuditLog { all, limit }) => cli::audit_log(&cli.console, all, limit),
        Some(Command::Cases { command }) => script(&runtime, &cli.console, Script::Cases(command)),
        Some(Command::Alerts { command }) => {
            script(&runtime, &cli.console, Script::Alerts(command))
        }
        Some(Command::Risk { command }) => script(&runtime, &cli.console, Script::Risk(command)),
        Some(Command::Doctor) => {
            let env = |k: &str| std::env::var(k).ok();
            let findings = runtime.block_on(docket::doctor::check(&cli.console, &env));
            print!("{}", docket::doctor::render(&findings));
            let failed = findings
                .iter()
                .any(|f| f.level == docket::doctor::Level::Fail);
            std::process::exit(i32::from(failed));
        }
        None => {
            // The console owns the screen: logs go to a file, never to the terminal.
            let _log = cli::log_to_file(filter());
            docket::tui::install_panic_hook();
            runtime.block_on(cli::console(&cli.console))
        }
    }
}
