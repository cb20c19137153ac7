//! Redaction cost: a 10 MB key registered and hidden in a 1 MB text, and a 1 MB paste holding
//! 50,000 key-like tokens, each timed, with the process's peak memory. Run with
//! `cargo bench --bench redaction`.

use std::time::Instant;
use tlcheck::redact::Redactor;
use tlcheck::secret::ApiKey;

/// Peak resident memory of this process so far, in MB.
fn peak_mb() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage fills the struct.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    let usage = unsafe { usage.assume_init() };
    usage.ru_maxrss as f64 / 1024.0
}

fn main() {
    let before = peak_mb();

    // A 10 MB key, registered; then a 1 MB text that holds it once (cut to fit) and runs of it.
    let key = format!(
        "sk-{}",
        "0123456789abcdefghijklmnopqrstuvwxyz".repeat(10 * 1024 * 1024 / 36)
    );
    let started = Instant::now();
    let mut run = Redactor::new();
    run.add_key(&ApiKey::new(key.as_str()));
    let registered = started.elapsed();
    let mut text = String::with_capacity(1024 * 1024);
    while text.len() < 1024 * 1024 {
        text.push_str("an answer that echoes sk-0123456789abcdefghij and more words; ");
    }
    let started = Instant::now();
    let out = run.redact(&text);
    let redacted = started.elapsed();
    assert!(out.len() <= text.len() + 16);
    let started = Instant::now();
    let with_key = format!("{}{key}", &text[..1024]);
    let hidden = run.redact(&with_key);
    assert!(!hidden.contains(&key[..64]));
    let whole = started.elapsed();
    println!(
        "10 MB key: register {registered:.2?}, redact a 1 MB text {redacted:.2?}, hide the key in \
         a 10 MB text {whole:.2?}; peak memory {:.1} MB (from {before:.1} MB)",
        peak_mb()
    );

    // A 1 MB paste with 50,000 distinct key-like tokens.
    let mut paste = String::with_capacity(1024 * 1024);
    for i in 0..50_000 {
        paste.push_str(&format!("sk-{i:012}x "));
    }
    while paste.len() < 1024 * 1024 {
        paste.push('.');
    }
    let mut pasted = Redactor::new();
    pasted.hide_key_like_words();
    let started = Instant::now();
    let out = pasted.redact(&paste);
    let elapsed = started.elapsed();
    assert!(!out.contains("sk-000000049999x"));
    assert!(!pasted.leaks(&out));
    println!(
        "1 MB paste with 50,000 tokens: redact {elapsed:.2?}; peak memory {:.1} MB",
        peak_mb()
    );
}
