//! The three checks cases are written with. Each failure records its line.

/// Fails the case with `$what` unless `$cond` holds.
macro_rules! ensure {
    ($cond:expr, $what:expr) => {
        if !$cond {
            return Err($crate::conformance::Stop::Failed(
                $crate::conformance::Failure {
                    line: line!(),
                    what: $what,
                    error: None,
                },
            ));
        }
    };
}

/// The value of a `Result`, or the case fails with `$what` and the error.
macro_rules! must {
    ($result:expr, $what:expr) => {
        match $result {
            Ok(v) => v,
            Err(e) => {
                return Err($crate::conformance::Stop::Failed(
                    $crate::conformance::Failure {
                        line: line!(),
                        what: $what,
                        error: Some(e),
                    },
                ))
            }
        }
    };
}

/// The error of a `Result` that must fail with a kind matching `$kind`; otherwise the case fails
/// with `$what` (and the wrong error, if any).
macro_rules! fails {
    ($result:expr, $kind:pat, $what:expr) => {
        match $result {
            Ok(_) => {
                return Err($crate::conformance::Stop::Failed(
                    $crate::conformance::Failure {
                        line: line!(),
                        what: concat!($what, ", but it succeeded"),
                        error: None,
                    },
                ))
            }
            Err(e) if matches!(e.kind(), $kind) => e,
            Err(e) => {
                return Err($crate::conformance::Stop::Failed(
                    $crate::conformance::Failure {
                        line: line!(),
                        what: $what,
                        error: Some(e),
                    },
                ))
            }
        }
    };
}

/// An array of [`crate::conformance::Case`]s from the names of case functions generic over `$h`.
macro_rules! case_list {
    ($h:ident: $($name:ident),* $(,)?) => {
        [$($crate::conformance::Case::<$h> { name: stringify!($name), run: $name::<$h> }),*]
    };
}
