//! The QuickJS runtime of one unit: created on the first script, with the prelude (`pm`,
//! the legacy sandbox, console, require), limits, and the loop that waits for
//! `pm.sendRequest` calls, async tests and timers.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::{Context, Ctx, Function, Object, Persistent, Runtime, Value};

use super::{
    Exec, Level, Limits, Outcome, Scopes, ScriptError, ScriptRequest, ScriptResponse, SendRequest,
    TestResult,
};

const EXPECT_JS: &str = include_str!("expect.js");
const CRYPTO_JS: &str = include_str!("crypto.js");
const PRELUDE_JS: &str = include_str!("pm.js");

/// The file name scripts are compiled under; their stack frames name it.
const SCRIPT_FILE: &str = "__script__";
/// The wrappers that keep a script's `var`s local. Both stay on the script's first line so
/// that its line numbers are its own; columns on the first line shift by their length.
const WRAP_SYNC: &str = "(function(){";
const WRAP_ASYNC: &str = "(async function(){";
const WRAP_END: &str = "\n})";
/// QuickJS's error when an allocation would pass the memory limit.
const OUT_OF_MEMORY: &str = "InternalError: out of memory";
/// Compiled scripts kept per runtime (the same test script runs for every request of a
/// data-driven unit).
const CACHE_SIZE: usize = 256;

/// Compiles `text` without running it (for `runner validate`).
pub fn check(text: &str) -> Result<(), ScriptError> {
    let fail =
        |e: rquickjs::Error| ScriptError::new(format!("the script engine failed to start: {e}"));
    let rt = Runtime::new().map_err(fail)?;
    rt.set_memory_limit(Limits::default().memory);
    let ctx = Context::full(&rt).map_err(fail)?;
    ctx.with(|ctx| {
        update_stack_top(&ctx);
        match compile_only(&ctx, &wrap(text, WRAP_SYNC)) {
            Ok(()) => Ok(()),
            Err(first) => {
                if text.contains("await") && compile_only(&ctx, &wrap(text, WRAP_ASYNC)).is_ok() {
                    return Ok(());
                }
                Err(first)
            }
        }
    })
}

fn wrap(text: &str, head: &str) -> String {
    let mut s = String::with_capacity(text.len() + head.len() + WRAP_END.len());
    s.push_str(head);
    s.push_str(text);
    s.push_str(WRAP_END);
    s
}

/// Parses `source` into byte code without evaluating anything in it.
fn compile_only(ctx: &Ctx<'_>, source: &str) -> Result<(), ScriptError> {
    let head = if source.starts_with(WRAP_ASYNC) {
        WRAP_ASYNC
    } else {
        WRAP_SYNC
    };
    let src = std::ffi::CString::new(source)
        .map_err(|_| ScriptError::new("SyntaxError: the script contains a NUL character"))?;
    let file = std::ffi::CString::new(SCRIPT_FILE).unwrap_or_default();
    let flags =
        (rquickjs::qjs::JS_EVAL_TYPE_GLOBAL | rquickjs::qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
    // SAFETY: the context is alive for the closure's duration, the strings are
    // NUL-terminated and outlive the call, and the returned value is freed exactly once.
    let failed = unsafe {
        let raw = ctx.as_raw().as_ptr();
        let value =
            rquickjs::qjs::JS_Eval(raw, src.as_ptr(), source.len() as _, file.as_ptr(), flags);
        let failed = ctx.has_exception();
        rquickjs::qjs::JS_FreeValue(raw, value);
        failed
    };
    if failed {
        let error = ctx.catch();
        return Err(describe(ctx, &error, head.len()));
    }
    Ok(())
}

/// Keeps QuickJS's stack-overflow check relative to where the engine is entered now.
fn update_stack_top(ctx: &Ctx<'_>) {
    // SAFETY: the runtime of a live context; the call only records the current stack position.
    unsafe { rquickjs::qjs::JS_UpdateStackTop(rquickjs::qjs::JS_GetRuntime(ctx.as_raw().as_ptr())) }
}

/// An error value as message and position in the script text (`head` is the length of the
/// wrapper on its first line).
fn describe<'js>(ctx: &Ctx<'js>, error: &Value<'js>, head: usize) -> ScriptError {
    let message = error_message(ctx, error);
    let stack = error
        .as_object()
        .and_then(|o| o.get::<_, Option<String>>("stack").ok().flatten())
        .unwrap_or_default();
    let (line, col) = position(&stack, head);
    ScriptError { message, line, col }
}

