//! The firmware's logic on the mock network, one thread and a virtual clock: the console
//! commands, the client limit, over-long lines, the HTTP reply, telemetry timing and the
//! control socket. The same code runs in `examples/firmware` over the kernel's sockets.

use crate::{bench, mock_common};

use std::time::Duration;

use anysock::embedded_io::Write;
use anysock::{Datagram, Endpoint as _, Stack};

use bench::app;
use bench::app::args::{parse, ArgError, Parsed};
use bench::app::{Running, CLIENTS, LINE_MAX};
use bench::{is_reading, read_all, with_net, Bench, COLLECTOR, CONSOLE, CONTROL, HTTP};
use mock_common::addr;

#[test]
fn console_commands_answer_one_line_each() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let mut c = bench.client(CONSOLE);
        assert!(is_reading(
            &bench.ask(&mut c, b"GET temperature\n"),
            "temperature"
        ));
        assert!(is_reading(
            &bench.ask(&mut c, b"get HUMIDITY\r\n"),
            "HUMIDITY"
        ));
        assert_eq!(
            bench.ask(&mut c, b"GET pressure\n"),
            ("ERR unknown sensor\n".into(), false)
        );
        assert_eq!(
            bench.ask(&mut c, b"\n"),
            (String::new(), false),
            "an empty line is ignored"
        );
        assert_eq!(
            bench.ask(&mut c, b"SET interval 250\n"),
            ("OK interval 250\n".into(), false)
        );
        // Decimal digits only, in range.
        for bad in [
            "5",
            "+100",
            "-100",
            "0x100",
            "1e3",
            "100ms",
            "99999999999999999999999",
        ] {
            assert_eq!(
                bench.ask(&mut c, format!("SET interval {bad}\n").as_bytes()),
                ("ERR bad interval\n".into(), false),
                "{bad}"
            );
        }
        let (stats, open) = bench.ask(&mut c, b"STATS\n");
        assert!(!open);
        assert!(stats.starts_with("OK uptime_ms="), "{stats}");
        assert!(
            stats.contains(" interval_ms=250 clients=1 commands=12 "),
            "{stats}"
        );
        // Two commands in one write get two replies, in order.
        let (two, _) = bench.ask(&mut c, b"GET uptime\nGET temperature\n");
        assert_eq!(two.lines().count(), 2, "{two}");
        assert_eq!(bench.ask(&mut c, b"QUIT\n"), ("OK bye\n".into(), true));
        // The node keeps the slot until the client closes its side too (or `LINGER` passes).
        assert_eq!(bench.node.state().stats.clients, 1);
        drop(c);
        bench.steps(1);
        assert_eq!(bench.node.state().stats.clients, 0);
    });
}

#[test]
fn unknown_commands_and_long_lines_end_only_their_client() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let mut good = bench.client(CONSOLE);
        let mut bad = bench.client(CONSOLE);
        let mut long = bench.client(CONSOLE);
        assert_eq!(
            bench.ask(&mut bad, b"FROBNICATE\n"),
            ("ERR unknown command\n".into(), true)
        );
        assert!(
            bench
                .ask(
                    &mut bad,
                    b"STATS extra
"
                )
                .1,
            "still closed"
        );
        // A line that does not fit, in pieces, with no newline.
        let chunk = [b'x'; LINE_MAX / 2];
        long.write_all(&chunk).unwrap();
        bench.steps(2);
        assert_eq!(
            read_all(&mut long),
            (String::new(), false),
            "half a line: waiting"
        );
        assert_eq!(
            bench.ask(&mut long, &chunk),
            ("ERR line too long\n".into(), true)
        );
        assert!(is_reading(
            &bench.ask(&mut good, b"GET temperature\n"),
            "temperature"
        ));
        // The two keep their slots until they close too, or for `LINGER` at most.
        let (stats, _) = bench.ask(&mut good, b"STATS\n");
        assert!(stats.contains("clients=3 "), "{stats}");
        bench.advance(app::conn::LINGER);
        let (stats, _) = bench.ask(&mut good, b"STATS\n");
        assert!(stats.contains("clients=1 "), "{stats}");
        assert!(stats.contains("rejected=2 "), "{stats}");
    });
}

#[test]
fn clients_beyond_the_limit_are_turned_away() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let mut clients: Vec<_> = (0..CLIENTS).map(|_| bench.client(CONSOLE)).collect();
        let mut extra = bench.client(CONSOLE);
        bench.steps(1);
        assert_eq!(
            read_all(&mut extra),
            ("ERR too many clients\n".into(), true)
        );
        for c in &mut clients {
            assert!(is_reading(&bench.ask(c, b"GET humidity\n"), "humidity"));
        }
        // A slot freed is a slot for the next client.
        drop(clients.pop());
        bench.steps(1);
        let mut next = bench.client(CONSOLE);
        assert_eq!(bench.ask(&mut next, b"QUIT\n"), ("OK bye\n".into(), true));
    });
}

