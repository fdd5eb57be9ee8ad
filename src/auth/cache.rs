//! The token cache: one JSON file (mode 0600) of tokens keyed by token URL, client id,
//! scope and grant. Every read-modify-write happens under an exclusive lock on a sibling
//! `.lock` file, and the file is replaced atomically (temporary file + rename), so two runs
//! refreshing at once neither corrupt it nor lose a rotated refresh token. The client
//! secret is never stored.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// The cache file at a path.
#[derive(Debug, Clone)]
pub struct Cache {
    path: PathBuf,
}

/// The cache, locked against other runs until dropped.
pub struct Locked {
    path: PathBuf,
    _lock: File,
}

impl Cache {
    /// The cache at `path` (not created until written).
    pub fn new(path: PathBuf) -> Cache {
        Cache { path }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for the exclusive lock.
    pub async fn lock(&self) -> Result<Locked, String> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || lock_blocking(path))
            .await
            .map_err(|e| format!("token cache lock: {e}"))?
    }
}

fn lock_blocking(path: PathBuf) -> Result<Locked, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(|e| {
            format!(
                "cannot create the token cache folder {}: {e}",
                dir.display()
            )
        })?;
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
    file.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    Ok(Locked { path, _lock: file })
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

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

impl Locked {
    /// Every entry. A file that cannot be read as a cache is reported as a warning and
    /// treated as empty: the next write rebuilds it.
    pub fn load(&self) -> (Vec<Entry>, Option<String>) {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), None),
            Err(e) => {
                return (
                    Vec::new(),
                    Some(format!(
                        "cannot read the token cache {}: {e}",
                        self.path.display()
                    )),
                );
            }
        };
        let parsed = serde_json::from_str::<Value>(&text)
            .map_err(|e| format!("it is not valid JSON ({e})"))
            .and_then(migrate);
        match parsed {
            Ok(entries) => (entries, None),
            Err(why) => (
                Vec::new(),
                Some(format!(
                    "the token cache {} was ignored: {why}; it will be rebuilt",
                    self.path.display()
                )),
            ),
        }
    }

    /// Replaces the file with `entries`, atomically, mode 0600.
    pub fn store(&self, entries: &[Entry]) -> Result<(), String> {
        let doc = FileFormat {
            version: VERSION,
            tokens: entries.to_vec(),
        };
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        let mut tmp_name = self.path.as_os_str().to_owned();
        tmp_name.push(format!(".tmp{}", std::process::id()));
        let tmp = PathBuf::from(tmp_name);
        let write = || -> std::io::Result<()> {
            let mut f = private_options()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write the token cache {}: {e}", self.path.display())
        })
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

    #[tokio::test]
    async fn store_then_load_roundtrips_with_mode_0600() {
        let dir = std::env::temp_dir().join(format!("runner-cache-test-{}", std::process::id()));
        let path = dir.join("tokens.json");
        let cache = Cache::new(path.clone());
        let locked = cache.lock().await.unwrap();
        let entries = migrate(json!([entry_json()])).unwrap();
        locked.store(&entries).unwrap();
        let (back, warning) = locked.load();
        assert!(warning.is_none());
        assert_eq!(back.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(locked);
        let _ = std::fs::remove_dir_all(dir);
    }
}