fn error_message<'js>(ctx: &Ctx<'js>, error: &Value<'js>) -> String {
    if let Some(object) = error.as_object() {
        let name = object.get::<_, Option<String>>("name").ok().flatten();
        let message = object.get::<_, Option<String>>("message").ok().flatten();
        if let Some(message) = message {
            return match name {
                Some(name) if !name.is_empty() => format!("{name}: {message}"),
                _ => message,
            };
        }
    }
    let _ = ctx;
    error
        .clone()
        .try_into_string()
        .ok()
        .and_then(|s| s.to_string().ok())
        .or_else(|| {
            ctx.json_stringify(error.clone())
                .ok()
                .flatten()
                .and_then(|s| s.to_string().ok())
        })
        .unwrap_or_else(|| "an exception without a message".to_string())
}

/// The first `__script__:line:col` of a stack, relative to the script's own text.
fn position(stack: &str, head: usize) -> (Option<u32>, Option<u32>) {
    let Some(at) = stack.find(SCRIPT_FILE) else {
        return (None, None);
    };
    let rest = &stack[at + SCRIPT_FILE.len()..];
    let mut parts = rest
        .strip_prefix(':')
        .unwrap_or("")
        .split(|c: char| !c.is_ascii_digit());
    let line = parts.next().and_then(|s| s.parse::<u32>().ok());
    let col = parts.next().and_then(|s| s.parse::<u32>().ok());
    match (line, col) {
        (Some(1), Some(col)) => (Some(1), Some(col.saturating_sub(head as u32).max(1))),
        (line, col) => (line, col),
    }
}

fn format_time(limit: Duration) -> String {
    let ms = limit.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn format_memory(limit: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if limit.is_multiple_of(MIB) {
        format!("{} MiB", limit / MIB)
    } else if limit.is_multiple_of(1024) {
        format!("{} KiB", limit / 1024)
    } else {
        format!("{limit} bytes")
    }
}

fn memory_error(limit: usize) -> ScriptError {
    ScriptError::new(format!(
        "the script used more than {} of memory and was stopped",
        format_memory(limit)
    ))
}

/// What the native functions of the prelude read and write during one run.
#[derive(Default)]
pub(super) struct Bridge {
    pub(super) scopes: Scopes,
    pub(super) request: ScriptRequest,
    /// The responses the script can read: 0 is `pm.response`, others `pm.sendRequest`'s.
    pub(super) responses: HashMap<u32, ScriptResponse>,
    pub(super) cookies: Vec<(String, String)>,
    pub(super) console: Vec<(Level, String)>,
    pub(super) sends: Vec<(u32, SendRequest)>,
    pub(super) next_send: u32,
}

type Shared = Rc<RefCell<Bridge>>;

/// The runtime of a unit and the prelude's entry points.
struct State {
    // Persistent values go before the context and runtime they belong to (drop order).
    scripts: HashMap<String, (Persistent<Function<'static>>, usize)>,
    hooks: Persistent<Object<'static>>,
    ctx: Context,
    #[expect(
        dead_code,
        reason = "owned so that the runtime outlives the values above"
    )]
    rt: Runtime,
    deadline: Rc<Cell<Option<Instant>>>,
    /// Set by the allocator when the memory limit refused an allocation.
    exhausted: Rc<Cell<bool>>,
    bridge: Shared,
    /// The wrapper's length on the first line of the script running now.
    head: usize,
}

/// One JavaScript runtime for one unit of a run, created on the first script.
pub struct Engine {
    limits: Limits,
    state: Option<State>,
}

/// What the prelude reports at the end of a run.
#[derive(serde::Deserialize)]
struct End {
    tests: Vec<EndTest>,
    error: Option<EndError>,
    next: Option<EndNext>,
    #[serde(default)]
    skip: bool,
    request: Option<EndRequest>,
}

#[derive(serde::Deserialize)]
struct EndTest {
    name: String,
    passed: bool,
    skipped: bool,
    error: Option<String>,
    #[serde(default)]
    stack: Option<String>,
}

#[derive(serde::Deserialize)]
struct EndNext {
    name: Option<String>,
}

