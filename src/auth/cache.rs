//! The token cache: one JSON file (mode 0600) of tokens keyed by token URL, client id,
//! scope and grant. Every read-modify-write happens under an exclusive lock on a sibling
//! `.lock` file, and the file is replaced atomically (a new file of a random name, then a
//! rename), so two runs refreshing at once neither corrupt it nor lose a rotated refresh
//! token. The cache is used only in a folder no other user can write to, never through a
//! symbolic link, and a file written by a newer runner is left as it is. The client secret
//! is never stored.

mod file;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use file::write_private;
use file::{blocking, open_lock, read};

/// The format written today.
pub const VERSION: u64 = 1;

/// What identifies a token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CacheKey {
    /// The token endpoint.
    pub token_url: String,
    /// The client.
    pub client_id: String,
    /// The scope, as sent.
    pub scope: String,
    /// The grant that obtained the first token.
    pub grant: String,
}

/// One cached token.
#[derive(Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Which token this is.
    #[serde(flatten)]
    pub key: CacheKey,
    /// The access token.
    pub access_token: String,
    /// `Bearer` usually.
    pub token_type: String,
    /// Unix seconds; absent when the server gave no lifetime.
    pub expires_at: Option<i64>,
    /// The newest refresh token.
    pub refresh_token: Option<String>,
    /// Unix seconds of the last write of this entry.
    pub updated_at: i64,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct FileFormat {
    version: u64,
    tokens: Vec<Entry>,
}

/// Brings any known format to the current one. Version 0 was a bare array of entries.
pub fn migrate(value: Value) -> Result<Vec<Entry>, String> {
    match value {
        Value::Array(_) => serde_json::from_value(value).map_err(|e| e.to_string()),
        Value::Object(ref map) => match map.get("version").and_then(Value::as_u64) {
            Some(VERSION) => serde_json::from_value::<FileFormat>(value)
                .map(|f| f.tokens)
                .map_err(|e| e.to_string()),
            Some(v) if v > VERSION => Err(format!(
                "it has format version {v}, written by a newer runner (this one reads up to {VERSION})"
            )),
            _ => Err("it has no known format version".into()),
        },
        _ => Err("it is not a JSON object".into()),
    }
}

/// How long a run waits for another run's lock on the cache before it goes on without
/// the cache, unless `RUNNER_CACHE_LOCK_TIMEOUT` says otherwise. The lock is held only
/// around a token request (bounded by the request timeout) and a small file write.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a waiting run tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(100);

/// The cache file at a path.
#[derive(Debug, Clone)]
pub struct Cache {
    path: PathBuf,
}

/// The cache, locked against other runs until dropped, with what it held when locked.
pub struct Locked {
    path: PathBuf,
    entries: Vec<Entry>,
    warning: Option<String>,
    _lock: File,
}

impl Cache {
    /// The cache at `path` (not created until written).
    pub fn new(path: PathBuf) -> Cache {
        Cache { path }
    }

    /// Takes the exclusive lock, then reads the file. While another run holds the lock,
    /// `waiting` is called once with the lock file's path and the lock is tried again
    /// until `bound` has passed. Dropping the future stops the wait at once. An error
    /// says why the cache cannot be used (a folder others may write to, a symbolic link,
    /// a file of a newer runner, the bound passed); the file is then left as it is.
    pub async fn lock(
        &self,
        bound: Duration,
        waiting: impl FnOnce(&Path),
    ) -> Result<Locked, String> {
        let path = self.path.clone();
        let (file, lock_path) = blocking(move || open_lock(&path)).await??;
        let started = tokio::time::Instant::now();
        let mut waiting = Some(waiting);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(format!("cannot lock {}: {e}", lock_path.display()));
                }
            }
            if let Some(w) = waiting.take() {
                w(&lock_path);
            }
            if started.elapsed() >= bound {
                return Err(format!(
                    "gave up after {} waiting for the token cache lock {}: another runner is still refreshing the token",
                    humantime::format_duration(bound),
                    lock_path.display()
                ));
            }
            tokio::time::sleep(LOCK_POLL).await;
        }
        let path = self.path.clone();
        let (entries, warning) = blocking(move || read(&path)).await??;
        Ok(Locked {
            path: self.path.clone(),
            entries,
            warning,
            _lock: file,
        })
    }
}

