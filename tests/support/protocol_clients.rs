//! The client half of the acceptance tests, generic over any async stack: reqwless 0.14
//! fetching a page through `anysock::nal_async`, and rust-mqtt 0.6 connecting, subscribing,
//! publishing and receiving on the async streams. The servers differ: real ones on the kernel
//! (`tests/interop/async_clients.rs`), ones written on anysock's async traits on the mock
//! network (`tests/async/clients_on_mock.rs`); the clients are the same code.
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use core::net::SocketAddr;
use core::num::NonZero;
use core::time::Duration;

use anysock::asynch::{Resolve, Stack};
use anysock::nal_async::embedded_nal_async::TcpConnect as _;
use anysock::nal_async::Nal;
use rust_mqtt::buffer::AllocBuffer;
use rust_mqtt::client::event::Event;
use rust_mqtt::client::options::{
    ConnectOptions, PublicationOptions, SubscriptionOptions, TopicReference,
};
use rust_mqtt::client::Client;
use rust_mqtt::config::{KeepAlive, SessionExpiryInterval};
use rust_mqtt::types::{MqttString, TopicFilter, TopicName};

/// `GET url` with reqwless through the adapter (its `Dns` and `TcpConnect`): the status and
/// the body, which must fit in 16 KiB.
pub async fn fetch<S>(stack: &S, url: &str) -> (u16, Vec<u8>)
where
    S: Stack + Resolve + Copy,
{
    let nal = Nal::new(*stack);
    let mut client = reqwless::client::HttpClient::new(&nal, &nal);
    let mut rx = vec![0u8; 16 * 1024];
    let mut request = client
        .request(reqwless::request::Method::GET, url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e:?}"));
    let response = request.send(&mut rx).await.expect("a response");
    let status = response.status.0;
    let body = response.body().read_to_end().await.expect("the body");
    (status, body.to_vec())
}

/// The topic the MQTT client subscribes to and publishes on.
pub const TOPIC: &str = "anysock/async/test";

/// rust-mqtt's client on the stack's streams, with heap buffers.
pub type Mqtt<'c, S> = Client<'static, 'c, <S as Stack>::Stream, AllocBuffer, 1, 1, 1, 1, 16, 0, 1>;

/// Connects to the broker at `addr` (through the adapter's `TcpConnect`), retrying with
/// backoff while nobody listens there, then says hello and subscribes to [`TOPIC`] at QoS 1.
pub async fn connect_and_subscribe<S: Stack + Copy>(
    stack: &S,
    client: &mut Mqtt<'_, S>,
    addr: SocketAddr,
) {
    let nal = Nal::new(*stack);
    let mut backoff = Duration::from_millis(10);
    let conn = loop {
        match nal.connect(addr).await {
            Ok(conn) => break conn,
            Err(e) if e.kind() == anysock::ErrorKind::ConnectionRefused => {
                stack.sleep(backoff).await.unwrap();
                backoff = (backoff * 2).min(Duration::from_millis(200));
            }
            Err(e) => panic!("connect to the broker: {e}"),
        }
    };
    let options = ConnectOptions::new()
        .clean_start()
        .session_expiry_interval(SessionExpiryInterval::EndOnDisconnect)
        .keep_alive(KeepAlive::Seconds(NonZero::new(30).unwrap()));
    let id = MqttString::try_from("anysock-async-test").unwrap();
    client
        .connect(conn, &options, Some(id))
        .await
        .expect("CONNACK");
    let topic = MqttString::try_from(TOPIC).unwrap();
    let filter = TopicFilter::new(topic).unwrap();
    client
        .subscribe(filter, &SubscriptionOptions::new().at_least_once())
        .await
        .expect("SUBSCRIBE sent");
    match client.poll().await.expect("SUBACK") {
        Event::Suback(_) => {}
        other => panic!("expected SUBACK, got {other:?}"),
    }
}

/// Publishes `message` on [`TOPIC`] (at QoS 1 when `acknowledged`, else QoS 0) and waits
/// until it has come back through the subscription (and, at QoS 1, the broker acknowledged
/// it).
pub async fn publish_and_receive<S: Stack>(
    client: &mut Mqtt<'_, S>,
    message: &str,
    acknowledged: bool,
) {
    let topic = TopicName::new(MqttString::try_from(TOPIC).unwrap()).unwrap();
    let options = PublicationOptions::new(TopicReference::Name(topic));
    let options = if acknowledged {
        options.at_least_once()
    } else {
        options
    };
    client
        .publish(&options, message.as_bytes().into())
        .await
        .expect("PUBLISH sent");
    let (mut acked, mut received) = (!acknowledged, false);
    while !(acked && received) {
        match client.poll().await.expect("an event") {
            Event::PublishAcknowledged(_) => acked = true,
            Event::Publish(p) => {
                assert_eq!(&*p.message, message.as_bytes());
                received = true;
            }
            _ => {}
        }
    }
}

/// A ping: PINGREQ, and the PINGRESP that answers it.
pub async fn ping<S: Stack>(client: &mut Mqtt<'_, S>) {
    client.ping().await.expect("PINGREQ sent");
    match client.poll().await.expect("PINGRESP") {
        Event::Pingresp => {}
        other => panic!("expected PINGRESP, got {other:?}"),
    }
}
