//! A network namespace of the run's own, so the kernel side sees only its own sockets: the
//! program runs itself again under `unshare --net`, with `lo` brought up, and the copy does
//! the work. Where that cannot be done (not root, no `unshare` or `ip`), the run stays on the
//! host's loopback, and says so.

use std::env;
use std::process::{Command, Output, Stdio};

/// Where this process stands.
#[derive(Debug)]
pub enum Entered {
    /// This is the copy inside the namespace: do the work.
    Inside,
    /// The copy inside the namespace ran, and this is what it printed and how it ended.
    Ran(Output),
    /// No namespace could be made (why): do the work here, on the host's loopback.
    Unavailable(String),
}

/// Runs this program again with `args` inside a new network namespace, `var` set in its
/// environment so it knows it is inside (the copy's call returns [`Entered::Inside`]).
/// With `capture`, the copy's output is collected into [`Entered::Ran`]; without, it goes
/// straight to this process's own.
pub fn enter(var: &str, args: &[String], capture: bool) -> Entered {
    if env::var_os(var).is_some() {
        return Entered::Inside;
    }
    if let Some(why) = unavailable() {
        return Entered::Unavailable(why);
    }
    let exe = match env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return Entered::Unavailable(format!("no path to this program: {e}")),
    };
    let mut command = Command::new("unshare");
    command
        .args([
            "--net",
            "--",
            "sh",
            "-c",
            r#"ip link set lo up && exec "$0" "$@""#,
        ])
        .arg(exe)
        .args(args)
        .env(var, "1");
    if !capture {
        command.stdout(Stdio::inherit()).stderr(Stdio::inherit());
    }
    match command.output() {
        Ok(out) => Entered::Ran(out),
        Err(e) => Entered::Unavailable(format!("unshare: {e}")),
    }
}

/// Why no namespace can be made here, if none can: `unshare --net` must work (it needs root
/// or a user namespace), and `ip` must exist to bring `lo` up.
fn unavailable() -> Option<String> {
    let probe = Command::new("unshare")
        .args(["--net", "--", "ip", "link", "set", "lo", "up"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    match probe {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!(
            "unshare --net: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Some(format!("unshare: {e}")),
    }
}
