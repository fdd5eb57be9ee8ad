//! Where the authorization code comes back: a loopback listener that serves every
//! connection on its own (an idle or slow connection cannot hold up the login) and ignores
//! callbacks without the login's `state`, and the redirected URL or bare code a user pastes.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use url::Url;

use super::{AuthError, Notice, Ui};

/// How long one connection may take to send its request, and to take the answer.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest request head read from a connection.
const MAX_HEAD: usize = 16 * 1024;

/// Connections served at once; more are closed unanswered until some finish.
const MAX_CONNECTIONS: usize = 64;

/// What one callback carried.
#[derive(Debug, PartialEq)]
enum Hit {
    /// A code with the login's state.
    Code(String),
    /// An error with the login's state.
    Denied {
        error: String,
        description: Option<String>,
    },
    /// A code or an error without the login's state: stale or forged.
    Foreign,
    /// Anything else (a favicon, a probe, a connection that sent nothing).
    Other,
}

/// Reads a callback's query pairs against the login's `state`.
fn hit(pairs: &[(String, String)], state: &str) -> Hit {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let error = get("error");
    let code = get("code");
    if error.is_none() && code.is_none() {
        return Hit::Other;
    }
    if get("state").as_deref() != Some(state) {
        return Hit::Foreign;
    }
    match (error, code) {
        (Some(error), _) => Hit::Denied {
            error,
            description: get("error_description"),
        },
        (None, Some(code)) => Hit::Code(code),
        (None, None) => Hit::Other,
    }
}

/// Answers callback hits until one carries the login's state with a code or an error.
pub(super) async fn accept(
    listener: &TcpListener,
    state: &str,
    ui: &dyn Ui,
) -> Result<String, AuthError> {
    let (tx, mut rx) = mpsc::channel::<Hit>(MAX_CONNECTIONS);
    // Dropped on return: connections still open are closed then.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted
                    .map_err(|e| AuthError::Network(format!("login callback: {e}")))?;
                if connections.len() >= MAX_CONNECTIONS {
                    continue;
                }
                let tx = tx.clone();
                let state = state.to_string();
                connections.spawn(async move {
                    let hit = serve(stream, &state).await;
                    let _ = tx.send(hit).await;
                });
            }
            Some(hit) = rx.recv() => match hit {
                Hit::Code(code) => return Ok(code),
                Hit::Denied { error, description } => {
                    return Err(AuthError::Denied { error, description });
                }
                Hit::Foreign => ui.notice(Notice::Warning(
                    "ignored a login callback without this login's state (a stale or forged redirect); still waiting for the login".into(),
                )),
                Hit::Other => {}
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Reads one request head, answers it with a short page, and says what it carried.
async fn serve(mut stream: TcpStream, state: &str) -> Hit {
    let mut buf = Vec::with_capacity(2048);
    let read = tokio::time::timeout(CONNECTION_TIMEOUT, async {
        let mut chunk = [0u8; 2048];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_HEAD {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    if read.is_err() && buf.is_empty() {
        return Hit::Other;
    }
    let head = String::from_utf8_lossy(&buf);
    let target = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/");
    let pairs: Vec<(String, String)> = Url::parse(&format!("http://localhost{target}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let hit = hit(&pairs, state);
    let (status, text) = match &hit {
        Hit::Other => ("404 Not Found", "Waiting for the login callback.".to_string()),
        Hit::Code(_) => (
            "200 OK",
            "Login complete. You can close this window and return to runner.".to_string(),
        ),
        Hit::Denied { error, .. } => (
            "200 OK",
            format!("Login failed ({}). You can close this window.", html(error)),
        ),
        Hit::Foreign => (
            "400 Bad Request",
            "This login response does not belong to the login runner is waiting for (its state differs); it was ignored.".to_string(),
        ),
    };
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>runner</title></head><body><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = tokio::time::timeout(CONNECTION_TIMEOUT, async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    hit
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Reads what a user pasted: the redirected URL (or its query), whose `state`, when
/// present, must be the login's; or the bare code.
pub(super) fn parse_pasted(line: &str, state: &str) -> Result<String, AuthError> {
    let line = line.trim();
    if line.is_empty() {
        return Err(AuthError::Interaction(
            "nothing was pasted: paste the URL the browser was redirected to, or the code".into(),
        ));
    }
    let query = match Url::parse(line) {
        Ok(url) if url.cannot_be_a_base() => None,
        Ok(url) => {
            let query = url.query().unwrap_or_default();
            if query.is_empty() {
                // `response_mode=fragment` puts the answer after `#`.
                Some(url.fragment().unwrap_or_default().to_string())
            } else {
                Some(query.to_string())
            }
        }
        Err(_) if line.contains("code=") || line.contains("error=") => {
            Some(line.rsplit_once('?').map_or(line, |(_, q)| q).to_string())
        }
        Err(_) => None,
    };
    let Some(query) = query else {
        if line.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AuthError::Interaction(
                "the pasted text is neither a redirected URL nor a code".into(),
            ));
        }
        return Ok(line.to_string());
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if get("state").is_some_and(|s| s != state) {
        return Err(AuthError::Interaction(
            "the pasted URL's state does not match the login request: it belongs to another login or was forged; nothing was cached".into(),
        ));
    }
    if let Some(error) = get("error") {
        return Err(AuthError::Denied {
            error,
            description: get("error_description"),
        });
    }
    get("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AuthError::Interaction("the pasted URL holds no `code`".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn callbacks_without_the_state_are_foreign() {
        assert_eq!(hit(&pairs("code=c&state=s1"), "s1"), Hit::Code("c".into()));
        assert_eq!(hit(&pairs("code=c&state=s2"), "s1"), Hit::Foreign);
        assert_eq!(hit(&pairs("code=c"), "s1"), Hit::Foreign);
        assert_eq!(hit(&pairs("error=access_denied"), "s1"), Hit::Foreign);
        assert_eq!(
            hit(&pairs("error=access_denied&state=s1"), "s1"),
            Hit::Denied {
                error: "access_denied".into(),
                description: None
            }
        );
        assert_eq!(hit(&pairs(""), "s1"), Hit::Other);
    }

    #[test]
    fn pasted_url_query_and_bare_code() {
        let ok = |line: &str| parse_pasted(line, "s1").ok();
        assert_eq!(
            ok("https://x.test/cb?code=abc&state=s1"),
            Some("abc".into())
        );
        assert_eq!(ok("  https://x.test/cb?code=abc  \n"), Some("abc".into()));
        assert_eq!(ok("https://x.test/cb?code=abc"), Some("abc".into()));
        assert_eq!(
            ok("https://x.test/cb#code=abc&state=s1"),
            Some("abc".into())
        );
        assert_eq!(ok("?code=abc&state=s1"), Some("abc".into()));
        assert_eq!(ok("code=abc&state=s1"), Some("abc".into()));
        assert_eq!(ok("abc123"), Some("abc123".into()));
        assert_eq!(ok("AQID-x_y.z~=="), Some("AQID-x_y.z~==".into()));
        assert_eq!(ok("https://x.test/cb?code=abc&state=bad"), None);
        assert_eq!(ok("https://x.test/cb?state=s1"), None);
        assert_eq!(ok("two words"), None);
        assert_eq!(ok(""), None);
        assert!(matches!(
            parse_pasted("https://x.test/cb?error=access_denied&state=s1", "s1"),
            Err(AuthError::Denied { .. })
        ));
    }
}
