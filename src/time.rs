//! UTC time without a calendar library: formatting timestamps and reading the gateway's ISO 8601.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2026-11-24 11:15:42 UTC`.
pub fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Read `2026-11-23T11:13:39.225004+00:00`, `2026-11-23 11:13:39Z`, `2026-11-24 11:16:43 UTC`
/// or a bare date; returns Unix seconds.
pub fn parse_utc(text: &str) -> Option<i64> {
    let t = text.trim();
    let date = t.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut unix = days_from_civil(y, m, d) * 86_400;
    let rest = &t[10..];
    if rest.is_empty() {
        return Some(unix);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let hms = rest.get(..8)?;
    let mut f = hms.split(':');
    let h: i64 = f.next()?.parse().ok()?;
    let mi: i64 = f.next()?.parse().ok()?;
    let s: i64 = f.next()?.parse().ok()?;
    unix += h * 3600 + mi * 60 + s;
    // Skip fractional seconds, then read the offset.
    let zone = rest[8..]
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit())
        .trim();
    let offset = match zone {
        "" | "Z" | "UTC" | "+00:00" => 0,
        z if (z.starts_with('+') || z.starts_with('-')) && z.len() == 6 => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            // By `get`, never by index: the text is pasted and may hold any character.
            let oh: i64 = z.get(1..3)?.parse().ok()?;
            let om: i64 = z.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(unix - offset)
}

// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A duration in milliseconds, as reports show it: `0.4 ms`, `12 ms`.
pub fn ms(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// "in 3 days", "2 hours ago": a rough human distance between two instants.
pub fn relative(from: i64, to: i64) -> String {
    let delta = to.saturating_sub(from);
    let abs = delta.unsigned_abs();
    let (n, unit) = if abs < 3600 {
        (abs / 60, "minute")
    } else if abs < 86_400 {
        (abs / 3600, "hour")
    } else {
        (abs / 86_400, "day")
    };
    let s = if n == 1 { "" } else { "s" };
    if delta >= 0 {
        format!("in {n} {unit}{s}")
    } else {
        format!("{n} {unit}{s} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        let t = parse_utc("2026-11-24 11:16:43 UTC").unwrap();
        assert_eq!(format_utc(t), "2026-11-24 11:16:43 UTC");
        assert_eq!(
            parse_utc("2026-11-23T11:13:39.225004+00:00"),
            parse_utc("2026-11-23 11:13:39Z")
        );
        assert_eq!(
            parse_utc("2026-11-23T12:13:39+01:00"),
            parse_utc("2026-11-23T11:13:39Z")
        );
        assert_eq!(
            format_utc(parse_utc("2024-02-29").unwrap()),
            "2024-02-29 00:00:00 UTC"
        );
        assert_eq!(parse_utc("not a date"), None);
        assert_eq!(parse_utc("2026-13-01"), None);
    }

    #[test]
    fn odd_offsets_are_no_time() {
        assert_eq!(parse_utc("2026-11-23T11:13:39+0é00"), None);
        assert_eq!(parse_utc("2026-11-23T11:13:39+é000"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC*") {
            let _ = parse_utc(&text);
        }

        #[test]
        fn never_panics_on_time_like_text(
            date in "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            sep in proptest::sample::select(vec!["", "T", " ", "x"]),
            hms in "[0-9:é]{0,9}",
            zone in "[+\\-Z0-9:.éU TC]{0,8}",
        ) {
            let _ = parse_utc(&format!("{date}{sep}{hms}{zone}"));
        }

        #[test]
        fn relative_never_panics(from in proptest::num::i64::ANY, to in proptest::num::i64::ANY) {
            let _ = relative(from, to);
            let _ = format_utc(from);
        }
    }

    #[test]
    fn relative_distances() {
        assert_eq!(relative(0, 3 * 86_400 + 5), "in 3 days");
        assert_eq!(relative(7200, 0), "2 hours ago");
        assert_eq!(relative(0, 60), "in 1 minute");
    }
}