impl Locked {
    /// Every entry, and a warning when the file could not be read as a cache (it then
    /// counts as empty and the next write rebuilds it).
    pub fn load(&self) -> (Vec<Entry>, Option<String>) {
        (self.entries.clone(), self.warning.clone())
    }

    /// Replaces the file with `entries`, atomically, mode 0600.
    pub async fn store(&self, entries: &[Entry]) -> Result<(), String> {
        let doc = FileFormat {
            version: VERSION,
            tokens: entries.to_vec(),
        };
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        let path = self.path.clone();
        blocking(move || write_private(&path, text.as_bytes()))
            .await?
            .map_err(|e| format!("cannot write the token cache {}: {e}", self.path.display()))
    }
}

/// The entry for `key`.
pub fn find<'a>(entries: &'a [Entry], key: &CacheKey) -> Option<&'a Entry> {
    entries.iter().find(|e| &e.key == key)
}

/// Inserts or replaces the entry of its key.
pub fn upsert(entries: &mut Vec<Entry>, entry: Entry) {
    entries.retain(|e| e.key != entry.key);
    entries.push(entry);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry_json() -> Value {
        json!({"token_url": "https://t", "client_id": "c", "scope": "s", "grant": "password",
               "access_token": "a", "token_type": "Bearer", "expires_at": 10,
               "refresh_token": "r", "updated_at": 1})
    }

    #[test]
    fn reads_version_1() {
        let entries = migrate(json!({"version": 1, "tokens": [entry_json()]})).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].access_token, "a");
        assert_eq!(entries[0].key.grant, "password");
    }

    #[test]
    fn migrates_version_0_array() {
        let entries = migrate(json!([entry_json()])).unwrap();
        assert_eq!(entries[0].refresh_token.as_deref(), Some("r"));
    }

    #[test]
    fn refuses_newer_versions_with_a_reason() {
        let err = migrate(json!({"version": 9, "tokens": []})).unwrap_err();
        assert!(err.contains("newer runner"), "{err}");
    }

    fn private_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("runner-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[tokio::test]
    async fn store_then_load_roundtrips_with_mode_0600() {
        let dir = private_dir("cache-roundtrip");
        let path = dir.join("tokens.json");
        let cache = Cache::new(path.clone());
        let locked = cache.lock(LOCK_TIMEOUT, |_| {}).await.unwrap();
        let entries = migrate(json!([entry_json()])).unwrap();
        locked.store(&entries).await.unwrap();
        drop(locked);
        let locked = cache.lock(LOCK_TIMEOUT, |_| {}).await.unwrap();
        let (back, warning) = locked.load();
        assert!(warning.is_none());
        assert_eq!(back.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        // Only the cache and its lock file: no temporary file is left behind.
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["tokens.json", "tokens.json.lock"]);
        drop(locked);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_held_lock_is_waited_for_then_given_up() {
        let dir = private_dir("cache-held");
        let cache = Cache::new(dir.join("tokens.json"));
        let held = cache.lock(LOCK_TIMEOUT, |_| {}).await.unwrap();
        let mut told = None;
        let started = std::time::Instant::now();
        let err = cache
            .lock(Duration::from_millis(300), |p| told = Some(p.to_path_buf()))
            .await
            .err()
            .unwrap();
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(told, Some(dir.join("tokens.json.lock")));
        assert!(
            err.starts_with("gave up after 300ms waiting for the token cache lock"),
            "{err}"
        );
        drop(held);
        assert!(cache.lock(Duration::ZERO, |_| {}).await.is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
