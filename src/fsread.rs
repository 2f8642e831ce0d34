//! The one way rolegraph reads a file: the scanned repository is attacker-controlled, so
//! every read must end, stay small and stay inside the scan root.
//!
//! - [`read`] opens without blocking (`O_NONBLOCK`, so a FIFO named like a variables file
//!   cannot hang the scan), checks on the opened handle (`fstat`, not by path then open) that
//!   it is a regular file (not a FIFO, device or directory: `/dev/zero` would never end),
//!   and reads at most the given limit (a file that grows while read is refused too). With
//!   [`Links::Refuse`] the last component may not be a symbolic link (`O_NOFOLLOW`).
//! - [`inside`] resolves a path and refuses one that is a symbolic link or whose real
//!   location is outside a root directory (`../outside`, an absolute path, a link in a
//!   parent directory leading out).
//!
//! Errors name the reason, never the content; callers name the path.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Whether the last component of a path may be a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// A path the user gave on the command line: followed.
    Follow,
    /// A path found in or named by the scanned repository: a link is refused.
    Refuse,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    /// The file system said no (missing, permissions, ...).
    Io(std::io::Error),
    /// A symbolic link where none is followed.
    Symlink,
    /// Not a regular file: what it is instead.
    NotRegular(&'static str),
    /// Larger than the limit (in bytes).
    TooLarge(u64),
    /// Its real location is outside the root it must stay in.
    Outside,
}

impl std::error::Error for Refused {}

impl Refused {
    /// As an I/O error, for callers whose error type carries one (the reason is kept).
    pub fn into_io(self) -> std::io::Error {
        match self {
            Refused::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }
    }

    /// Did the file simply not exist?
    pub fn is_not_found(&self) -> bool {
        matches!(self, Refused::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Io(e) => write!(f, "cannot read file: {e}"),
            Refused::Symlink => f.write_str("is a symbolic link: not followed"),
            Refused::NotRegular(what) => write!(f, "is not a regular file ({what}): not read"),
            Refused::TooLarge(limit) => {
                write!(f, "file is larger than {} MiB: not parsed", limit >> 20)
            }
            Refused::Outside => f.write_str("is outside the scanned directory: not read"),
        }
    }
}

/// What a file that is not regular is, for messages.
fn kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        return "a directory";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    "not a file"
}

/// Open a regular file without blocking; returns it with its size (from the handle).
pub fn open(path: &Path, links: Links) -> Result<(File, u64), Refused> {
    if links == Links::Refuse
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(Refused::Symlink);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if links == Links::Refuse {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(test)]
    opens::record(path);
    let file = options.open(path).map_err(|e| {
        // O_NOFOLLOW on a link that appeared since the check.
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) && links == Links::Refuse {
            return Refused::Symlink;
        }
        Refused::Io(e)
    })?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular(kind(meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// Test-only count of the files opened, by path: tests check that a scan reads each file
/// once.
#[cfg(test)]
pub(crate) mod opens {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    static OPENS: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

    pub(crate) fn record(path: &Path) {
        let mut m = OPENS.lock().unwrap_or_else(|e| e.into_inner());
        *m.get_or_insert_with(HashMap::new)
            .entry(path.to_path_buf())
            .or_default() += 1;
    }

    /// How many times each path under `dir` was opened so far.
    pub(crate) fn under(dir: &Path) -> std::collections::BTreeMap<PathBuf, usize> {
        let m = OPENS.lock().unwrap_or_else(|e| e.into_inner());
        m.iter()
            .flatten()
            .filter(|(p, _)| p.starts_with(dir))
            .map(|(p, n)| (p.clone(), *n))
            .collect()
    }
}

/// Read a whole regular file of at most `limit` bytes (see the module documentation).
pub fn read(path: &Path, limit: u64, links: Links) -> Result<Vec<u8>, Refused> {
    let (file, size) = open(path, links)?;
    read_opened(file, size, limit)
}

/// Read the whole of a file [`open`] gave (with its size), at most `limit` bytes: a caller
/// that looked at the size first reads through the same handle, without opening again.
pub fn read_opened(file: File, size: u64, limit: u64) -> Result<Vec<u8>, Refused> {
    if size > limit {
        return Err(Refused::TooLarge(limit));
    }
    let mut out = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(Refused::Io)?;
    if out.len() as u64 > limit {
        return Err(Refused::TooLarge(limit));
    }
    Ok(out)
}

/// [`read`] as UTF-8 text (invalid UTF-8 is an I/O error of kind `InvalidData`).
pub fn read_string(path: &Path, limit: u64, links: Links) -> Result<String, Refused> {
    let bytes = read(path, limit, links)?;
    String::from_utf8(bytes).map_err(|e| {
        Refused::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 ({})", e.utf8_error()),
        ))
    })
}

/// The real location of `path` when it is inside `root` and not itself a symbolic link. A
/// path that does not exist yet is resolved through its parent directory.
pub fn inside(path: &Path, root: &Path) -> Result<PathBuf, Refused> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(Refused::Symlink),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Refused::Io(e)),
    }
    let real = match std::fs::canonicalize(path) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let name = path.file_name().ok_or(Refused::Io(e))?;
            std::fs::canonicalize(parent)
                .map_err(Refused::Io)?
                .join(name)
        }
        Err(e) => return Err(Refused::Io(e)),
    };
    let root = std::fs::canonicalize(root).map_err(Refused::Io)?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        Err(Refused::Outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tfvars");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read(&p, 100, Links::Refuse).unwrap(), b"x = 1\n");
        assert!(matches!(
            read(&p, 3, Links::Refuse),
            Err(Refused::TooLarge(3))
        ));
        assert!(matches!(
            read(dir.path(), 100, Links::Follow),
            Err(Refused::NotRegular("a directory"))
        ));
        assert!(
            read(&dir.path().join("missing"), 9, Links::Follow)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.auto.tfvars");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read(&link, 100, Links::Refuse),
            Err(Refused::Symlink)
        ));
        assert!(matches!(
            read(&link, 100, Links::Follow),
            Err(Refused::NotRegular("a device"))
        ));
        assert!(matches!(inside(&link, dir.path()), Err(Refused::Symlink)));
        let fifo = dir.path().join("f.tfvars");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read(&fifo, 100, Links::Refuse),
                Err(Refused::NotRegular("a FIFO"))
            ));
        }
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(inside(&sub.join("new.json"), dir.path()).is_ok());
        assert!(matches!(inside(dir.path(), &sub), Err(Refused::Outside)));
        assert!(matches!(
            inside(Path::new("/etc/passwd"), dir.path()),
            Err(Refused::Outside)
        ));
    }
}
