//! Acceptance on the mock network: the real async protocol crates the POSIX acceptance tests run
//! against real servers — reqwless 0.14 through `anysock::nal_async`, rust-mqtt 0.6 on the
//! async streams — here against servers written on anysock's async traits
//! (`tests/async/servers`), with the same client code (`tests/protocol_clients`), under faults
//! (short reads and writes, latency), names from the mock's table, and the virtual clock.

use crate::mock_common;
use crate::protocol_clients;

use core::cell::Cell;
use core::time::Duration;

use anysock::asynch::{timeout, Stack as _};
use anysock::mock::asynch::Host;
use anysock::mock::trace::{Event, EventKind, Fault, Tracer};
use anysock::mock::{FaultPlan, Net};
use anysock::nal_async::embedded_nal_async::{AddrType, Dns as _};
use anysock::nal_async::Nal;
use embassy_futures::join::join;
use embassy_futures::select::{select, Either};
use rust_mqtt::buffer::AllocBuffer;
use rust_mqtt::client::options::DisconnectOptions;
use rust_mqtt::client::Client;

use crate::servers::{http, mqtt};
use mock_common::addr;
use protocol_clients::{connect_and_subscribe, fetch, ping, publish_and_receive, Mqtt};

const MS: Duration = Duration::from_millis(1);

/// Counts the faults the network applied, by kind.
#[derive(Debug, Default)]
struct Faults {
    short_io: u32,
    latency: u32,
}

impl Tracer for Faults {
    fn record(&mut self, event: &Event<'_>) {
        match event.kind {
            EventKind::Fault {
                fault: Fault::ShortIo,
                ..
            } => self.short_io += 1,
            EventKind::Fault {
                fault: Fault::Latency(_),
                ..
            } => self.latency += 1,
            _ => {}
        }
    }
}

type FaultyNet<'t> = Net<32, 4096, 8, &'t mut Faults>;

/// Two hosts, the server's named `name`: (server, client).
fn hosts<'n, 't>(
    net: &'n FaultyNet<'t>,
    name: &str,
) -> (
    Host<'n, 32, 4096, 8, &'t mut Faults>,
    Host<'n, 32, 4096, 8, &'t mut Faults>,
) {
    let server = net
        .host([10, 0, 0, 1].into(), "fd00::1".parse().unwrap())
        .unwrap();
    let client = net
        .host([10, 0, 0, 2].into(), "fd00::2".parse().unwrap())
        .unwrap();
    net.name(name, server).unwrap();
    (server.asynch(), client.asynch())
}

