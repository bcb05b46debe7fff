//! The `steward` command line: parses arguments and hands over to the library. One file per
//! subcommand under `cmd/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// A run allocates and frees millions of small strings (raw values, normalized fields, keys);
/// mimalloc does that in about half the time of the system allocator, on every thread. It is built
/// without transparent huge pages: with them the kernel zeroes whole 2 MiB pages for a few small
/// allocations, which cost a fifth of a run's CPU time and inflated its resident memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Customer data quality and deduplication for CRM migrations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read the exports, match them into golden records, and write the reports.
    Run(cmd::run::Args),
    /// Show how one golden record was built: its records, the pairs joining them, refused joins.
    Explain(cmd::explain::Args),
    /// Record a steward's decision in the state store: must-link, cannot-link, pin a field.
    Decide(cmd::decide::Args),
}

/// `mi_option_purge_delay` in mimalloc.h (the bindings name it by an older number).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Inputs of about this many bytes of text or more make a large run (see [`tune_allocator`]).
const LARGE_RUN_BYTES: u64 = 64 << 20;

/// How soon freed memory goes back to the system, for a run over about `input_bytes` of text. A
/// large run returns it within 10 ms: a stage's leftovers would otherwise still count when the
/// next stage builds its own (the peak of a million-record run is a tenth lower; at once, 0, saves
/// a little more memory, but pages freed and taken again cost the kernel up to a quarter of a
/// run's time). A small run is over in a second or two and its peak is small: it keeps what it
/// frees for a second, for its next stage, instead of having the kernel zero the same pages
/// again (a twentieth of an incremental run's time). `MIMALLOC_PURGE_DELAY` still decides when
/// set. Called before any thread but the main one runs.
pub(crate) fn tune_allocator(input_bytes: u64) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let delay_ms: std::ffi::c_long = if input_bytes >= LARGE_RUN_BYTES {
        10
    } else {
        1000
    };
    // SAFETY: sets an option while no other thread runs; mimalloc reads it when it purges.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay_ms) };
}

/// SQLite's own memory (its page cache above all: a run that writes its changes holds thousands
/// of changed pages) from the same allocator as the rest of the run. Left to the C library's, it
/// gets an arena for each thread that uses the store, grown one page at a time (a system call for
/// each of those pages), whose memory nothing else can reuse.
fn sqlite_memory_from_mimalloc() {
    use std::ffi::{c_int, c_void};

    use libmimalloc_sys::{mi_free, mi_good_size, mi_malloc, mi_realloc, mi_usable_size};
    use rusqlite::ffi;

    // SQLite never asks for a negative size; a size that does not fit its `int` is reported as
    // the largest that does.
    fn size(n: c_int) -> usize {
        usize::try_from(n).unwrap_or(0)
    }
    fn int(n: usize) -> c_int {
        c_int::try_from(n).unwrap_or(c_int::MAX)
    }
    unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
        // SAFETY: mimalloc's malloc takes any size (null when out of memory, as SQLite expects).
        unsafe { mi_malloc(size(n)) }
    }
    unsafe extern "C" fn free(p: *mut c_void) {
        // SAFETY: SQLite frees only what `malloc` or `realloc` above gave it.
        unsafe { mi_free(p) }
    }
    unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
        // SAFETY: as `free`.
        unsafe { mi_realloc(p, size(n)) }
    }
    unsafe extern "C" fn usable(p: *mut c_void) -> c_int {
        // SAFETY: as `free`.
        int(unsafe { mi_usable_size(p) })
    }
    unsafe extern "C" fn roundup(n: c_int) -> c_int {
        // SAFETY: a pure function of the size.
        int(unsafe { mi_good_size(size(n)) })
    }
    unsafe extern "C" fn init(_: *mut c_void) -> c_int {
        ffi::SQLITE_OK
    }
    unsafe extern "C" fn shutdown(_: *mut c_void) {}
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(malloc),
        xFree: Some(free),
        xRealloc: Some(realloc),
        xSize: Some(usable),
        xRoundup: Some(roundup),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: called once, before any other thread runs and before SQLite is first used; SQLite
    // copies the methods before returning. Should it refuse, it keeps its own allocator.
    let _ = unsafe {
        ffi::sqlite3_config(
            ffi::SQLITE_CONFIG_MALLOC,
            &methods as *const ffi::sqlite3_mem_methods,
        )
    };
}

fn main() -> ExitCode {
    sqlite_memory_from_mimalloc();
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => cmd::run::main(args),
        Command::Explain(args) => cmd::explain::main(args),
        Command::Decide(args) => cmd::decide::main(args),
    }
}
