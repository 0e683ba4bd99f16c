//! What one request and one client address may hold of the server. actix cuts a slow head
//! (`client_request_timeout`) but waits for a body as long as the client keeps the connection
//! open: a body shorter than its `Content-Length` held a connection with no answer for good.
//! Here a body must arrive within a deadline from the request's head, else the request is
//! answered 408 and its connection closed; and one address may have a bounded number of
//! requests in flight, so a few clients cannot hold every connection the process can open.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{web, Error, HttpMessage, HttpResponse, ResponseError};
use futures_core::Stream;

use super::error::{ApiError, ErrorCode};

/// The limits of one node, shared by its workers: the settings and the requests in flight
/// per client address.
#[derive(Clone)]
pub struct RequestLimits {
    body_timeout: Duration,
    per_address: usize,
    in_flight: InFlight,
}

impl RequestLimits {
    pub fn new(body_timeout: Duration, per_address: usize) -> Self {
        Self {
            body_timeout,
            per_address,
            in_flight: InFlight::default(),
        }
    }
}

#[derive(Clone, Default)]
struct InFlight {
    by_address: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl InFlight {
    /// Counts a request of `address`, unless it already has `limit` in flight.
    fn enter(&self, address: IpAddr, limit: usize) -> Option<InFlightGuard> {
        let mut by_address = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        let count = by_address.entry(address).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(InFlightGuard {
            in_flight: self.clone(),
            address,
        })
    }
}

/// One request in flight; it leaves the count when dropped.
struct InFlightGuard {
    in_flight: InFlight,
    address: IpAddr,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut by_address = self
            .in_flight
            .by_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(count) = by_address.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                by_address.remove(&self.address);
            }
        }
    }
}

/// Bounds the requests in flight of the client's address and the time its body may take.
pub async fn bound_requests(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(limits) = req.app_data::<web::Data<RequestLimits>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let _in_flight = match req.peer_addr() {
        Some(peer) => match limits.in_flight.enter(peer.ip(), limits.per_address) {
            Some(guard) => Some(guard),
            None => return Ok(req.into_response(closing(too_many_in_flight()))),
        },
        None => None,
    };
    let expired = Arc::new(AtomicBool::new(false));
    let body = Deadline {
        inner: req.take_payload(),
        sleep: Box::pin(tokio::time::sleep(limits.body_timeout)),
        expired: expired.clone(),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(body),
    });
    let answered = next.call(req).await;
    if !expired.load(Ordering::Acquire) {
        return answered.map(ServiceResponse::map_into_boxed_body);
    }
    let timeout = closing(body_timeout(limits.body_timeout));
    match answered {
        Ok(response) => Ok(ServiceResponse::new(response.request().clone(), timeout)),
        Err(_) => Err(actix_web::error::InternalError::from_response("", timeout).into()),
    }
}

fn body_timeout(deadline: Duration) -> ApiError {
    let seconds = deadline.as_secs();
    ApiError::new(
        ErrorCode::RequestTimeout,
        format!("The request's body did not arrive within {seconds} s."),
        format!("Le corps de la requête n'est pas arrivé en {seconds} s."),
    )
}

fn too_many_in_flight() -> ApiError {
    ApiError::new(
        ErrorCode::RateLimited,
        "Too many requests in flight from this address; retry when one has been answered.",
        "Trop de requêtes en cours depuis cette adresse ; réessayez après une réponse.",
    )
    .retry_after(1)
}

/// The error's answer, closing the connection: its body may still be on the way.
fn closing(error: ApiError) -> HttpResponse {
    let mut response = error.error_response();
    response
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    response
}

/// The request's body, failing once its deadline has passed.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<tokio::time::Sleep>>,
    expired: Arc<AtomicBool>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(chunk) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(chunk);
        }
        if self.sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.expired.store(true, Ordering::Release);
        let late = io::Error::new(io::ErrorKind::TimedOut, "the body did not arrive in time");
        Poll::Ready(Some(Err(PayloadError::Io(late))))
    }
}
