//! Inputs with provenance: where the key, base URL and model came from, and what each shadowed.

use crate::catalog::{CANONICAL_BASE_URL, DEFAULT_MODEL};
use crate::redact::mask_url_credentials;
use crate::secret::ApiKey;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variables tlcheck reads, in the order it prefers them.
pub const KEY_VARS: [&str; 2] = ["TENSORLOOP_KEY", "OPENAI_API_KEY"];
pub const BASE_URL_VARS: [&str; 2] = ["TENSORLOOP_BASE_URL", "OPENAI_BASE_URL"];
pub const MODEL_VARS: [&str; 1] = ["TENSORLOOP_MODEL"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A command-line flag (`--base-url`).
    Flag,
    /// The command's positional argument (`tlcheck url URL`).
    Argument,
    /// Standard input (`tlcheck header -`).
    Stdin,
    /// A file named by `--key-file`.
    KeyFile,
    /// A process environment variable.
    Env,
    /// A variable in the working directory's `.env` file (read, never exported).
    DotEnv,
    /// Typed at a hidden prompt.
    Prompt,
    /// Built in.
    Default,
}

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Source {
    pub kind: SourceKind,
    /// The flag, variable or path; empty for defaults.
    pub name: String,
}

impl Source {
    pub fn new(kind: SourceKind, name: impl Into<String>) -> Self {
        Source {
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SourceKind::Flag => write!(f, "flag {}", self.name),
            SourceKind::Argument => f.write_str("the command argument"),
            SourceKind::Stdin => f.write_str("standard input"),
            SourceKind::KeyFile => write!(f, "key file {}", self.name),
            SourceKind::Env => write!(f, "environment variable {}", self.name),
            SourceKind::DotEnv => write!(f, "{} in ./.env", self.name),
            SourceKind::Prompt => f.write_str("the prompt"),
            SourceKind::Default => f.write_str("default"),
        }
    }
}

/// A source that also held a value but lost to a preferred one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Shadowed {
    #[serde(flatten)]
    pub source: Source,
    /// Whether it held the same value as the winner (no disagreement then).
    pub same_value: bool,
    /// Its value as it may be shown (a key's fingerprint, a URL with credentials masked).
    pub shown: String,
}

/// A resolved value with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
    pub shadowed: Vec<Shadowed>,
}

impl<T> Sourced<T> {
    /// The shadowed sources whose value differs from the winner's.
    pub fn disagreements(&self) -> impl Iterator<Item = &Source> {
        self.shadowed
            .iter()
            .filter(|s| !s.same_value)
            .map(|s| &s.source)
    }
}

/// What tlcheck checks: the gateway's base URL, the key and the model.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub base_url: Option<Sourced<String>>,
    pub key: Option<Sourced<ApiKey>>,
    pub model: Option<Sourced<String>>,
    /// Sources that were set but empty (evidence for `key.missing`).
    pub empty_key_sources: Vec<Source>,
    /// Base-URL and model sources that were set but empty (evidence for `url.conflict` and
    /// `model.conflict`: an SDK reading them gets nothing).
    pub empty_url_sources: Vec<Source>,
    pub empty_model_sources: Vec<Source>,
    /// Problems with the inputs that do not stop the run (a key file others can read), for
    /// standard error.
    pub warnings: Vec<String>,
}

/// The input flags, as parsed.
#[derive(Clone, Debug, Default)]
pub struct InputArgs {
    pub key: Option<String>,
    pub key_file: Option<PathBuf>,
    pub base_url: Option<String>,
    pub model: Option<String>,
}

/// An input that makes the run impossible (exit 2): an unreadable key file, say.
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Variables of a `.env` file. Read, never exported to the environment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DotEnv(HashMap<String, String>);

