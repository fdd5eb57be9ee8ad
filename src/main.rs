// Nothing a user, a file or a server controls may panic the tool: outside its unit tests, the
// code reports a failure as an error with a message, never with `unwrap`, `expect` or `panic!`
// (clippy fails the build on one).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented,
        clippy::unreachable
    )
)]

use std::process::ExitCode;

use clap::Parser;

// One thread: the work is network-bound, and with the connection's task on the same thread
// a response needs no hand-off between threads, and a kept-alive connection is back in the
// pool before the next request looks for one (no stray second connection).
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = runner::cli::Args::parse();
    let status = runner::run(args).await;
    ExitCode::from(status as u8)
}
