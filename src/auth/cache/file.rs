//! The cache's files on disk: a private folder, no symbolic links followed, a lock file
//! beside the cache, and atomic writes through a new file of a random name.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Entry, VERSION, migrate};

/// Runs file work off the runtime's thread.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("token cache: {e}"))
}

/// Makes sure the folder is private, that the cache path is not a link, and opens (or
/// creates) the lock file beside it.
pub(super) fn open_lock(path: &Path) -> Result<(File, PathBuf), String> {
    let dir = folder(path);
    create_private_dir(dir).map_err(|e| {
        format!(
            "cannot create the token cache folder {}: {e}",
            dir.display()
        )
    })?;
    check_private_dir(dir)?;
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => {
            return Err(format!(
                "the token cache {} is not a regular file (a symbolic link is never followed)",
                path.display()
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(format!(
                "cannot read the token cache {}: {e}",
                path.display()
            ));
        }
    }
    let mut lock_name = path.as_os_str().to_owned();
    lock_name.push(".lock");
    let lock_path = PathBuf::from(lock_name);
    let file = private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    Ok((file, lock_path))
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Others must not be able to plant or replace files in the cache folder.
#[cfg(unix)]
fn check_private_dir(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir)
        .map_err(|e| format!("cannot read the token cache folder {}: {e}", dir.display()))?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(format!(
            "the token cache folder {} belongs to another user (uid {}, not {me})",
            dir.display(),
            meta.uid()
        ));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(format!(
            "the token cache folder {} can be written by other users (mode {mode:o}); make it private with `chmod 700 {}`",
            dir.display(),
            dir.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private_dir(_dir: &Path) -> Result<(), String> {
    Ok(())
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// The entries of the file, or an error when a newer runner wrote it (it must then stay
/// as it is). A file that cannot be read as a cache is a warning and counts as empty: the
/// next write rebuilds it.
pub(super) fn read(path: &Path) -> Result<(Vec<Entry>, Option<String>), String> {
    let text = match private_options()
        .read(true)
        .open(path)
        .and_then(std::io::read_to_string)
    {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), None)),
        Err(e) => {
            return Err(format!(
                "cannot read the token cache {}: {e}",
                path.display()
            ));
        }
    };
    let value = match serde_json::from_str::<Value>(&text) {
        Ok(v) => v,
        Err(e) => {
            return Ok((
                Vec::new(),
                Some(ignored(path, &format!("it is not valid JSON ({e})"))),
            ));
        }
    };
    if let Some(v) = value
        .get("version")
        .and_then(Value::as_u64)
        .filter(|v| *v > VERSION)
    {
        return Err(format!(
            "the token cache {} has format version {v}, written by a newer runner (this one reads up to {VERSION}); it is left untouched",
            path.display()
        ));
    }
    Ok(match migrate(value) {
        Ok(entries) => (entries, None),
        Err(why) => (Vec::new(), Some(ignored(path, &why))),
    })
}

fn ignored(path: &Path, why: &str) -> String {
    format!(
        "the token cache {} was ignored: {why}; it will be rebuilt",
        path.display()
    )
}

/// Writes `bytes` to `path` atomically: into a new file of a random name in the same
/// folder, created exclusively with mode 0600 (never through a link), then renamed over
/// `path` (which replaces a link there rather than following it).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".runner-")
        .suffix(".tmp")
        .tempfile_in(folder(path))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
