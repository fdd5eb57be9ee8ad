//! What a cut, a structured secret or a proxy URL could leak: excerpts are masked before
//! they are cut, every leaf of a map or list secret is masked, and a proxy password is
//! never repeated.

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::secrets::{WINDOW, echo_server, forms, percent};
use crate::support::{Output, TestServer, Workspace};

/// 35 characters, some of which every encoding changes.
const SECRET: &str = "Zx9kQ2mP/7wR4tY+8uI3oL6aS1dF5gH0jK2";

/// Every piece of every secret (and of each of its forms) that must not show, as the
/// six bytes of a window packed in a number, sorted; and which pairs of bytes begin one.
struct Pieces(Vec<(u64, String)>, Vec<bool>);

fn pack(window: &[u8]) -> u64 {
    window.iter().fold(0, |key, b| key << 8 | u64::from(*b))
}

impl Pieces {
    fn of(secrets: &[&str]) -> Pieces {
        let mut pieces = Vec::new();
        for secret in secrets {
            for (form, value) in forms(secret) {
                for piece in value.as_bytes().windows(WINDOW) {
                    pieces.push((pack(piece), format!("the {form} form of {secret:?}")));
                }
            }
        }
        pieces.sort_by_key(|p| p.0);
        let mut starts = vec![false; 1 << 16];
        for (key, _) in &pieces {
            starts[(key >> (8 * (WINDOW - 2))) as usize & 0xffff] = true;
        }
        Pieces(pieces, starts)
    }

    /// Fails when `text` holds a piece; one pass, so that megabytes of output are quick.
    #[track_caller]
    fn assert_absent(&self, label: &str, text: &str) {
        let bytes = text.as_bytes();
        if bytes.len() < WINDOW {
            return;
        }
        let mask = (1u64 << (8 * WINDOW)) - 1;
        let mut key = pack(&bytes[..WINDOW - 1]);
        for at in 0..=bytes.len() - WINDOW {
            key = (key << 8 | u64::from(bytes[at + WINDOW - 1])) & mask;
            let start = usize::from(bytes[at]) << 8 | usize::from(bytes[at + 1]);
            if !self.1[start] {
                continue;
            }
            if let Ok(i) = self.0.binary_search_by_key(&key, |p| p.0) {
                let context = &bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())];
                panic!(
                    "{label}: a piece of {} shows at byte {at}: {:?}",
                    self.0[i].1,
                    String::from_utf8_lossy(context)
                );
            }
        }
    }

    #[track_caller]
    fn assert_output(&self, label: &str, out: &Output) {
        self.assert_absent(&format!("{label} stdout"), &out.stdout);
        self.assert_absent(&format!("{label} stderr"), &out.stderr);
    }
}

/// The forms of [`SECRET`] the cut server places at a cut.
fn served_form(form: &str) -> String {
    match form {
        "raw" => SECRET.to_string(),
        "base64" => STANDARD.encode(SECRET),
        _ => percent(SECRET, false),
    }
}

/// `/cut/LIMIT/FORM/N`: a text body with a form of the secret placed so that the
/// N-th iteration moves it one byte further across the point LIMIT where bodies are cut
/// (8 KiB in reports, 16 KiB in `-v`). `/json/FORM/N` does the same for the 117th
/// character, where a value is cut in an assertion message.
fn cut_server() -> Router {
    Router::new()
        .route(
            "/cut/{limit}/{form}/{n}",
            get(
                |Path((limit, form, n)): Path<(usize, String, usize)>| async move {
                    let value = served_form(&form);
                    let pad = (limit + n).saturating_sub(value.len() + 3);
                    format!("{}{value}{}", "q".repeat(pad), "q".repeat(64))
                },
            ),
        )
        .route(
            "/json/{form}/{n}",
            get(|Path((form, n)): Path<(String, usize)>| async move {
                let value = served_form(&form);
                let pad = (116 + n).saturating_sub(value.len() + 3);
                axum::Json(json!({ "v": format!("{}{value}", "q".repeat(pad)) }))
            }),
        )
}