impl DotEnv {
    /// Read `.env` from `dir`: `Ok(None)` when there is none; `Err` says why one that exists
    /// cannot be used (unreadable, a directory, larger than [`crate::files::DOTENV_CAP`]).
    pub fn load(dir: &Path) -> Result<Option<DotEnv>, String> {
        let path = dir.join(".env");
        match crate::files::read_regular(&path, crate::files::DOTENV_CAP) {
            Ok(bytes) => Ok(Some(DotEnv::parse(&String::from_utf8_lossy(&bytes)))),
            Err(crate::files::FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(e) => Err(format!("./.env is ignored: {e}")),
        }
    }

    /// Parse the common `.env` dialect: `NAME=value`, optional `export `, `#` comments, single
    /// quotes taken literally, double quotes with `\"`, `\\` and `\n` escapes, later lines winning.
    pub fn parse(text: &str) -> DotEnv {
        let mut vars = HashMap::new();
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                continue;
            }
            vars.insert(name.to_owned(), parse_dotenv_value(value.trim_start()));
        }
        DotEnv(vars)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

fn parse_dotenv_value(value: &str) -> String {
    if let Some(rest) = value.strip_prefix('\'') {
        return rest.split('\'').next().unwrap_or("").to_owned();
    }
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return out,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                other => out.push(other),
            }
        }
        return out;
    }
    let value = match value.find(" #") {
        Some(i) => &value[..i],
        None => value,
    };
    value.trim_end().to_owned()
}

/// Collects candidate values in order of preference; the first non-empty one wins.
struct Candidates<T> {
    found: Vec<(Source, T)>,
    empty: Vec<Source>,
}

impl<T> Candidates<T> {
    fn new() -> Self {
        Candidates {
            found: Vec::new(),
            empty: Vec::new(),
        }
    }

    fn offer(&mut self, source: Source, value: Option<T>, is_empty: impl Fn(&T) -> bool) {
        match value {
            Some(v) if is_empty(&v) => self.empty.push(source),
            Some(v) => self.found.push((source, v)),
            None => {}
        }
    }

    fn resolve(
        self,
        same: impl Fn(&T, &T) -> bool,
        show: impl Fn(&T) -> String,
    ) -> (Option<Sourced<T>>, Vec<Source>) {
        let mut found = self.found.into_iter();
        let Some((source, value)) = found.next() else {
            return (None, self.empty);
        };
        // A default is no source to report as shadowed.
        let shadowed = found
            .filter(|(s, _)| s.kind != SourceKind::Default)
            .map(|(s, v)| Shadowed {
                same_value: same(&value, &v),
                shown: show(&v),
                source: s,
            })
            .collect();
        (
            Some(Sourced {
                value,
                source,
                shadowed,
            }),
            self.empty,
        )
    }
}