#[test]
fn http_status_is_a_well_formed_response() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let mut c = bench.client(HTTP);
        let (reply, closed) = bench.ask(&mut c, b"GET /status HTTP/1.1\r\nHost: node\r\n\r\n");
        assert!(closed, "Connection: close");
        let (head, body) = reply.split_once("\r\n\r\n").expect("a head and a body");
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("\r\nContent-Type: application/json\r\n"),
            "{head}"
        );
        assert!(
            head.contains(&format!("\r\nContent-Length: {}\r\n", body.len())),
            "{head}"
        );
        assert!(
            body.starts_with("{\"uptime_ms\":") && body.ends_with("}\n"),
            "{body}"
        );
        for (request, status) in [
            (
                &b"GET /nope HTTP/1.1\r\n\r\n"[..],
                "HTTP/1.1 404 Not Found\r\n",
            ),
            (
                b"POST /status HTTP/1.1\r\n\r\n",
                "HTTP/1.1 405 Method Not Allowed\r\n",
            ),
            (b"hello\n\n", "HTTP/1.1 400 Bad Request\r\n"),
        ] {
            let mut c = bench.client(HTTP);
            let (reply, closed) = bench.ask(&mut c, request);
            assert!(closed && reply.starts_with(status), "{reply}");
        }
        let mut huge = bench.client(HTTP);
        let (reply, _) = bench.ask(&mut huge, &[b'a'; app::http::REQUEST_MAX]);
        assert!(reply.starts_with("HTTP/1.1 431 "), "{reply}");
    });
}

#[test]
fn telemetry_leaves_every_interval_on_the_virtual_clock() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let mut collector = bench.peer.bind(&addr(COLLECTOR)).unwrap();
        collector.set_nonblocking(true).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while net.now() < Duration::from_secs(3) {
            bench.steps(1);
            while let Ok((got, _from)) = collector.recv_from(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..got.len]).into_owned();
                seen.push((net.now(), text));
            }
        }
        let times: Vec<_> = seen.iter().map(|(t, _)| t.as_millis()).collect();
        assert_eq!(times, [1000, 2000, 3000], "{seen:?}");
        assert!(
            seen[0]
                .1
                .starts_with("telemetry seq=0 uptime_ms=1000 temperature="),
            "{seen:?}"
        );
        assert!(seen[2].1.starts_with("telemetry seq=2 "), "{seen:?}");

        // A new interval counts from the command.
        let mut c = bench.client(CONSOLE);
        // One step: the command is read and answered at once, without waiting.
        c.write_all(b"SET interval 300\n").unwrap();
        bench.steps(1);
        let set_at = net.now();
        assert_eq!(read_all(&mut c).0, "OK interval 300\n");
        seen.clear();
        while net.now() < set_at + Duration::from_millis(900) {
            bench.steps(1);
            while let Ok((got, _)) = collector.recv_from(&mut buf) {
                seen.push((
                    net.now(),
                    String::from_utf8_lossy(&buf[..got.len]).into_owned(),
                ));
            }
        }
        let gaps: Vec<_> = seen
            .iter()
            .map(|(t, _)| (*t - set_at).as_millis())
            .collect();
        assert_eq!(gaps, [300, 600, 900], "{seen:?}");
    });
}

#[test]
fn the_control_socket_takes_the_same_commands_and_shutdown_closes_everything() {
    with_net(|net| {
        let before = net.open_sockets();
        let mut bench = Bench::new(net);
        let mut console = bench.client(CONSOLE);
        let mut ctl = bench
            .node_host
            .bind(&addr("unix:/run/ctl-client.sock"))
            .unwrap();
        ctl.set_nonblocking(true).unwrap();
        let mut ask = |bench: &mut Bench, line: &[u8]| {
            ctl.send_to(line, &addr(CONTROL)).unwrap();
            let running = bench.steps(1);
            let mut buf = [0u8; 256];
            let reply = match ctl.recv_from(&mut buf) {
                Ok((got, _)) => String::from_utf8_lossy(&buf[..got.len]).into_owned(),
                Err(e) => format!("no reply: {e}"),
            };
            (reply, running)
        };
        let (reading, running) = ask(&mut bench, b"GET temperature");
        assert!(is_reading(&(reading, false), "temperature") && running == Running::Yes);
        assert_eq!(ask(&mut bench, b"QUIT\n").0, "OK bye\n");
        assert_eq!(ask(&mut bench, b"NOPE").0, "ERR unknown command\n");
        assert_eq!(
            ask(&mut bench, &[b'x'; LINE_MAX + 1]).0,
            "ERR line too long\n"
        );
        let (stats, _) = ask(&mut bench, b"STATS");
        assert!(stats.contains("clients=1 "), "{stats}");
        assert_eq!(
            ask(&mut bench, b"SHUTDOWN"),
            ("OK shutting down\n".into(), Running::Stopped)
        );
        drop(bench);
        assert_eq!(
            read_all(&mut console),
            (String::new(), true),
            "the console client sees the end"
        );
        drop((console, ctl));
        assert_eq!(net.open_sockets(), before, "every socket closed");
    });
}