#[test]
fn a_cut_never_leaves_a_piece_of_a_secret() {
    assert_eq!(SECRET.len(), 35);
    let server = TestServer::start(cut_server());
    let ws = Workspace::new();
    ws.write(
        "environments/test.yaml",
        &format!("variables:\n  key: '{SECRET}'\nsecrets: [key]\n"),
    );
    let mut requests = String::new();
    for form in ["raw", "base64", "percent"] {
        for limit in [8192, 16384] {
            requests.push_str(&format!(
                "  - name: {form} {limit}\n    url: \"{}/cut/{limit}/{form}/{{{{ iteration }}}}\"\n    headers: {{ X-Key: \"{{{{ key }}}}\" }}\n    expect: {{ status: 201 }}\n",
                server.url()
            ));
        }
        requests.push_str(&format!(
            "  - name: {form} in a message\n    url: \"{}/json/{form}/{{{{ iteration }}}}\"\n    expect:\n      json:\n        $.v: short\n",
            server.url()
        ));
    }
    ws.write("c.yaml", &format!("name: cuts\nrequests:\n{requests}"));
    let out = ws.run(&[
        "run",
        "c.yaml",
        "-e",
        "test",
        "-v",
        "-n",
        "54",
        "--reporter",
        "junit=r.xml",
        "--reporter",
        "json=r.json",
        "--reporter",
        "html=r.html",
    ]);
    out.assert_code(1)
        .assert_contains("Requests:   0 passed, 486 failed, 0 errors, 0 skipped (486 total)");
    assert_eq!(server.hits(), 486);
    // The cuts happened, and left the masked secret whole or nothing of it.
    out.assert_contains("q*****qqq...\n* ... ")
        .assert_contains("qq*****...\n* ... ")
        .assert_contains("qqqq...\n* ... ")
        .assert_contains("qqqq*****...\n          at c.yaml:");
    let pieces = Pieces::of(&[SECRET]);
    // The scan finds what it looks for.
    let planted = format!("qq{}qq", &STANDARD.encode(SECRET)[20..26]);
    assert!(std::panic::catch_unwind(|| pieces.assert_absent("probe", &planted)).is_err());
    pieces.assert_output("run", &out);
    for file in ["r.xml", "r.json", "r.html"] {
        let text = std::fs::read_to_string(ws.path().join(file)).expect("report");
        assert!(text.contains("qq*****..."), "{file} holds cut bodies");
        pieces.assert_absent(file, &text);
    }
}

/// The leaves of the structured secrets.
const LEAVES: &[&str] = &[
    "uQm3x9Lq7Tz",
    "pZr8/+xWk2",
    "k1H7cVb3Nq",
    "dWp2vK8sYt",
    "48213579",
    "cHd7Lq2Rf",
    "cYt5Nb8Gm",
];

