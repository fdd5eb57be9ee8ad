//! `runner report merge`: a JSON report (merged with itself) written again as JSON,
//! JUnit and HTML.
#![no_main]

use std::ffi::OsString;

use libfuzzer_sys::fuzz_target;
use runner::ExitStatus;
use runner_fuzz::{runner, scratch, write};

fuzz_target!(|data: &[u8]| {
    let input = write("report.json", data);
    let dir = scratch();
    let mut args: Vec<OsString> = vec!["report".into(), "merge".into(), input.clone().into()];
    args.push(input.into());
    for (name, file) in [
        ("json", "out.json"),
        ("junit", "out.xml"),
        ("html", "out.html"),
    ] {
        args.push("--reporter".into());
        args.push(format!("{name}={}", dir.join(file).display()).into());
    }
    let status = runner(&args);
    assert!(
        matches!(status, ExitStatus::Ok | ExitStatus::Invalid),
        "report merge ended with {status:?}"
    );
});
