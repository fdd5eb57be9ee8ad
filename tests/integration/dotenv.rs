//! `.env` files: the working directory's, the environment file's folder's and the
//! collection's folder's, and which one wins.

use axum::Router;
use axum::routing::get;

use crate::support::{TestServer, Workspace};

/// A collection that sends `env.DOTENV_A` .. `env.DOTENV_D` as headers `a` .. `d`.
const COLLECTION: &str = r#"name: dotenv
requests:
  - name: show
    url: "{{ base }}/show"
    headers:
      a: "{{ env.DOTENV_A | default('unset') }}"
      b: "{{ env.DOTENV_B | default('unset') }}"
      c: "{{ env.DOTENV_C | default('unset') }}"
      d: "{{ env.DOTENV_D | default('unset') }}"
    expect:
      status: 200
"#;

/// The headers `a` .. `d` of the last request the server received.
fn sent(server: &TestServer) -> [String; 4] {
    let requests = server.requests();
    let last = requests.last().expect("a request");
    ["a", "b", "c", "d"].map(|h| last.header(h).unwrap_or_default())
}

fn workspace(server: &TestServer) -> Workspace {
    let ws = Workspace::new();
    ws.write("proj/collections/c.yaml", COLLECTION);
    ws.write(
        "proj/environments/local.yaml",
        &format!("variables:\n  base: {}\n", server.url()),
    );
    ws.write(".env", "DOTENV_A=cwd\n");
    ws.write(
        "proj/environments/.env",
        "DOTENV_A=envdir\nDOTENV_B=envdir\n",
    );
    ws.write(
        "proj/collections/.env",
        "DOTENV_A=coll\nDOTENV_B=coll\nDOTENV_C=coll\nDOTENV_D=coll\n",
    );
    ws
}

fn run(ws: &Workspace, args: &[&str]) {
    let out = crate::support::Output::from(
        ws.runner()
            .args(args)
            .env("DOTENV_D", "process")
            .env_remove("DOTENV_A")
            .env_remove("DOTENV_B")
            .env_remove("DOTENV_C")
            .output()
            .expect("run runner"),
    );
    out.assert_code(0);
}

#[test]
fn dotenv_files_beside_the_environment_and_the_collection_and_which_wins() {
    let server = TestServer::start(Router::new().route("/show", get(|| async { "ok" })));
    let ws = workspace(&server);

    // process > ./.env > environments/.env > the collection's .env
    run(&ws, &["run", "proj/collections/c.yaml", "-e", "local"]);
    assert_eq!(sent(&server), ["cwd", "envdir", "coll", "process"]);

    // Each location on its own.
    std::fs::remove_file(ws.path().join(".env")).expect("remove");
    run(&ws, &["run", "proj/collections/c.yaml", "-e", "local"]);
    assert_eq!(sent(&server), ["envdir", "envdir", "coll", "process"]);

    std::fs::remove_file(ws.path().join("proj/environments/.env")).expect("remove");
    run(&ws, &["run", "proj/collections/c.yaml", "-e", "local"]);
    assert_eq!(sent(&server), ["coll", "coll", "coll", "process"]);

    // Without -e, no environment folder is involved.
    ws.write("proj/environments/.env", "DOTENV_A=envdir\n");
    let base = format!("base={}", server.url());
    run(&ws, &["run", "proj/collections/c.yaml", "--var", &base]);
    assert_eq!(sent(&server), ["coll", "coll", "coll", "process"]);

    // --env-file replaces them all; the process environment still wins.
    ws.write("only.env", "DOTENV_A=given\nDOTENV_D=given\n");
    run(
        &ws,
        &[
            "run",
            "proj/collections/c.yaml",
            "-e",
            "local",
            "--env-file",
            "only.env",
        ],
    );
    assert_eq!(sent(&server), ["given", "unset", "unset", "process"]);
}

#[test]
fn a_broken_dotenv_beside_the_collection_is_named() {
    let ws = Workspace::new();
    ws.write("proj/c.yaml", COLLECTION);
    ws.write("proj/.env", "DOTENV_A=ok\nthis line is not a pair\n");
    ws.run(&[
        "validate",
        "proj/c.yaml",
        "--var",
        "base=http://127.0.0.1:9",
    ])
    .assert_code(2)
    .assert_contains("cannot parse proj/.env at line 2: a line without `=`");
}
