//! Helpers shared by the fuzz targets: a scratch folder for the files the loaders read,
//! and the library's command entry run on the runtime flavour the binary uses.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::Parser as _;
use runner::ExitStatus;
use runner::cli::Args;

/// A folder of this process (in /dev/shm when there is one, so files cost no disk IO).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = Path::new("/dev/shm");
        let base = if base.is_dir() {
            base.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("runner-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

/// Writes `data` to `name` in the scratch folder and returns its path.
pub fn write(name: &str, data: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, data).expect("write scratch file");
    path
}

/// Runs `runner ARGS...` in this process, as `main` does (current-thread runtime).
pub fn runner(args: &[OsString]) -> ExitStatus {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let rt = RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    });
    let argv = std::iter::once(OsString::from("runner")).chain(args.iter().cloned());
    let args = Args::try_parse_from(argv).expect("fuzz target passes valid arguments");
    rt.block_on(runner::run(args))
}

/// `runner validate COLLECTION [-e ENV]`: it must end in 0 or 2, never panic.
pub fn validate(collection: &Path, env: Option<&Path>) -> ExitStatus {
    let mut args = vec![OsString::from("validate"), collection.into()];
    if let Some(env) = env {
        args.push("-e".into());
        args.push(env.into());
    }
    let status = runner(&args);
    assert!(
        matches!(status, ExitStatus::Ok | ExitStatus::Invalid),
        "validate ended with {status:?}"
    );
    status
}
