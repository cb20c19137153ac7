//! The targets a monitor watches, as `--config FILE` lists them (TOML): names, base URLs, models
//! and where each key comes from — never the key itself.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One target of a config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetConfig {
    /// The `target` label and the `/probe?target=` name.
    pub name: String,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub key: KeySource,
}

/// Where a target's key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A file holding the key (read at every run, so a rotated key is picked up).
    File(PathBuf),
    /// The name of an environment variable holding the key.
    Env(String),
    /// The usual inputs: flags, environment, `.env` (the target given on the command line).
    Inputs,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    base_url: Option<String>,
    model: Option<String>,
    key_file: Option<PathBuf>,
    key_env: Option<String>,
    // Accepted by the parser only to refuse it with a clear word, without echoing it.
    key: Option<serde::de::IgnoredAny>,
}

/// The most targets one monitor watches: each is a series set and a schedule.
pub const MAX_TARGETS: usize = 100;

/// Whether `name` may be a target name: a short label value, safe in a URL's query.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Read and check a config file. Errors name the file and the line, never a value from it.
pub fn load(path: &Path) -> Result<Vec<TargetConfig>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
    parse(&text).map_err(|why| format!("{}: {why}", path.display()))
}

/// Parse a config file's text.
pub fn parse(text: &str) -> Result<Vec<TargetConfig>, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let why = without_quoted(e.message());
        match line {
            Some(n) => format!("line {n}: {why}"),
            None => why,
        }
    })?;
    if raw.target.is_empty() {
        return Err("no targets: add a `[[target]]` table with a name".to_owned());
    }
    if raw.target.len() > MAX_TARGETS {
        return Err(format!("more than {MAX_TARGETS} targets"));
    }
    let mut targets: Vec<TargetConfig> = Vec::new();
    for (i, t) in raw.target.into_iter().enumerate() {
        let which = format!("target {}", i + 1);
        if !valid_name(&t.name) {
            return Err(format!(
                "{which}: a name is 1 to 64 letters, digits, `_`, `-` or `.`"
            ));
        }
        let which = format!("target `{}`", t.name);
        if targets.iter().any(|seen| seen.name == t.name) {
            return Err(format!("{which} is listed twice"));
        }
        if t.key.is_some() {
            return Err(format!(
                "{which}: a key does not belong in the config file; name a file (key_file) or an \
                 environment variable (key_env) that holds it"
            ));
        }
        let key = match (t.key_file, t.key_env) {
            (Some(file), None) => KeySource::File(file),
            (None, Some(var)) if !var.is_empty() && !var.contains('=') => KeySource::Env(var),
            (None, Some(_)) => return Err(format!("{which}: key_env must name a variable")),
            (Some(_), Some(_)) => {
                return Err(format!("{which}: key_file and key_env are exclusive"));
            }
            (None, None) => return Err(format!("{which}: needs key_file or key_env")),
        };
        targets.push(TargetConfig {
            name: t.name,
            base_url: t.base_url,
            model: t.model,
            key,
        });
    }
    Ok(targets)
}

/// A parser's message with every quoted value elided: a key pasted into the wrong place must not
/// come back in the error.
fn without_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                out.push(c);
                quote = Some(c);
            }
            None => out.push(c),
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    out.lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_lists_targets_with_their_key_sources() {
        let targets = parse(
            r#"
            [[target]]
            name = "prod"
            base_url = "https://litellm.tensorloop.tech/v1"
            model = "gpt-4o"
            key_env = "PROD_KEY"

            [[target]]
            name = "staging"
            key_file = "/etc/tlcheck/staging.key"
            "#,
        )
        .unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].key, KeySource::Env("PROD_KEY".to_owned()));
        assert_eq!(targets[0].model.as_deref(), Some("gpt-4o"));
        assert_eq!(
            targets[1].key,
            KeySource::File(PathBuf::from("/etc/tlcheck/staging.key"))
        );
    }

    #[test]
    fn a_key_in_the_config_is_refused_without_being_echoed() {
        let secret = "sk-config-secret-0000000042";
        for text in [
            format!("[[target]]\nname = \"a\"\nkey = \"{secret}\"\n"),
            format!("[[target]]\nname = [\"{secret}\"]\nkey_env = \"K\"\n"),
            format!("[[target]]\nname = \"a\"\nkey_env = \"K\"\napi_key = \"{secret}\"\n"),
            format!("[[target]]\nname = \"a\nkey_env = \"{secret}\"\n"),
        ] {
            let why = parse(&text).unwrap_err();
            assert!(!why.contains(secret), "{why}");
            assert!(!why.contains("config-secret"), "{why}");
        }
    }

    #[test]
    fn bad_configs_are_refused_clearly() {
        let cases = [
            ("", "no targets"),
            ("[[target]]\nname = \"a b\"\nkey_env = \"K\"\n", "a name is"),
            (
                "[[target]]\nname = \"a\"\nkey_env = \"K\"\n[[target]]\nname = \"a\"\nkey_env = \"K\"\n",
                "listed twice",
            ),
            ("[[target]]\nname = \"a\"\n", "needs key_file or key_env"),
            (
                "[[target]]\nname = \"a\"\nkey_env = \"K\"\nkey_file = \"f\"\n",
                "exclusive",
            ),
            (
                "[[target]]\nname = \"a\"\nkey_env = \"K\"\nurl = \"x\"\n",
                "line 4",
            ),
        ];
        for (text, expected) in cases {
            let why = parse(text).unwrap_err();
            assert!(why.contains(expected), "{text:?}: {why}");
        }
    }
}
