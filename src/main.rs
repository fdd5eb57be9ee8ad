use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let args = runner::cli::Args::parse();
    let status = runner::run(args).await;
    ExitCode::from(status as u8)
}