#[derive(serde::Deserialize)]
struct EndError {
    message: String,
    stack: Option<String>,
}

#[derive(serde::Deserialize)]
struct EndRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

enum Stop {
    Time,
    Memory,
    Error(ScriptError),
}

impl Engine {
    /// Creates nothing yet: the runtime comes with the first script.
    pub fn new(limits: Limits) -> Engine {
        Engine {
            limits,
            state: None,
        }
    }

    /// Runs one script and waits for its `pm.sendRequest` calls, async tests and timers,
    /// all within `limits.time`. Never panics; after running out of memory the runtime is
    /// dropped and the next script gets a fresh one.
    pub async fn run(&mut self, text: &str, exec: Exec<'_>) -> Outcome {
        let mut outcome = Outcome::default();
        if self.state.is_none() {
            match State::new(self.limits) {
                Ok(state) => self.state = Some(state),
                Err(e) => {
                    outcome.error = Some(ScriptError::new(format!(
                        "the script engine failed to start: {e}"
                    )));
                    return outcome;
                }
            }
        }
        let Some(state) = self.state.as_mut() else {
            return outcome;
        };
        let deadline = Instant::now() + self.limits.time;
        state.deadline.set(Some(deadline));
        {
            let mut bridge = state.bridge.borrow_mut();
            bridge.scopes = std::mem::take(exec.scopes);
            bridge.request = std::mem::take(exec.request);
            if let Some(response) = exec.response {
                bridge.responses.insert(0, response.clone());
            }
            bridge.cookies = exec.cookies.to_vec();
            bridge.next_send = 1;
        }

        let stop = state.run(text, &exec, deadline, &mut outcome).await;
        state.deadline.set(None);

        {
            let mut bridge = state.bridge.borrow_mut();
            *exec.scopes = std::mem::take(&mut bridge.scopes);
            let request = std::mem::take(&mut bridge.request);
            *exec.request = request;
            outcome.console = std::mem::take(&mut bridge.console);
            bridge.responses.clear();
            bridge.cookies.clear();
            bridge.sends.clear();
        }
        let mut drop_runtime = false;
        match stop {
            None => {}
            Some(Stop::Time) => {
                outcome.error = Some(ScriptError::new(format!(
                    "the script ran longer than {} and was stopped",
                    format_time(self.limits.time)
                )));
            }
            Some(Stop::Memory) => {
                drop_runtime = true;
                outcome.error = Some(memory_error(self.limits.memory));
            }
            Some(Stop::Error(e)) => outcome.error = Some(e),
        }
        if state.exhausted.get() && !drop_runtime {
            drop_runtime = true;
            outcome.error = Some(memory_error(self.limits.memory));
        }
        if drop_runtime {
            self.state = None;
        }
        outcome
    }
}

