//! Progress of the long stages (normalize, compare, score, survive, report) as one bar with an
//! ETA — on a terminal only: on a pipe, in a log file or under cron nothing is drawn.
//!
//! One bar at a time, for the whole process: a stage starts it with its number of steps, the code
//! doing the work ticks it from any thread, the next stage replaces it.

use std::io::IsTerminal;
use std::sync::RwLock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static BAR: RwLock<Option<ProgressBar>> = RwLock::new(None);

/// Whether bars are drawn: stderr is a terminal and `STEWARD_PROGRESS` is not `0`.
fn enabled() -> bool {
    std::env::var_os("STEWARD_PROGRESS").is_none_or(|v| v != "0") && std::io::stderr().is_terminal()
}

/// Starts the bar of a stage of `len` steps, ending the previous stage's.
pub fn stage(name: &str, len: u64) {
    let bar = enabled().then(|| {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{prefix:>9} [{bar:30}] {human_pos}/{human_len} {elapsed} ETA {eta}",
        )
        .expect("progress template parses")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(name.to_string());
        bar
    });
    let mut current = BAR.write().unwrap_or_else(|e| e.into_inner());
    if let Some(old) = current.take() {
        old.finish_and_clear();
    }
    *current = bar;
}

/// `n` more steps of the current stage done.
pub fn tick(n: u64) {
    if let Some(bar) = BAR.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        bar.inc(n);
    }
}

/// The last stage is over: clears the bar.
pub fn done() {
    if let Some(bar) = BAR.write().unwrap_or_else(|e| e.into_inner()).take() {
        bar.finish_and_clear();
    }
}
