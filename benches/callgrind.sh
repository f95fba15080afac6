#!/usr/bin/env bash
# User-space instructions per operation of the overhead workloads (benches/overhead.rs), for
# anysock, raw libc and std, and of the async ping-pong (benches/async.rs, workload `async`) for
# anysock on tokio and async-io against their own sockets, counted by valgrind's callgrind.
# System calls run in the kernel and are not counted, so what is left is what each library adds
# around the same syscalls; unlike a timing, the count does not depend on how busy the machine is.
#
# udp also counts the overhead bench's `typed`: libc with a `std::net::SocketAddr`, encoded on
# every send and decoded on every receive, which raw libc skips. It is the floor for any API with
# typed addresses, printed on a line of its own before the usual one:
#   callgrind floor udp typed=W (libc with the address typed: encoded per send, decoded per receive)
#   callgrind instructions/op udp anysock=X libc=Y std=Z
#
# Each implementation runs alone twice, with N and 2N iterations; the difference of the two
# totals divided by N is the cost of one iteration, with start-up and teardown cancelled out.
#
# usage: benches/callgrind.sh [socketpair|tcp|udp|async ...]    (default: the first three)
#
#   N=<iterations>  override every workload's N (defaults: socketpair 20000, tcp 2000 round trips,
#                   udp 500 bursts of 32 datagrams, reported per datagram, async 2000 round trips)
#   KEEP=1          keep the callgrind output files (for callgrind_annotate) and print where
#   VALGRIND_ARGS   extra callgrind options, e.g. "--dump-instr=yes"
#
# tcp counts both threads: one operation is a whole round trip (two sends and two receives).
set -euo pipefail

cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || {
    echo "callgrind.sh: valgrind is not installed" >&2
    exit 2
}

workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(socketpair tcp udp)
for workload in "${workloads[@]}"; do
    case $workload in
    socketpair | tcp | udp | async) ;;
    *)
        echo "callgrind.sh: unknown workload $workload (socketpair, tcp, udp, async)" >&2
        exit 2
        ;;
    esac
done

# A bench binary, as cargo names it (the JSON line of its artifact).
bench_binary() { # name cargo-args...
    local name=$1 bin
    shift
    bin=$(cargo bench --bench "$name" "$@" --no-run --message-format=json 2>/dev/null |
        grep "\"name\":\"$name\"" | grep -o '"executable":"[^"]*"' | tail -n 1 | cut -d'"' -f4)
    [ -x "$bin" ] || {
        echo "callgrind.sh: could not build or find the $name bench binary" >&2
        exit 2
    }
    echo "$bin"
}

out=$(mktemp -d "${TMPDIR:-/tmp}/anysock-callgrind.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
    echo "callgrind output files kept in $out"
else
    trap 'rm -rf "$out"' EXIT
fi

# Total instructions (Ir) of one run of one workload with one implementation.
instructions() { # bin workload impl iterations
    local bin=$1
    shift
    local file="$out/$1-$2-$3.out"
    # shellcheck disable=SC2086 # VALGRIND_ARGS is a list of options
    ANYSOCK_BENCH_ONLY="$1:$2" ANYSOCK_BENCH_ITERS="$3" \
        valgrind --tool=callgrind --callgrind-out-file="$file" ${VALGRIND_ARGS:-} "$bin" \
        >/dev/null 2>"$file.log" || {
        echo "callgrind.sh: $1:$2 failed, see below" >&2
        cat "$file.log" >&2
        exit 1
    }
    awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

# Instructions per operation: the runs of N and 2N iterations, their difference over N's ops.
per_op() { # bin workload impl iterations ops-per-iteration
    local once twice
    # A command substitution does not inherit `set -e`: stop on a failed run explicitly.
    once=$(instructions "$1" "$2" "$3" "$4") || exit 1
    twice=$(instructions "$1" "$2" "$3" $((2 * $4))) || exit 1
    awk -v a="$once" -v b="$twice" -v ops=$(($4 * $5)) 'BEGIN { printf "%.1f", (b - a) / ops }'
}

for workload in "${workloads[@]}"; do
    impls=(anysock libc std)
    case $workload in
    socketpair) n=${N:-20000} per=1 ;;
    tcp) n=${N:-2000} per=1 ;;
    udp) n=${N:-500} per=32 ;;
    async) n=${N:-2000} per=1 impls=(anysock-tokio tokio anysock-async-io async-io) ;;
    esac
    if [ "$workload" = async ]; then
        bin=$(bench_binary async --features async-io,tokio)
    else
        bin=$(bench_binary overhead)
    fi
    if [ "$workload" = udp ]; then
        floor=$(per_op "$bin" udp typed "$n" "$per")
        echo "callgrind floor udp typed=$floor" \
            "(libc with the address typed: encoded per send, decoded per receive)"
    fi
    line="callgrind instructions/op $workload"
    for impl in "${impls[@]}"; do
        line+=" $impl=$(per_op "$bin" "$workload" "$impl" "$n" "$per")"
    done
    echo "$line"
done
