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
//! installs both) that is a failure. Each test holds `reactors::checked`, the binary's
//! descriptor lock, and leaves no descriptor open.

use crate::protocol_clients;
use crate::{common, system};
use crate::{on_both_reactors, reactors};

use core::time::Duration;
use std::fs;
use std::path::Path;

use anysock::asynch::{timeout, Stack};
use anysock::nal_async::Nal;
use anysock::posix::asynch::{AsyncIo, Posix};

use common::TempDir;
use protocol_clients::{connect_and_subscribe, fetch, publish_and_receive, Mqtt};
use reactors::checked;
use rust_mqtt::buffer::AllocBuffer;
use rust_mqtt::client::Client;
use system::{free_port, have_tool, Daemon};

// ---------------------------------------------------------------------------------------
// reqwless against python3 -m http.server

const PAGE: &str = "<html><body>anysock async: fetched through embedded-nal-async</body></html>\n";

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
    let _fds = checked();
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
    let _fds = checked();
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

async fn mqtt_survives_a_broker_restart<S: Stack + Copy>(stack: &S, dir: &Path) {
    let port = free_port();
    let mut buffer = AllocBuffer;
    let mut client: Mqtt<'_, S> = Client::new(&mut buffer);
    let first = broker(dir, port);

    timeout(stack, Duration::from_secs(10), async {
        connect_and_subscribe(stack, &mut client, ([127, 0, 0, 1], port).into()).await;
        publish_and_receive::<S>(&mut client, "before the restart", true).await;
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
        connect_and_subscribe(stack, &mut client, ([127, 0, 0, 1], port).into()).await;
        publish_and_receive::<S>(&mut client, "after the restart", true).await;
    })
    .await
    .expect("the recovered session in time");
}

#[test]
fn rust_mqtt_publishes_receives_and_survives_a_broker_restart_on_both_reactors() {
    let _fds = checked();
    if !have_tool("mosquitto", "mosquitto") {
        return;
    }
    let dir = TempDir::new();
    on_both_reactors!(mqtt_survives_a_broker_restart, dir.path());
}