/// Resolve key, base URL and model from flags, the environment (`env`), the `.env` file and
/// defaults, remembering where each came from.
pub fn resolve(
    args: &InputArgs,
    env: &dyn Fn(&str) -> Option<String>,
    dotenv: Option<&DotEnv>,
) -> Result<Target, InputError> {
    let from_dotenv = |name: &str| dotenv.and_then(|d| d.get(name)).map(str::to_owned);
    let blank = |s: &String| s.trim().is_empty();

    let mut keys = Candidates::new();
    if let Some(k) = &args.key {
        keys.offer(
            Source::new(SourceKind::Flag, "--key"),
            Some(k.clone()),
            blank,
        );
    }
    let mut warnings = Vec::new();
    if let Some(path) = &args.key_file {
        let source = Source::new(SourceKind::KeyFile, path.display().to_string());
        keys.offer(source, Some(read_key_file(path)?), blank);
        if let Some(mode) = crate::files::readable_by_others(path) {
            warnings.push(format!(
                "key file {} can be read by others (mode {mode:03o}); restrict it with `chmod 600 {}`",
                path.display(),
                path.display()
            ));
        }
    }
    for var in KEY_VARS {
        keys.offer(Source::new(SourceKind::Env, var), env(var), blank);
    }
    for var in KEY_VARS {
        keys.offer(
            Source::new(SourceKind::DotEnv, var),
            from_dotenv(var),
            blank,
        );
    }
    let (key, empty_key_sources) = keys.resolve(
        |a, b| ApiKey::new(a.as_str()).normalized() == ApiKey::new(b.as_str()).normalized(),
        |k| ApiKey::new(k.as_str()).fingerprint().short,
    );

    for (flag, value) in [("--base-url", &args.base_url), ("--model", &args.model)] {
        if value.as_ref().is_some_and(blank) {
            return Err(InputError(format!(
                "{flag} is empty; give a value or leave the flag out"
            )));
        }
    }
    let mut urls = Candidates::new();
    if let Some(u) = &args.base_url {
        urls.offer(
            Source::new(SourceKind::Flag, "--base-url"),
            Some(u.clone()),
            blank,
        );
    }
    for var in BASE_URL_VARS {
        urls.offer(Source::new(SourceKind::Env, var), env(var), blank);
    }
    for var in BASE_URL_VARS {
        urls.offer(
            Source::new(SourceKind::DotEnv, var),
            from_dotenv(var),
            blank,
        );
    }
    urls.offer(
        Source::new(SourceKind::Default, ""),
        Some(CANONICAL_BASE_URL.to_owned()),
        blank,
    );
    let (base_url, empty_url_sources) = urls.resolve(
        |a, b| a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/'),
        |u| mask_url_credentials(u).into_owned(),
    );

    let mut models = Candidates::new();
    if let Some(m) = &args.model {
        models.offer(
            Source::new(SourceKind::Flag, "--model"),
            Some(m.clone()),
            blank,
        );
    }
    for var in MODEL_VARS {
        models.offer(Source::new(SourceKind::Env, var), env(var), blank);
    }
    for var in MODEL_VARS {
        models.offer(
            Source::new(SourceKind::DotEnv, var),
            from_dotenv(var),
            blank,
        );
    }
    models.offer(
        Source::new(SourceKind::Default, ""),
        Some(DEFAULT_MODEL.to_owned()),
        blank,
    );
    let (model, empty_model_sources) = models.resolve(|a, b| a == b, String::clone);

    Ok(Target {
        base_url,
        key: key.map(|k| Sourced {
            value: ApiKey::new(k.value),
            source: k.source,
            shadowed: k.shadowed,
        }),
        model,
        empty_key_sources,
        empty_url_sources,
        empty_model_sources,
        warnings,
    })
}

/// Read a key file. One trailing line feed is the file's end, not part of the key; anything else
/// (a carriage return, spaces) is kept so the key checks can point it out.
fn read_key_file(path: &Path) -> Result<String, InputError> {
    let bytes = crate::files::read_regular(path, crate::files::KEY_FILE_CAP)
        .map_err(|e| InputError(format!("cannot read key file {}: {e}", path.display())))?;
    let mut text = String::from_utf8(bytes).map_err(|_| {
        InputError(format!(
            "key file {} is not valid UTF-8 text",
            path.display()
        ))
    })?;
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}

