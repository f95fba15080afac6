//! The async stories of `async_common`, the same code `async_posix.rs` runs on the kernel under
//! both reactors, on the mock network under its driver (`Net::run`): each on a fresh network,
//! on the virtual clock, and each leaves no socket open.

mod async_common;
mod mock_common;

use anysock::mock::Net;
use async_common::*;

macro_rules! on_the_mock {
    ($story:ident) => {{
        let net: Net = Net::new();
        let host = mock_common::host(&net).asynch();
        net.run($story(&host)).unwrap();
        assert_eq!(net.open_sockets(), 0);
    }};
}

#[test]
fn echo_to_end_of_stream_on_the_mock() {
    on_the_mock!(echo_to_end_of_stream);
}

#[test]
fn a_timed_out_read_leaves_the_bytes_readable_on_the_mock() {
    on_the_mock!(a_timed_out_read_leaves_the_bytes_readable);
}

#[test]
fn a_cancelled_read_loses_nothing_on_the_mock() {
    on_the_mock!(a_cancelled_read_loses_nothing);
}

#[test]
fn a_cancelled_accept_leaves_the_connection_queued_on_the_mock() {
    on_the_mock!(a_cancelled_accept_leaves_the_connection_queued);
}

#[test]
fn a_refused_connect_is_typed_on_the_mock() {
    on_the_mock!(a_refused_connect_is_typed);
}

#[test]
fn the_long_way_connects_too_on_the_mock() {
    on_the_mock!(the_long_way_connects_too);
}

#[test]
fn datagrams_keep_their_boundaries_on_the_mock() {
    on_the_mock!(datagrams_keep_their_boundaries);
}

#[test]
fn sleeping_runs_on_the_stacks_clock_on_the_mock() {
    on_the_mock!(sleeping_runs_on_the_stacks_clock);
}

#[test]
fn a_socketpair_talks_on_the_mock() {
    on_the_mock!(a_socketpair_talks);
}

#[test]
fn two_readers_share_one_stream_on_the_mock() {
    on_the_mock!(two_readers_share_one_stream);
}
