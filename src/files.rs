//! Files named by the user (a key file, `--cacert`, `./.env`, a paste, the GitHub step summary):
//! regular files only, read up to a documented cap, so that a FIFO, a device or a huge file is a
//! clear error instead of a hang or unbounded memory.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The most of a key file tlcheck reads: a key is a few dozen bytes.
pub const KEY_FILE_CAP: u64 = 64 * 1024;
/// The most of a `--cacert` bundle (the system's whole bundle is about 200 KiB).
pub const CA_FILE_CAP: u64 = 4 * 1024 * 1024;
/// The most of a `./.env` file.
pub const DOTENV_CAP: u64 = 1024 * 1024;
/// The most of a paste `classify` reads; the rest is left unread and the report says so.
pub const PASTE_CAP: u64 = 8 * 1024 * 1024;

/// Why a file could not be used.
#[derive(Debug)]
pub enum FileError {
    /// A FIFO, a device, a directory, a socket: reading it could block forever or never end.
    NotRegular(&'static str),
    TooLarge {
        cap: u64,
    },
    Io(io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            FileError::TooLarge { cap } => write!(f, "it is larger than {}", size(*cap)),
            FileError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FileError {}

/// A size in words: `64 KiB`, `8 MiB`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a non-regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Check that `path` is a regular file without opening it (opening a FIFO blocks until a writer
/// comes), then open it and check again what was opened.
fn open_regular(path: &Path) -> Result<File, FileError> {
    let meta = std::fs::metadata(path).map_err(FileError::Io)?;
    if let Some(what) = kind_of(&meta) {
        return Err(FileError::NotRegular(what));
    }
    let file = File::open(path).map_err(FileError::Io)?;
    let meta = file.metadata().map_err(FileError::Io)?;
    if let Some(what) = kind_of(&meta) {
        return Err(FileError::NotRegular(what));
    }
    Ok(file)
}

/// Read a regular file of at most `cap` bytes.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    let file = open_regular(path)?;
    let (bytes, truncated) = read_capped(file, cap).map_err(FileError::Io)?;
    if truncated {
        return Err(FileError::TooLarge { cap });
    }
    Ok(bytes)
}

/// Read a regular file, keeping at most `cap` bytes; `true` when there was more.
pub fn read_regular_capped(path: &Path, cap: u64) -> Result<(Vec<u8>, bool), FileError> {
    let file = open_regular(path)?;
    read_capped(file, cap).map_err(FileError::Io)
}

/// Read at most `cap` bytes from `reader` (a pipe, standard input); `true` when there was more.
pub fn read_capped(reader: impl Read, cap: u64) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    reader.take(cap + 1).read_to_end(&mut bytes)?;
    let truncated = bytes.len() as u64 > cap;
    bytes.truncate(cap as usize);
    Ok((bytes, truncated))
}

/// Whether `path` may be appended to: missing (it will be created) or a regular file.
pub fn check_appendable(path: &Path) -> Result<(), FileError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(FileError::Io(e)),
        Ok(meta) => kind_of(&meta).map_or(Ok(()), |what| Err(FileError::NotRegular(what))),
    }
}

/// Whether others than its owner may read the file (`ssh` refuses such key files; tlcheck warns).
pub fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_regular(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&path, 4),
            Err(FileError::TooLarge { cap: 4 })
        ));
        assert_eq!(
            read_regular_capped(&path, 3).unwrap(),
            (b"123".to_vec(), true)
        );
        assert!(matches!(
            read_regular(dir.path(), 10),
            Err(FileError::NotRegular("a directory"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_without_reading() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(FileError::NotRegular("a device"))
        ));
        assert!(check_appendable(Path::new("/dev/zero")).is_err());
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(8 * 1024 * 1024), "8 MiB");
        assert_eq!(size(100), "100 bytes");
    }
}