#[test]
fn every_leaf_of_a_map_or_list_secret_is_masked() {
    let server = TestServer::start(echo_server().route(
        "/structured",
        get(|| async {
            axum::Json(json!({
                "session": { "token": LEAVES[5], "list": ["public", LEAVES[6]], "on": true }
            }))
        }),
    ));
    let ws = Workspace::new();
    ws.write(
        "environments/test.yaml",
        &format!(
            "variables:
  creds:
    user: {}
    password: '{}'
    keys:
      - {}
      - deep: {}
    pin: {}
secrets: [creds, session]
",
            LEAVES[0], LEAVES[1], LEAVES[2], LEAVES[3], LEAVES[4]
        ),
    );
    ws.write(
        "c.yaml",
        &format!(
            r#"name: structured
requests:
  - name: leaves
    method: POST
    url: "{url}/echo?k={{{{ creds.keys[0] }}}}"
    headers:
      X-User: "{{{{ creds.user }}}}"
      X-Pass: "{{{{ creds.password }}}}"
      X-Deep: "{{{{ creds.keys[1].deep }}}}"
      X-Pin: "{{{{ creds.pin }}}}"
    body:
      json: {{ all: "{{{{ creds }}}}", text: "creds {{{{ creds }}}}" }}
    expect:
      json:
        "$.headers['x-pass']": wrong
        $.json.all: {{ equals: {{ other: 1 }} }}
  - name: hands out a structured secret
    url: "{url}/structured"
    capture:
      session: $.session
  - name: uses it
    url: "{url}/echo?t={{{{ session.token }}}}"
    headers:
      X-Session: "{{{{ session.list[1] }}}}"
    expect:
      status: 201
"#,
            url = server.url()
        ),
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "-e",
        "test",
        "-v",
        "--reporter",
        "junit=r.xml",
        "--reporter",
        "json=r.json",
        "--reporter",
        "html=r.html",
    ]);
    out.assert_code(1)
        .assert_contains("Requests:   1 passed, 2 failed, 0 errors, 0 skipped (3 total)")
        .assert_contains("> x-user: *****")
        .assert_contains("> x-pin: *****")
        .assert_contains("$.headers['x-pass']: expected \"wrong\", got \"*****\"")
        .assert_contains("> x-session: *****");
    let pieces = Pieces::of(LEAVES);
    pieces.assert_output("run", &out);
    for file in ["r.xml", "r.json", "r.html"] {
        let text = std::fs::read_to_string(ws.path().join(file)).expect("report");
        pieces.assert_absent(file, &text);
    }
    // The values were sent as they are.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].uri, format!("/echo?k={}", LEAVES[2]));
    assert_eq!(reqs[0].header("x-user").as_deref(), Some(LEAVES[0]));
    assert_eq!(reqs[0].header("x-pass").as_deref(), Some(LEAVES[1]));
    assert_eq!(reqs[0].header("x-deep").as_deref(), Some(LEAVES[3]));
    assert_eq!(reqs[0].header("x-pin").as_deref(), Some(LEAVES[4]));
    let body: serde_json::Value = serde_json::from_slice(&reqs[0].body).expect("json body");
    assert_eq!(body["all"]["keys"][1]["deep"], LEAVES[3]);
    assert_eq!(reqs[2].uri, format!("/echo?t={}", LEAVES[5]));
    assert_eq!(reqs[2].header("x-session").as_deref(), Some(LEAVES[6]));
}

#[test]
fn a_proxy_password_is_never_shown() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: p\nrequests:\n  - name: r\n    url: http://127.0.0.1:9/x\n",
    );
    let pieces = Pieces::of(&["s3cretPass"]);
    for (proxy, shown) in [
        ("http://user:s3cretPass@[bad", "http://user:*****@[bad"),
        ("user:s3cretPass@[bad", "user:*****@[bad"),
        (
            "http://user:s3cretPass@host:notaport",
            "http://user:*****@host:notaport",
        ),
    ] {
        let out = ws.run(&["run", "c.yaml", "--proxy", proxy]);
        out.assert_code(2)
            .assert_contains(&format!("invalid --proxy `{shown}`"));
        pieces.assert_output(proxy, &out);
    }

    // A working proxy: it receives the credentials, the output shows none of them.
    let proxy = TestServer::start(Router::new().fallback(|| async { "via proxy" }));
    let url = format!("http://user:s3cretPass@127.0.0.1:{}", proxy.port());
    ws.write(
        "c.yaml",
        "name: p\nrequests:\n  - name: r\n    url: http://runner.invalid/x\n    expect: { body: 'via proxy' }\n",
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--proxy",
        &url,
        "-v",
        "--reporter",
        "json=r.json",
    ]);
    out.assert_code(0);
    pieces.assert_output("working proxy", &out);
    let report = std::fs::read_to_string(ws.path().join("r.json")).expect("report");
    pieces.assert_absent("r.json", &report);
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].header("proxy-authorization"),
        Some(format!("Basic {}", STANDARD.encode("user:s3cretPass")))
    );
}

#[test]
fn a_failing_template_of_a_secret_variable_shows_only_its_expressions() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: n\nsecrets: [api_key]\nvariables:\n  api_key: \"tok-S3CRET-42{{ missing_part }}\"\nrequests:\n  - name: r\n    url: http://127.0.0.1:9/\n    headers: { X-Key: \"{{ api_key }}\" }\n",
    );
    for args in [
        &["validate", "c.yaml"][..],
        &["run", "c.yaml"],
        &["curl", "c.yaml"],
    ] {
        let out = ws.run(args);
        out.assert_code(2)
            .assert_contains("error: variable `api_key`: undefined variable `missing_part`")
            .assert_contains("  api_key: \"*************{{ missing_part }}\"");
        out.assert_not_contains("S3CRET");
        out.assert_not_contains("tok-");
    }
}