impl State {
    fn new(limits: Limits) -> Result<State, String> {
        let exhausted = Rc::new(Cell::new(false));
        let rt = Runtime::new_with_alloc(super::memory::Limited::new(
            limits.memory,
            exhausted.clone(),
        ))
        .map_err(|e| e.to_string())?;
        let deadline: Rc<Cell<Option<Instant>>> = Rc::new(Cell::new(None));
        let watch = deadline.clone();
        let full = exhausted.clone();
        // Stops the script at its deadline, and once memory ran out (a script that catches
        // the error must not go on).
        rt.set_interrupt_handler(Some(Box::new(move || {
            full.get() || watch.get().is_some_and(|d| Instant::now() >= d)
        })));
        let ctx = Context::full(&rt).map_err(|e| e.to_string())?;
        let bridge: Shared = Rc::new(RefCell::new(Bridge::default()));
        let hooks = ctx.with(|ctx| -> Result<Persistent<Object<'static>>, String> {
            update_stack_top(&ctx);
            super::host::install(&ctx, &bridge).map_err(|e| e.to_string())?;
            super::crypto::register(&ctx).map_err(|e| e.to_string())?;
            super::vendored::register(&ctx).map_err(|e| e.to_string())?;
            super::schema::register(&ctx).map_err(|e| e.to_string())?;
            super::xml::register(&ctx).map_err(|e| e.to_string())?;
            let code = PRELUDE_CODE.get_or_init(|| compile_prelude(&ctx));
            let code = code.as_ref().map_err(Clone::clone)?;
            for (name, bytes) in code {
                load(&ctx, bytes).map_err(|e| prelude_error(&ctx, name, e))?;
            }
            let globals = ctx.globals();
            let hooks: Object = globals.get("__runner_hooks").map_err(|e| e.to_string())?;
            globals
                .remove("__runner_hooks")
                .map_err(|e| e.to_string())?;
            Ok(Persistent::save(&ctx, hooks))
        })?;
        Ok(State {
            scripts: HashMap::new(),
            hooks,
            ctx,
            rt,
            deadline,
            exhausted,
            bridge,
            head: 0,
        })
    }

    async fn run(
        &mut self,
        text: &str,
        exec: &Exec<'_>,
        deadline: Instant,
        outcome: &mut Outcome,
    ) -> Option<Stop> {
        // Compile, set up the run and call the script's synchronous part.
        match self.start(text, exec) {
            Ok(false) => {}
            // An uncaught exception stops the script: nothing more runs.
            Ok(true) => return self.finish(outcome),
            Err(stop) => {
                self.finish(outcome);
                return Some(stop);
            }
        }
        // Drive promises, pm.sendRequest calls and timers until nothing is left.
        loop {
            if let Err(stop) = self.with_hooks(|ctx, _| {
                while ctx.execute_pending_job() {}
                Ok(())
            }) {
                self.finish(outcome);
                return Some(stop);
            }
            let send = {
                let mut bridge = self.bridge.borrow_mut();
                if bridge.sends.is_empty() {
                    None
                } else {
                    Some(bridge.sends.remove(0))
                }
            };
            if let Some((id, request)) = send {
                let remaining = deadline.saturating_duration_since(Instant::now());
                let result = match tokio::time::timeout(remaining, exec.sender.send(request)).await
                {
                    Ok(result) => result,
                    Err(_) => {
                        self.finish(outcome);
                        return Some(Stop::Time);
                    }
                };
                let error = match result {
                    Ok(response) => {
                        self.bridge.borrow_mut().responses.insert(id, response);
                        None
                    }
                    Err(message) => Some(message),
                };
                if let Err(stop) = self.with_hooks(|ctx, hooks| {
                    let deliver: Function = hooks.get("deliver")?;
                    deliver.call::<_, ()>((id, error.clone()))?;
                    let _ = ctx;
                    Ok(())
                }) {
                    self.finish(outcome);
                    return Some(stop);
                }
                continue;
            }
            let wait = match self.with_hooks(|_, hooks| {
                let tick: Function = hooks.get("tick")?;
                tick.call::<_, f64>(())
            }) {
                Ok(wait) => wait,
                Err(stop) => {
                    self.finish(outcome);
                    return Some(stop);
                }
            };
            if wait < 0.0 {
                break;
            }
            if wait == 0.0 {
                continue;
            }
            let due = Instant::now() + Duration::from_millis(wait as u64);
            if due >= deadline {
                tokio::time::sleep_until(deadline.into()).await;
                self.finish(outcome);
                return Some(Stop::Time);
            }
            tokio::time::sleep_until(due.into()).await;
        }
        self.finish(outcome)
    }

    /// Compiles the script (or takes it from the cache), prepares the prelude for this run
    /// and calls the script.
    fn start(&mut self, text: &str, exec: &Exec<'_>) -> Result<bool, Stop> {
        let cached = self.scripts.get(text).map(|(f, head)| (f.clone(), *head));
        let is_cached = cached.is_some();
        let compiled = self.with_hooks(|ctx, hooks| {
            let (script, head) = match cached {
                Some((f, head)) => (f.restore(&ctx)?, head),
                None => match compile(&ctx, text) {
                    Ok(found) => found,
                    Err(e) => return Ok(Err(e)),
                },
            };
            let saved = (!is_cached).then(|| Persistent::save(&ctx, script.clone()));
            let begin: Function = hooks.get("begin")?;
            let info = Object::new(ctx.clone())?;
            info.set("eventName", exec.event.name())?;
            info.set("requestName", exec.request_name)?;
            info.set("requestId", exec.request_id)?;
            info.set("iteration", exec.iteration as f64)?;
            info.set("iterationCount", exec.iteration_count as f64)?;
            begin.call::<_, ()>((info, exec.response.is_some()))?;
            let call: Function = hooks.get("call")?;
            let threw = call.call::<_, bool>((script,))?;
            Ok(Ok((saved, head, threw)))
        })?;
        match compiled {
            Ok((saved, head, threw)) => {
                self.head = head;
                if let Some(script) = saved {
                    if self.scripts.len() >= CACHE_SIZE {
                        self.scripts.clear();
                    }
                    self.scripts.insert(text.to_string(), (script, head));
                }
                Ok(threw)
            }
            Err(e) => Err(Stop::Error(e)),
        }
    }

    /// Reads what the prelude collected: tests, uncaught error, next request, request edits.
    fn finish(&mut self, outcome: &mut Outcome) -> Option<Stop> {
        let end = self.with_hooks(|_, hooks| {
            let end: Function = hooks.get("end")?;
            end.call::<_, String>(())
        });
        let text = match end {
            Ok(text) => text,
            Err(stop) => return Some(stop),
        };
        let end: End = match serde_json::from_str(&text) {
            Ok(end) => end,
            Err(e) => {
                return Some(Stop::Error(ScriptError::new(format!(
                    "the script engine's report was unreadable: {e}"
                ))));
            }
        };
        outcome.tests = end
            .tests
            .into_iter()
            .map(|t| {
                let (line, col) = match &t.stack {
                    Some(stack) => position(stack, self.head),
                    None => (None, None),
                };
                TestResult {
                    name: t.name,
                    passed: t.passed,
                    skipped: t.skipped,
                    error: t.error,
                    line,
                    col,
                }
            })
            .collect();
        outcome.next_request = end.next.map(|n| n.name);
        outcome.skip_request = end.skip;
        if let Some(request) = end.request {
            let mut bridge = self.bridge.borrow_mut();
            bridge.request.method = request.method;
            bridge.request.url = request.url;
            bridge.request.headers = request.headers;
            bridge.request.body = request.body;
        }
        end.error.map(|e| {
            if e.message == OUT_OF_MEMORY {
                return Stop::Memory;
            }
            let (line, col) = position(e.stack.as_deref().unwrap_or(""), self.head);
            Stop::Error(ScriptError {
                message: e.message,
                line,
                col,
            })
        })
    }

    /// Enters the context with the prelude's hooks; an exception that escapes (the time
    /// limit's interrupt, out of memory) becomes a [`Stop`].
    fn with_hooks<R>(
        &self,
        f: impl for<'js> FnOnce(Ctx<'js>, Object<'js>) -> rquickjs::Result<R>,
    ) -> Result<R, Stop> {
        let deadline = self.deadline.get();
        let limits_passed = move || deadline.is_some_and(|d| Instant::now() >= d);
        self.ctx.with(|ctx| {
            update_stack_top(&ctx);
            let result = self
                .hooks
                .clone()
                .restore(&ctx)
                .and_then(|hooks| f(ctx.clone(), hooks));
            result.map_err(|e| {
                let error = match e {
                    rquickjs::Error::Exception => ctx.catch(),
                    other => return classify(other.to_string(), limits_passed()),
                };
                let described = describe(&ctx, &error, self.head);
                let is_interrupt = described.message.contains("interrupted");
                if described.message == OUT_OF_MEMORY || self.exhausted.get() {
                    Stop::Memory
                } else if is_interrupt && limits_passed() {
                    Stop::Time
                } else if described.message == OUT_OF_MEMORY {
                    Stop::Memory
                } else {
                    Stop::Error(described)
                }
            })
        })
    }
}

