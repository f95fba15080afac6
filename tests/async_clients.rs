//! Acceptance: real async protocol crates on anysock's async POSIX stack, on both reactors,
//! against real servers that are not ours.
//!
//! - reqwless 0.14 (through `anysock::nal_async`: `TcpConnect` and `Dns`) fetches a page from
//!   `python3 -m http.server`, by name and by address.
//! - rust-mqtt 0.6 (on the async streams, which are `embedded_io_async` readers and writers)
//!   subscribes, publishes and receives its own message through a `mosquitto` broker the test
//!   starts on a port it chose; the broker is killed and started again, and the client notices,
//!   reconnects with backoff, and goes on.
//!
//! Outside CI, a test whose server program is missing says it skipped; in CI (`.ci/run`
//! installs both) that is a failure.

mod common;
mod reactors;

use core::num::NonZero;
use core::time::Duration;
use std::fs;
use std::path::Path;

use anysock::asynch::{timeout, Stack};
use anysock::nal_async::embedded_nal_async::TcpConnect as _;
use anysock::nal_async::Nal;
use anysock::posix::asynch::{AsyncIo, Posix};

use common::{free_port, Daemon, TempDir};

/// Whether `program` is installed; when not, the test says why it does nothing — except in
/// CI (`CI` set), which installs it, where its absence is a failure.
fn installed(program: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{program} is not installed"
    );
    if !found {
        eprintln!("{program} is not installed: skipped (.ci/run installs it)");
    }
    found
}

// ---------------------------------------------------------------------------------------
// reqwless against python3 -m http.server

const PAGE: &str = "<html><body>anysock async: fetched through embedded-nal-async</body></html>\n";

/// `GET url` with reqwless through the adapter: the status and the body.
async fn fetch<S>(stack: &S, url: &str) -> (u16, Vec<u8>)
where
    S: Stack + anysock::asynch::Resolve + Copy,
{
    let nal = Nal::new(*stack);
    let mut client = reqwless::client::HttpClient::new(&nal, &nal);
    let mut rx = [0u8; 4096];
    let mut request = client
        .request(reqwless::request::Method::GET, url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e:?}"));
    let response = request.send(&mut rx).await.expect("a response");
    let status = response.status.0;
    let body = response.body().read_to_end().await.expect("the body");
    (status, body.to_vec())
}

async fn reqwless_fetches_a_page<S>(stack: &S, port: u16)
where
    S: Stack + anysock::asynch::Resolve + Copy,
{
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("http://{host}:{port}/index.html");
        let (status, body) = timeout(stack, Duration::from_secs(10), fetch(stack, &url))
            .await
            .expect("the fetch finished in time");
        assert_eq!(status, 200, "{url}");
        assert_eq!(String::from_utf8_lossy(&body), PAGE, "{url}");
    }
    let missing = format!("http://127.0.0.1:{port}/missing.html");
    let (status, _) = fetch(stack, &missing).await;
    assert_eq!(status, 404);
}

#[test]
fn reqwless_fetches_a_page_from_python_http_server_on_both_reactors() {
    let dir = TempDir::new();
    fs::write(dir.path().join("index.html"), PAGE).unwrap();
    let port = free_port();
    let port_arg = port.to_string();
    // `::` serves IPv6 and IPv4 (dual stack), whichever `localhost` resolves to first.
    let server = Daemon::spawn(
        "python3",
        &["-m", "http.server", &port_arg, "--bind", "::"],
        dir.path(),
        port,
    );
    on_both_reactors!(reqwless_fetches_a_page, server.port());
}

#[test]
fn a_name_that_does_not_exist_is_a_typed_error_through_dns() {
    use anysock::nal_async::embedded_nal_async::{AddrType, Dns as _};
    let nal = Nal::new(Posix::<AsyncIo>::new());
    let missing =
        async_io::block_on(nal.get_host_by_name("no-such-host.invalid", AddrType::Either));
    assert_eq!(
        missing.unwrap_err().kind(),
        anysock::ErrorKind::HostNotFound
    );
    let local = async_io::block_on(nal.get_host_by_name("localhost", AddrType::IPv4));
    assert_eq!(local.unwrap(), core::net::IpAddr::from([127, 0, 0, 1]));
}