/// Read the process environment, treating a non-UTF-8 value as its lossy text.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// An environment of fixed pairs, in place of [`process_env`] in tests.
#[cfg(test)]
pub(crate) fn env_of(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_nothing_is_set() {
        let t = resolve(&InputArgs::default(), &env_of(&[]), None).unwrap();
        assert!(t.key.is_none());
        let url = t.base_url.unwrap();
        assert_eq!(url.value, CANONICAL_BASE_URL);
        assert_eq!(url.source.kind, SourceKind::Default);
        assert_eq!(t.model.unwrap().value, DEFAULT_MODEL);
    }

    #[test]
    fn tensorloop_key_shadows_openai_key() {
        let env = env_of(&[("TENSORLOOP_KEY", "sk-one"), ("OPENAI_API_KEY", "sk-two")]);
        let t = resolve(&InputArgs::default(), &env, None).unwrap();
        let key = t.key.unwrap();
        assert_eq!(key.value.expose(), "sk-one");
        assert_eq!(key.source, Source::new(SourceKind::Env, "TENSORLOOP_KEY"));
        let disagreeing: Vec<_> = key.disagreements().collect();
        assert_eq!(
            disagreeing,
            [&Source::new(SourceKind::Env, "OPENAI_API_KEY")]
        );
    }

    #[test]
    fn same_key_twice_is_not_a_disagreement() {
        let env = env_of(&[("TENSORLOOP_KEY", "sk-one\n"), ("OPENAI_API_KEY", "sk-one")]);
        let t = resolve(&InputArgs::default(), &env, None).unwrap();
        let key = t.key.unwrap();
        assert_eq!(key.shadowed.len(), 1);
        assert_eq!(key.disagreements().count(), 0);
    }

    #[test]
    fn flags_beat_environment_beats_dotenv() {
        let dotenv = DotEnv::parse(
            "TENSORLOOP_BASE_URL=http://127.0.0.1:4000/v1\nTENSORLOOP_MODEL=m-dotenv\n",
        );
        let env = env_of(&[("OPENAI_BASE_URL", "https://env.example/v1")]);
        let args = InputArgs {
            model: Some("m-flag".into()),
            ..Default::default()
        };
        let t = resolve(&args, &env, Some(&dotenv)).unwrap();
        let url = t.base_url.unwrap();
        assert_eq!(url.value, "https://env.example/v1");
        assert_eq!(url.shadowed[0].source.kind, SourceKind::DotEnv);
        let model = t.model.unwrap();
        assert_eq!(model.value, "m-flag");
        assert_eq!(model.source.kind, SourceKind::Flag);
    }

    #[test]
    fn empty_variables_are_skipped_but_remembered() {
        let env = env_of(&[("TENSORLOOP_KEY", ""), ("OPENAI_API_KEY", "  ")]);
        let t = resolve(&InputArgs::default(), &env, None).unwrap();
        assert!(t.key.is_none());
        assert_eq!(t.empty_key_sources.len(), 2);
    }

    #[test]
    fn dotenv_dialect() {
        let d = DotEnv::parse(
            "# comment\nexport A=one\nB = \"two \\\"q\\\"\" # c\nC='lit\\n'\nD=plain # trailing\n\nE=x\nE=y\nbad line\n",
        );
        assert_eq!(d.get("A"), Some("one"));
        assert_eq!(d.get("B"), Some("two \"q\""));
        assert_eq!(d.get("C"), Some("lit\\n"));
        assert_eq!(d.get("D"), Some("plain"));
        assert_eq!(d.get("E"), Some("y"));
        assert_eq!(d.get("bad line"), None);
    }

    proptest::proptest! {
        #[test]
        fn dotenv_parsing_never_panics(text in "\\PC*", lines in "([A-Z_]{0,4}[= ]{0,2}[\"'#\\\\ a-zé]{0,8}\n){0,6}") {
            let _ = DotEnv::parse(&text);
            let _ = DotEnv::parse(&lines);
        }
    }

    #[test]
    fn key_file_keeps_all_but_one_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "sk-abc\r\n").unwrap();
        let args = InputArgs {
            key_file: Some(path),
            ..Default::default()
        };
        let t = resolve(&args, &env_of(&[]), None).unwrap();
        assert_eq!(t.key.unwrap().value.expose(), "sk-abc\r");
    }

    #[test]
    fn unreadable_key_file_is_an_input_error() {
        let args = InputArgs {
            key_file: Some(PathBuf::from("/nonexistent/key")),
            ..Default::default()
        };
        let err = resolve(&args, &env_of(&[]), None).unwrap_err();
        assert!(err.0.contains("cannot read key file"), "{err}");
    }
}
