//! `runner schema`, the published schema files, `runner completions` and `--help`.

use std::path::Path;

use serde_json::Value;

use crate::support::{Workspace, repo_root, runner};

fn schema_output(kind: &str) -> String {
    let out = runner().args(["schema", kind]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn published_schemas_match_runner_schema() {
    for kind in ["collection", "environment"] {
        let path = repo_root().join(format!("schema/{kind}.schema.json"));
        let published = std::fs::read_to_string(&path).expect("schema file");
        assert_eq!(
            published,
            schema_output(kind),
            "{} is out of date: run `runner schema {kind} > {}`",
            path.display(),
            path.display()
        );
    }
    assert_eq!(schema_output("collection"), {
        let out = runner().arg("schema").output().expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    });
}

fn yaml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read");
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(schema: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("valid schema");
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn shipped_files_follow_the_schema_and_name_it() {
    for (dir, kind) in [
        ("collections", "collection"),
        ("environments", "environment"),
    ] {
        let schema: Value = serde_json::from_str(&schema_output(kind)).expect("json");
        let mut n = 0;
        for entry in std::fs::read_dir(repo_root().join(dir)).expect("dir") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(
                text.starts_with(&format!(
                    "# yaml-language-server: $schema=../schema/{kind}.schema.json\n"
                )),
                "{} does not name its schema",
                path.display()
            );
            assert_eq!(
                errors(&schema, &yaml_as_json(&path)),
                Vec::<String>::new(),
                "{}",
                path.display()
            );
            n += 1;
        }
        assert!(n > 0, "no files in {dir}");
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let ws = Workspace::new();
    let path = ws.write(
        "c.yaml",
        "name: x\nrequests:\n  - name: a\n    url: http://x.test\n    folow_redirects: true\n    auth: { digest: {} }\n",
    );
    let schema: Value = serde_json::from_str(&schema_output("collection")).expect("json");
    let errs = errors(&schema, &yaml_as_json(&path));
    assert_eq!(
        errs,
        vec![
            "/requests/0/auth: {\"digest\":{}} is not valid under any of the schemas listed in the 'anyOf' keyword",
            "/requests/0: Additional properties are not allowed ('folow_redirects' was unexpected)",
        ]
    );
    ws.run(&["validate", "c.yaml"]).assert_code(2);
}

#[test]
fn the_schema_knows_status_classes_and_durations_with_units() {
    let ws = Workspace::new();
    let schema: Value = serde_json::from_str(&schema_output("collection")).expect("json");
    let good = ws.write(
        "good.yaml",
        "name: x\ntimeout: 30s\nrequests:\n  - name: a\n    url: http://x.test\n    delay: 200ms\n    retry: { count: 1, delay: 1s }\n    expect: { status: [2xx, 404] }\n  - name: b\n    url: http://x.test\n    expect: { status: 2XX }\n",
    );
    assert_eq!(errors(&schema, &yaml_as_json(&good)), Vec::<String>::new());
    let bad = ws.write(
        "bad.yaml",
        "name: x\ntimeout: 5\nrequests:\n  - name: a\n    url: http://x.test\n    delay: \"200\"\n    expect: { status: ok }\n",
    );
    let errs = errors(&schema, &yaml_as_json(&bad));
    let paths: Vec<&str> = errs
        .iter()
        .map(|e| e.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        paths,
        vec!["/timeout", "/requests/0/delay", "/requests/0/expect"],
        "{errs:#?}"
    );
    ws.run(&["validate", "bad.yaml"]).assert_code(2);
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_runner()"),
        ("zsh", "#compdef runner"),
        ("fish", "complete -c runner"),
    ] {
        let out = runner().args(["completions", shell]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("import"), "{shell} completes subcommands");
    }
    let out = runner()
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_subcommand_help_shows_an_example() {
    for args in [
        vec!["run"],
        vec!["validate"],
        vec!["mock"],
        vec!["auth", "login"],
        vec!["auth", "token"],
        vec!["auth", "logout"],
        vec!["import", "postman"],
        vec!["curl"],
        vec!["schema"],
        vec!["completions"],
        vec!["report", "merge"],
    ] {
        let mut a = args.clone();
        a.push("--help");
        let out = runner().args(&a).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {text}");
        assert!(text.contains("Example"), "{args:?} has no example:\n{text}");
        assert!(
            text.contains(&format!("runner {}", args.join(" "))),
            "{args:?}:\n{text}"
        );
    }
}