/// The end of a run that raced a client story against its server: the server must not stop
/// first, and the story must finish in time.
fn finished<A: core::fmt::Debug, E: core::fmt::Debug>(raced: Either<A, Result<(), E>>, what: &str) {
    match raced {
        Either::Second(Ok(())) => {}
        Either::Second(Err(e)) => panic!("{what} did not finish in time: {e:?}"),
        Either::First(stopped) => panic!("the server stopped during {what}: {stopped:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// reqwless against an HTTP server on anysock's async traits

#[test]
fn reqwless_fetches_pages_through_short_reads_writes_and_latency() {
    let mut faults = Faults::default();
    let served = Cell::new(0);
    let page: Vec<u8> = (0..8_000u32)
        .map(|i| b"anysock async on the mock\n"[i as usize % 26])
        .collect();
    {
        let net: FaultyNet<'_> = Net::with_tracer(&mut faults);
        net.set_seed(3);
        net.set_faults(FaultPlan::new().latency(2 * MS..20 * MS).max_chunk(7));
        let (web, browser) = hosts(&net, "web.test");
        let mut listener = web.listen(&addr("10.0.0.1:80"), 4).unwrap();
        let pages: &[(&str, &[u8])] = &[("/index.html", &page)];
        let browse = async {
            for url in [
                "http://web.test/index.html",
                "http://10.0.0.1:80/index.html",
            ] {
                let (status, body) = fetch(&browser, url).await;
                assert_eq!(status, 200, "{url}");
                assert!(
                    body == page,
                    "{url}: {} of {} bytes, intact",
                    body.len(),
                    page.len()
                );
            }
            let (status, body) = fetch(&browser, "http://web.test/missing.html").await;
            assert_eq!((status, &body[..]), (404, &b"not found\n"[..]));
        };
        let bounded = timeout(&browser, Duration::from_secs(60), browse);
        let server =
            http::serve::<Host<'_, 32, 4096, 8, &mut Faults>>(&mut listener, pages, &served);
        finished(net.run(select(server, bounded)).unwrap(), "the fetches");
        assert!(
            net.now() > Duration::ZERO,
            "latency cost virtual time, no real time"
        );
        drop(listener);
        assert_eq!(net.open_sockets(), 0);
    }
    assert_eq!(served.get(), 3);
    assert!(
        faults.short_io > 100 && faults.latency > 100,
        "the fetches went through faults: {faults:?}"
    );
}

// ---------------------------------------------------------------------------------------
// rust-mqtt against a broker on anysock's async traits

#[test]
fn rust_mqtt_publishes_receives_and_recovers_from_broker_restarts() {
    let mut faults = Faults::default();
    let stats = mqtt::Stats::default();
    {
        let net: FaultyNet<'_> = Net::with_tracer(&mut faults);
        net.set_seed(5);
        net.set_faults(FaultPlan::new().latency(MS..10 * MS).max_chunk(5));
        let (broker, client_host) = hosts(&net, "broker.test");
        type H<'n, 't> = Host<'n, 32, 4096, 8, &'t mut Faults>;
        let listen_addr = addr("10.0.0.1:1883");
        let mut buffer = AllocBuffer;
        let mut client: Mqtt<'_, H<'_, '_>> = Client::new(&mut buffer);

        // The broker's address, by name, through embedded-nal-async's `Dns`.
        let ip = net
            .run(Nal::new(client_host).get_host_by_name("broker.test", AddrType::Either))
            .unwrap()
            .unwrap();
        let broker_addr = core::net::SocketAddr::new(ip, 1883);

        // A session: subscribe, publish at QoS 1 and QoS 0 and receive both, ping.
        let mut listener = broker.listen(&listen_addr, 4).unwrap();
        let first = async {
            connect_and_subscribe(&client_host, &mut client, broker_addr).await;
            publish_and_receive::<H>(&mut client, "at least once", true).await;
            publish_and_receive::<H>(&mut client, "at most once", false).await;
            ping::<H>(&mut client).await;
        };
        let first = timeout(&client_host, Duration::from_secs(30), first);
        let server = mqtt::serve::<H>(&mut listener, &stats);
        finished(net.run(select(server, first)).unwrap(), "the first session");

        // Restart 1: the broker's task ends, closing its listener and its connection; a new
        // one listens on the same address 300 ms later. The client finds the connection gone,
        // reconnects with backoff (refused meanwhile), and goes on.
        drop(listener);
        let restarted = async {
            broker.sleep(300 * MS).await?;
            let mut listener = broker.listen(&listen_addr, 4)?;
            mqtt::serve::<H>(&mut listener, &stats).await
        };
        let recover = async {
            let lost = client.poll().await;
            assert!(lost.is_err(), "the connection is gone: {lost:?}");
            drop(client.abort().await.expect("the old connection back"));
            connect_and_subscribe(&client_host, &mut client, broker_addr).await;
            publish_and_receive::<H>(&mut client, "after the restart", true).await;
        };
        let recover = timeout(&client_host, Duration::from_secs(30), recover);
        finished(net.run(select(restarted, recover)).unwrap(), "the recovery");

        // Restart 2: the broker's host crashes mid-session, and boots again 200 ms later with
        // a new broker on the same address.
        let crashing = async {
            let mut listener = broker.listen(&listen_addr, 4)?;
            let crash = async {
                broker.sleep(100 * MS).await?;
                net.crash(broker);
                Ok::<_, anysock::Error>(())
            };
            let (died, crashed) = join(mqtt::serve::<H>(&mut listener, &stats), crash).await;
            crashed?;
            assert_eq!(died.unwrap_err().kind(), anysock::ErrorKind::BadDescriptor);
            drop(listener);
            broker.sleep(200 * MS).await?;
            let mut listener = broker.listen(&listen_addr, 4)?;
            mqtt::serve::<H>(&mut listener, &stats).await
        };
        let recover = async {
            // The last broker's task ended with the last run: that connection is closed.
            let lost = client.poll().await;
            assert!(lost.is_err(), "closed with the broker's task: {lost:?}");
            drop(client.abort().await.expect("the old connection back"));
            connect_and_subscribe(&client_host, &mut client, broker_addr).await;
            publish_and_receive::<H>(&mut client, "before the crash", true).await;
            let lost = client.poll().await;
            assert!(lost.is_err(), "reset by the crash: {lost:?}");
            drop(client.abort().await.expect("the old connection back"));
            connect_and_subscribe(&client_host, &mut client, broker_addr).await;
            publish_and_receive::<H>(&mut client, "after the crash", true).await;
            client
                .disconnect(&DisconnectOptions::new())
                .await
                .expect("DISCONNECT sent");
        };
        let recover = timeout(&client_host, Duration::from_secs(30), recover);
        finished(
            net.run(select(crashing, recover)).unwrap(),
            "the recovery from the crash",
        );
        drop(client);
        assert_eq!(net.open_sockets(), 0);
    }
    assert_eq!(stats.sessions.get(), 4, "{stats:?}");
    assert_eq!(
        (stats.published.get(), stats.delivered.get()),
        (5, 5),
        "{stats:?}"
    );
    assert_eq!(stats.pings.get(), 1, "{stats:?}");
    assert!(faults.short_io > 10 && faults.latency > 10, "{faults:?}");
}
