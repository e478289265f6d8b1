//! Tools for people who write scenarios: list the shipped scenarios, start a new one from a
//! template, explain one as a tree, re-run one whenever it changes, shell completions.

pub mod explain;
pub mod list;
pub mod new;
pub mod watch;

pub use explain::explain;
pub use list::list;
pub use new::new;
pub use watch::watch;

/// Print `text` on stdout; a reader that has gone (`strife explain … | head`) is not an error.
pub fn print_stdout(text: &str) -> crate::error::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(crate::error::Error::Internal(
            format!("writing to stdout: {e}"),
        )),
        _ => Ok(()),
    }
}
