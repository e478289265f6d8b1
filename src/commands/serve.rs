//! `strife serve`: the interactive explorer in the browser (the server is [`crate::serve`]).

use crate::cli::ServeArgs;
use crate::error::Result;

/// `strife serve`: serve the explorer of a scenario until Ctrl-C.
pub fn serve(args: &ServeArgs) -> Result<()> {
    crate::serve::serve(args)
}