// ---------------------------------------------------------------------------------------
// rust-mqtt against mosquitto

use rust_mqtt::buffer::AllocBuffer;
use rust_mqtt::client::event::Event;
use rust_mqtt::client::options::{
    ConnectOptions, PublicationOptions, SubscriptionOptions, TopicReference,
};
use rust_mqtt::client::Client;
use rust_mqtt::config::{KeepAlive, SessionExpiryInterval};
use rust_mqtt::types::{MqttString, TopicFilter, TopicName};

const TOPIC: &str = "anysock/async/test";

/// A mosquitto broker of its own: anonymous, on loopback, on `port`, in `dir`, logging only
/// its errors and warnings.
fn broker(dir: &Path, port: u16) -> Daemon {
    let conf = dir.join("mosquitto.conf");
    fs::write(
        &conf,
        format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n\
             log_type error\nlog_type warning\n"
        ),
    )
    .unwrap();
    Daemon::spawn("mosquitto", &["-c", conf.to_str().unwrap()], dir, port)
}

type Mqtt<'c, S> = Client<'static, 'c, <S as Stack>::Stream, AllocBuffer, 1, 1, 1, 1, 16, 0, 1>;

/// Connects (through the adapter's `TcpConnect`), retrying with backoff while the broker is
/// not there, then says hello and subscribes to [`TOPIC`].
async fn connect_and_subscribe<S: Stack + Copy>(stack: &S, client: &mut Mqtt<'_, S>, port: u16) {
    let nal = Nal::new(*stack);
    let addr = core::net::SocketAddr::from(([127, 0, 0, 1], port));
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

/// Publishes `message` at QoS 1 and waits until it has come back through the subscription
/// (and the broker acknowledged it).
async fn publish_and_receive<S: Stack>(client: &mut Mqtt<'_, S>, message: &str) {
    let topic = TopicName::new(MqttString::try_from(TOPIC).unwrap()).unwrap();
    let options = PublicationOptions::new(TopicReference::Name(topic)).at_least_once();
    client
        .publish(&options, message.as_bytes().into())
        .await
        .expect("PUBLISH sent");
    let (mut acked, mut received) = (false, false);
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

async fn mqtt_survives_a_broker_restart<S: Stack + Copy>(stack: &S, dir: &Path) {
    let port = free_port();
    let mut buffer = AllocBuffer;
    let mut client: Mqtt<'_, S> = Client::new(&mut buffer);
    let first = broker(dir, port);

    timeout(stack, Duration::from_secs(10), async {
        connect_and_subscribe(stack, &mut client, port).await;
        publish_and_receive::<S>(&mut client, "before the restart").await;
    })
    .await
    .expect("the first session in time");

    // The broker dies without a word; the client finds out at its next read.
    first.kill();
    let lost = timeout(stack, Duration::from_secs(10), client.poll())
        .await
        .expect("the client noticed in time");
    assert!(lost.is_err(), "the connection is gone: {lost:?}");
    drop(client.abort().await.expect("the old connection back"));

    let _second = broker(dir, port);
    timeout(stack, Duration::from_secs(10), async {
        connect_and_subscribe(stack, &mut client, port).await;
        publish_and_receive::<S>(&mut client, "after the restart").await;
    })
    .await
    .expect("the recovered session in time");
}

#[test]
fn rust_mqtt_publishes_receives_and_survives_a_broker_restart_on_both_reactors() {
    if !installed("mosquitto") {
        return;
    }
    let dir = TempDir::new();
    on_both_reactors!(mqtt_survives_a_broker_restart, dir.path());
}
