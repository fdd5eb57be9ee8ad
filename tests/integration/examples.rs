//! Every shipped collection and environment loads, and the main job passes offline.

use crate::support::{Workspace, repo_root, runner};

#[test]
fn every_shipped_collection_validates_with_the_local_environment() {
    let root = repo_root();
    let mut collections = Vec::new();
    for entry in std::fs::read_dir(root.join("collections")).expect("collections/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            collections.push(path);
        }
    }
    assert!(!collections.is_empty());
    for c in collections {
        let out = runner()
            .current_dir(&root)
            .args([
                "validate",
                c.to_str().expect("utf-8"),
                "-e",
                "local",
                "--mock",
            ])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {stdout}{}",
            c.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with("ok "), "{stdout}");
    }
}

#[test]
fn every_shipped_environment_loads() {
    let root = repo_root();
    for entry in std::fs::read_dir(root.join("environments")).expect("environments/") {
        let path = entry.expect("entry").path();
        // Real environments read secrets from the process environment; give them values
        // so that loading, not the absence of a secret, is what is tested.
        let out = runner()
            .current_dir(&root)
            .env("OIC_RUNTIME_HOST", "runtime.example.test")
            .env("OIC_REGION", "region-1")
            .env("OIC_INSTANCE", "inst")
            .env("OIC_ACCESS_TOKEN", "token-value")
            .args(["validate", "collections/connections.yaml", "--mock", "-e"])
            .arg(&path)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_main_job_passes_offline_with_the_mock() {
    let out = runner()
        .current_dir(repo_root())
        .args([
            "run",
            "collections/connections.yaml",
            "-e",
            "local",
            "--mock",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("PASS  List connections  GET 200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("PASS  Get a connection  GET 200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("PASS  Admin/Test a connection  POST 200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Requests:   3 passed, 0 failed, 0 errors, 0 skipped (3 total)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Assertions: 15 passed, 0 failed (15 total)"),
        "{stdout}"
    );
    // Each request went through the runtime → design-time redirect.
    assert_eq!(stdout.matches("1 redirect)").count(), 3, "{stdout}");
    // The bearer token never shows.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("local-dev-token"));
    assert!(!stdout.contains("local-dev-token"));
}

#[test]
fn prod_without_its_environment_variables_is_invalid_input_naming_them() {
    let ws = Workspace::new();
    let root = repo_root();
    let out = runner()
        .current_dir(ws.path())
        .env_remove("OIC_RUNTIME_HOST")
        .env_remove("OIC_ACCESS_TOKEN")
        .args(["run"])
        .arg(root.join("collections/connections.yaml"))
        .args(["-e", "prod"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("variable `runtime_url`: undefined variable `env.OIC_RUNTIME_HOST`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("set the environment variable OIC_RUNTIME_HOST"),
        "{stderr}"
    );
}
