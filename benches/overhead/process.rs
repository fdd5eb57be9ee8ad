//! Running the `runner` binary once: wall time, exit code and peak RSS from `wait4`.
//!
//! The child is killed (by its PID, and only while it is still unreaped) if it runs past a
//! time limit, so a hung run cannot keep the benchmark alive.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// No single run of the binary may take longer than this.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// What one run of the binary measured.
#[derive(Debug, Clone)]
pub struct Run {
    /// From spawning to exit.
    pub wall: Duration,
    /// Peak resident set size in bytes (`ru_maxrss`).
    pub max_rss: u64,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `runner ARGS...` in `dir` with stdout and stderr going to files (no terminal,
/// so no progress bar and no colour), and waits for it.
pub fn run(runner: &Path, dir: &Path, args: &[String]) -> Result<Run, String> {
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let child = Command::new(runner)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", runner.display()))?;
    let pid = child.id() as libc::pid_t;
    let exited = Arc::new((Mutex::new(false), Condvar::new()));
    let watchdog = {
        let exited = Arc::clone(&exited);
        std::thread::spawn(move || {
            let (lock, cv) = &*exited;
            let guard = lock.lock().expect("watchdog lock");
            let (guard, _) = cv
                .wait_timeout_while(guard, TIME_LIMIT, |done| !*done)
                .expect("watchdog wait");
            if !*guard {
                // Still unreaped (the waiter takes this lock before reaping): the PID is ours.
                // SAFETY: kill(2) with a PID this process spawned and has not reaped.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                return true;
            }
            false
        })
    };
    // Wait for the exit without reaping, so the watchdog can never hit a reused PID.
    // SAFETY: waitid(2) with a zeroed siginfo_t that it fills in.
    let waited = unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        )
    };
    let wall = start.elapsed();
    {
        let (lock, cv) = &*exited;
        *lock.lock().map_err(|_| "watchdog lock poisoned")? = true;
        cv.notify_one();
        let mut status = 0;
        // SAFETY: rusage is plain data that wait4(2) fills in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: reaps the child spawned above, exactly once.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited != 0 || reaped != pid {
            return Err(format!(
                "waiting for runner failed: {}",
                std::io::Error::last_os_error()
            ));
        }
        drop(child);
        let killed = watchdog.join().unwrap_or(false);
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        if killed {
            return Err(format!("runner did not finish within {TIME_LIMIT:?}"));
        }
        if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
            return Err(format!(
                "runner exited with status {} (raw {status})\n--- stdout (tail)\n{}\n--- stderr\n{stderr}",
                libc::WEXITSTATUS(status),
                tail(&stdout, 20),
            ));
        }
        Ok(Run {
            wall,
            // Linux reports kilobytes.
            max_rss: usage.ru_maxrss as u64 * 1024,
            stdout,
            stderr,
        })
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
