//! The process's memory, as the operating system counts it: reported per stage in summary.json.

/// The peak resident set size of the process so far, in MiB (`VmHWM` of `/proc/self/status`);
/// `None` where the system does not tell.
pub fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024)
}

/// Let the calling thread run only on a core nothing else wants (Linux's idle scheduling class),
/// for work done ahead of its need: it fills the gaps of a stage that leaves a core idle, and never
/// slows the stages that keep both busy. Elsewhere, or when refused, the thread runs as before.
pub fn background() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid sched_param; pid 0 is the calling thread.
        let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn peak_grows_with_what_is_held() {
        let before = super::peak_rss_mib().expect("Linux reports VmHWM");
        // Held where the optimizer cannot see it unused (it may leave out an allocation it can).
        let held = std::hint::black_box(vec![1u8; 64 << 20]);
        let after = super::peak_rss_mib().unwrap();
        assert!(after >= before + 60, "{before} MiB then {after} MiB");
        drop(std::hint::black_box(held));
    }
}
