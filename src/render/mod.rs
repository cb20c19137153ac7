//! Renderers: each turns a finished report (or the catalog) into text. They only read.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;

/// The schema version of every JSON document tlcheck prints. Changes are additive only.
pub const SCHEMA_VERSION: u32 = 1;

/// Wrap `text` to `width` columns, every line after the first indented by `indent` spaces.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> String {
    let avail = width.saturating_sub(indent).max(20);
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if line_len > 0 && line_len + 1 + w > avail {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_on_words_with_indent() {
        assert_eq!(wrap("aaa bbb ccc ddd", 27, 4), "aaa bbb ccc ddd");
        let long = "word ".repeat(12);
        let wrapped = wrap(&long, 30, 2);
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 30),
            "{wrapped}"
        );
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("  ")));
    }
}
