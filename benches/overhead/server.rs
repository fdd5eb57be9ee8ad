//! The HTTP server the benchmark talks to: an axum router on 127.0.0.1:0, in its own
//! thread and single-threaded runtime, serving two fixed JSON documents and counting the
//! TCP connections it accepts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::serve::ListenerExt;
use serde_json::{Value, json};

/// Items in the small document (`/small`).
pub const SMALL_ITEMS: usize = 10;

/// The large document (`/large`) grows until it reaches this size in bytes.
pub const LARGE_BYTES: usize = 100 * 1024;

/// A running server. It lives as long as the process: the benchmark ends by exiting.
pub struct BenchServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    /// Number of items in the large document.
    pub large_items: usize,
    /// Size of the large document in bytes.
    pub large_len: usize,
}

impl BenchServer {
    /// Binds 127.0.0.1:0 and serves in a background thread.
    pub fn start() -> BenchServer {
        let small = Bytes::from(document(SMALL_ITEMS).to_string());
        let (large, large_items) = large_document();
        let large_len = large.len();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        let app = Router::new()
            .route("/small", get(move || json_response(small.clone())))
            .route("/large", get(move || json_response(large.clone())));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("local address");
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener)
                    .expect("listener")
                    .tap_io(move |stream| {
                        let _ = stream.set_nodelay(true);
                        counter.fetch_add(1, Ordering::Relaxed);
                    });
                let _ = axum::serve(listener, app).await;
            });
        });
        BenchServer {
            addr,
            connections,
            large_items,
            large_len,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

async fn json_response(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], Bytes) {
    ([(CONTENT_TYPE, "application/json")], body)
}

/// `{"items":[{"id":1,"status":"OK",...},...],"totalResults":N}`.
fn document(items: usize) -> Value {
    let items: Vec<Value> = (1..=items)
        .map(|id| {
            json!({
                "id": id,
                "name": format!("Item {id}"),
                "status": "OK",
                "description": "A connection used by the benchmark; the text pads each item.",
            })
        })
        .collect();
    json!({ "items": items, "totalResults": items.len() })
}

/// The smallest document of that shape of at least [`LARGE_BYTES`], and its item count.
fn large_document() -> (Bytes, usize) {
    let per_item = document(1).to_string().len().max(1);
    let mut items = LARGE_BYTES / per_item;
    loop {
        let text = document(items).to_string();
        if text.len() >= LARGE_BYTES {
            return (Bytes::from(text), items);
        }
        items += 1 + (LARGE_BYTES - text.len()) / per_item;
    }
}