fn classify(message: String, time_passed: bool) -> Stop {
    if message.contains("out of memory") || message.contains("Allocation") {
        Stop::Memory
    } else if time_passed {
        Stop::Time
    } else {
        Stop::Error(ScriptError::new(message))
    }
}

/// Compiles a script into its wrapper function; the second value is the wrapper's length
/// on the first line.
fn compile<'js>(ctx: &Ctx<'js>, text: &str) -> Result<(Function<'js>, usize), ScriptError> {
    match eval_wrapped(ctx, text, WRAP_SYNC) {
        Ok(f) => Ok((f, WRAP_SYNC.len())),
        Err(first) => {
            if text.contains("await")
                && let Ok(f) = eval_wrapped(ctx, text, WRAP_ASYNC)
            {
                return Ok((f, WRAP_ASYNC.len()));
            }
            Err(first)
        }
    }
}

fn eval_wrapped<'js>(ctx: &Ctx<'js>, text: &str, head: &str) -> Result<Function<'js>, ScriptError> {
    let mut options = EvalOptions::default();
    options.strict = false;
    options.filename = Some(SCRIPT_FILE.to_string());
    ctx.eval_with_options::<Function, _>(wrap(text, head), options)
        .map_err(|e| match e {
            rquickjs::Error::Exception => describe(ctx, &ctx.catch(), head.len()),
            other => ScriptError::new(other.to_string()),
        })
}

