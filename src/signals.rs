//! The signals that stop a run: Ctrl-C (SIGINT), SIGTERM and SIGHUP. Each is handled the
//! same way (finished iterations reported, marked interrupted) and gives exit 128 + its
//! number.

/// Hangup (a closed terminal).
pub const SIGHUP: i32 = 1;
/// Interrupt (Ctrl-C).
pub const SIGINT: i32 = 2;
/// Termination request (`timeout`, CI cancellation).
pub const SIGTERM: i32 = 15;

/// Waits for Ctrl-C (SIGINT), SIGTERM (`timeout`, CI cancellation) or SIGHUP (a closed
/// terminal) and returns its number. The handlers are installed when this is first polled
/// and stay for the rest of the process, so a later signal cannot cut the reports short.
pub async fn stop_signal() -> i32 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        async fn next(s: Option<&mut Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        let mut term = signal(SignalKind::terminate()).ok();
        let mut hup = signal(SignalKind::hangup()).ok();
        tokio::select! {
            Ok(()) = tokio::signal::ctrl_c() => SIGINT,
            _ = next(term.as_mut()) => SIGTERM,
            _ = next(hup.as_mut()) => SIGHUP,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        SIGINT
    }
}
