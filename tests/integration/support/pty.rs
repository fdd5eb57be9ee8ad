//! A real pseudo-terminal: the binary gets its slave side as stdin, stdout, stderr and
//! controlling terminal; the test reads what it prints and types on the master side.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use regex::Regex;

/// A process running on a pseudo-terminal; killed when dropped.
pub struct Pty {
    master: File,
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
}

fn close_on_exec(fd: &impl AsRawFd) {
    // SAFETY: fcntl on a descriptor this process owns.
    let rc = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    assert_eq!(rc, 0, "fcntl: {}", std::io::Error::last_os_error());
}

impl Pty {
    /// Starts `cmd` on a new 200-column pseudo-terminal, in its own session.
    pub fn spawn(mut cmd: Command) -> Pty {
        let mut master: libc::c_int = -1;
        let mut slave: libc::c_int = -1;
        let size = libc::winsize {
            ws_row: 50,
            ws_col: 200,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors; the name and termios pointers may be null.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned by nothing else.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        close_on_exec(&master);
        close_on_exec(&slave);
        cmd.stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn on the pty");
        // The parent's copies of the slave go with `cmd`.
        drop(cmd);
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().expect("dup master");
        let sink = Arc::clone(&output);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once the child and its slave are gone.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("output").extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            master,
            child,
            output,
            reader,
        }
    }

    /// Everything printed so far, with the terminal's `\r` removed.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("output")).replace('\r', "")
    }

    /// Waits until the output matches `pattern`; returns its first group (or the match).
    #[track_caller]
    pub fn expect(&self, pattern: &str, timeout: Duration) -> String {
        let re = Regex::new(pattern).expect("pattern");
        let start = Instant::now();
        loop {
            let text = self.output();
            if let Some(c) = re.captures(&text) {
                return c.get(1).or(c.get(0)).expect("match").as_str().to_string();
            }
            assert!(
                start.elapsed() < timeout,
                "no match for {pattern:?} within {timeout:?}; output:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` and Enter.
    pub fn type_line(&mut self, text: &str) {
        self.master
            .write_all(format!("{text}\r").as_bytes())
            .expect("type on the pty");
        self.master.flush().expect("flush the pty");
    }

    /// Waits for the exit; returns the exit code and the time waited.
    #[track_caller]
    pub fn wait(&mut self, timeout: Duration) -> (i32, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let waited = start.elapsed();
                // The reader takes the last bytes until the terminal reports the child gone.
                let drained = Instant::now();
                while !self.reader.is_finished() && drained.elapsed() < Duration::from_secs(5) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return (status.code().unwrap_or(-1), waited);
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!(
                    "still running after {timeout:?}; output:\n{}",
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