/// The prelude's files, in the order they are evaluated.
const PRELUDE: [(&str, &str); 3] = [
    ("expect.js", EXPECT_JS),
    ("crypto.js", CRYPTO_JS),
    ("pm.js", PRELUDE_JS),
];

/// Each prelude file's name and byte code.
type Bytecode = Vec<(&'static str, Vec<u8>)>;

/// The prelude as QuickJS byte code, compiled once per process: loading byte code into each
/// new runtime costs a fraction of parsing the text again.
static PRELUDE_CODE: std::sync::OnceLock<Result<Bytecode, String>> = std::sync::OnceLock::new();

fn compile_prelude(ctx: &Ctx<'_>) -> Result<Bytecode, String> {
    PRELUDE
        .iter()
        .map(|(name, source)| {
            to_bytecode(ctx, name, source)
                .map(|code| (*name, code))
                .map_err(|e| prelude_error(ctx, name, e))
        })
        .collect()
}

/// Compiles a sloppy-mode script to byte code without running it.
pub(super) fn to_bytecode(ctx: &Ctx<'_>, name: &str, source: &str) -> rquickjs::Result<Vec<u8>> {
    use rquickjs::qjs;
    let src = std::ffi::CString::new(source)?;
    let file = std::ffi::CString::new(name)?;
    let flags = (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
    // SAFETY: the context is alive, the strings are NUL-terminated and outlive the calls;
    // the compiled value and the written buffer are each freed exactly once.
    unsafe {
        let raw = ctx.as_raw().as_ptr();
        let function = qjs::JS_Eval(raw, src.as_ptr(), source.len() as _, file.as_ptr(), flags);
        if ctx.has_exception() {
            qjs::JS_FreeValue(raw, function);
            return Err(rquickjs::Error::Exception);
        }
        let mut len: qjs::size_t = 0;
        let buf = qjs::JS_WriteObject(
            raw,
            &mut len,
            function,
            (qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE) as i32,
        );
        qjs::JS_FreeValue(raw, function);
        if buf.is_null() {
            return Err(rquickjs::Error::Exception);
        }
        let code = std::slice::from_raw_parts(buf, len as usize).to_vec();
        qjs::js_free(raw, buf.cast());
        Ok(code)
    }
}

/// Runs byte code made by [`to_bytecode`] in this process.
pub(super) fn load(ctx: &Ctx<'_>, code: &[u8]) -> rquickjs::Result<()> {
    use rquickjs::qjs;
    // SAFETY: `code` comes from `JS_WriteObject` of the same QuickJS build; JS_EvalFunction
    // takes ownership of the function it is given, and its result is freed once.
    unsafe {
        let raw = ctx.as_raw().as_ptr();
        let function = qjs::JS_ReadObject(
            raw,
            code.as_ptr(),
            code.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        );
        if ctx.has_exception() {
            qjs::JS_FreeValue(raw, function);
            return Err(rquickjs::Error::Exception);
        }
        let result = qjs::JS_EvalFunction(raw, function);
        let failed = ctx.has_exception();
        qjs::JS_FreeValue(raw, result);
        if failed {
            return Err(rquickjs::Error::Exception);
        }
    }
    Ok(())
}

pub(super) fn prelude_error(ctx: &Ctx<'_>, name: &str, e: rquickjs::Error) -> String {
    let detail = match e {
        rquickjs::Error::Exception => {
            let error = ctx.catch();
            let d = describe(ctx, &error, 0);
            let stack = error
                .as_object()
                .and_then(|o| o.get::<_, Option<String>>("stack").ok().flatten())
                .unwrap_or_default();
            format!("{}{stack}", d.message)
        }
        other => other.to_string(),
    };
    format!("{name}: {detail}")
}
