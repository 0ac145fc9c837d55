//! Sends the requests `ingest::mlflow_server` describes to a tracking server from the page,
//! and says what went wrong in words a user can act on: the server's own error message (a
//! rejected filter), or, when the browser refused to let the page read the answer, the server
//! flag that allows it. Invariant: no request carries credentials (`credentials: omit`), and
//! only the trace search is a POST (everything else avoids a CORS preflight).

use super::browser::page_base;
use crate::ingest::mlflow_server::{cors_hint, parse_error, Method, Request as MlflowRequest};
use gloo_net::http::Request;
use web_sys::{RequestCredentials, RequestMode};

/// The page's origin (`http://127.0.0.1:8080`), as a CORS flag names it.
fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(page_base)
}

/// Why a request that got no readable answer failed: refused by the browser (CORS) when an
/// opaque request to the server's `/health` gets through, else the server is not reachable.
async fn unreachable(server: &str, err: &gloo_net::Error) -> String {
    let health = format!("{}/health", server.trim_end_matches('/'));
    let answered = Request::get(&health)
        .mode(RequestMode::NoCors)
        .credentials(RequestCredentials::Omit)
        .send()
        .await
        .is_ok();
    if answered {
        cors_hint(server, &page_origin())
    } else {
        format!(
            "Could not reach the MLflow server at {server} ({err}). Is it running, and is the address right?"
        )
    }
}

/// Sends `req` to `server`; the answer's body, or what to tell the user.
pub async fn send(server: &str, req: &MlflowRequest) -> Result<Vec<u8>, String> {
    let builder = match req.method {
        Method::Get => Request::get(&req.url),
        Method::Post => Request::post(&req.url).header("Content-Type", "application/json"),
    }
    .credentials(RequestCredentials::Omit);
    let request = match &req.body {
        Some(body) => builder.body(body.clone()),
        None => builder.build(),
    }
    .map_err(|e| format!("could not make the request: {e}"))?;
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => return Err(unreachable(server, &e).await),
    };
    let body = response
        .binary()
        .await
        .map_err(|e| format!("the answer from {server} broke off: {e}"))?;
    if response.ok() {
        return Ok(body);
    }
    Err(match parse_error(&body) {
        Some(e) => format!("The MLflow server said {}: {}", e.code, e.message),
        None => format!(
            "The MLflow server answered HTTP {} {} to {}",
            response.status(),
            response.status_text(),
            req.url
        ),
    })
}