#[test]
fn shutdown_on_the_console_answers_then_stops() {
    with_net(|net| {
        let mut bench = Bench::new(net);
        let mut c = bench.client(CONSOLE);
        c.write_all(b"SHUTDOWN\n").unwrap();
        assert_eq!(bench.steps(3), Running::Stopped);
        assert_eq!(read_all(&mut c).0, "OK shutting down\n");
    });
}

#[test]
fn sensors_are_integers_shown_with_two_decimals() {
    use app::console::sensor;
    use app::text::Centi;
    assert_eq!(sensor(b"temperature", Duration::ZERO), Some(Centi(2150)));
    assert_eq!(sensor(b"uptime", Duration::from_secs(7)), Some(Centi(700)));
    assert_eq!(sensor(b"pressure", Duration::ZERO), None);
    assert_eq!(Centi(2150).to_string(), "21.50");
    assert_eq!(Centi(-5).to_string(), "-0.05");
    assert_eq!(Centi(i32::MIN).to_string(), "-21474836.48");
}

#[test]
fn the_command_line_is_checked() {
    let words = |s: &'static str| s.split(' ').map(str::as_bytes).collect::<Vec<_>>();
    let good = "--console 127.0.0.1:7000 --http [::1]:8080 --telemetry 127.0.0.1:9000 \
                --control unix:/tmp/n.sock --interval-ms 250";
    let Ok(Parsed::Run(c)) = parse(words(good)) else {
        panic!("a good command line")
    };
    assert_eq!(c.interval, Duration::from_millis(250));
    assert_eq!(c.idle, Duration::from_secs(30), "the default idle limit");
    assert_eq!(c.http, addr("[::1]:8080"));
    let with_idle = format!("{good} --idle-ms 0250");
    let Ok(Parsed::Run(c)) = parse(with_idle.split(' ').map(str::as_bytes)) else {
        panic!("a good command line")
    };
    assert_eq!(c.idle, Duration::from_millis(250));
    assert_eq!(parse(words("--help")), Ok(Parsed::Help));
    let cases: [(&str, ArgError); 14] = [
        ("--console", ArgError::MissingValue("--console")),
        ("--console 1.2.3", ArgError::BadValue("--console", b"1.2.3")),
        ("--loud yes", ArgError::UnknownFlag(b"--loud")),
        ("--console 127.0.0.1:1 --console 127.0.0.1:2", ArgError::Repeated("--console")),
        (
            "--console 127.0.0.1:1 --http 127.0.0.1:2 --telemetry 127.0.0.1:3 --control 127.0.0.1:4",
            ArgError::ControlNotUnix,
        ),
        ("--interval-ms 0", ArgError::BadValue("--interval-ms", b"0")),
        // Numbers are decimal digits only; `unix:` escapes exactly two hex digits.
        ("--interval-ms +100", ArgError::BadValue("--interval-ms", b"+100")),
        ("--interval-ms 1e3", ArgError::BadValue("--interval-ms", b"1e3")),
        ("--idle-ms +1000", ArgError::BadValue("--idle-ms", b"+1000")),
        ("--idle-ms 9", ArgError::BadValue("--idle-ms", b"9")),
        ("--idle-ms 86400001", ArgError::BadValue("--idle-ms", b"86400001")),
        ("--idle-ms 10 --idle-ms 10", ArgError::Repeated("--idle-ms")),
        ("--control unix:/tmp/\\x+f", ArgError::BadValue("--control", b"unix:/tmp/\\x+f")),
        ("--control unix:@a\\x4", ArgError::BadValue("--control", b"unix:@a\\x4")),
    ];
    for (line, want) in cases {
        assert_eq!(parse(words(line)), Err(want), "{line}");
    }
    assert_eq!(
        parse(words("--http 127.0.0.1:2")),
        Err(ArgError::Missing("--console"))
    );
    let message = ArgError::BadValue("--interval-ms", b"0").to_string();
    assert!(
        !message.contains('\n') && message.contains("10..=86400000"),
        "{message}"
    );
    // Whatever was typed, the message is one line of plain text.
    let message = ArgError::BadValue("--console", b"a\nb\"\xff").to_string();
    assert_eq!(message, r#"bad address for --console: "a\x0ab\"\xff""#);
}
