//! Writing results without ever losing what a user had: claim an output folder (refusing what
//! strife did not write, locking it against a second writer), then swap a complete result into
//! place in one step. Also single new files (`generate -o`, `new`), written the same careful way.
//!
//! The promises, as the README states them:
//! - strife replaces only a folder that holds a strife result (a `manifest.json` that strife
//!   wrote, listing every file of the result). An empty folder is used as is. A folder holding
//!   anything else, a file, a device, a FIFO or a symbolic link is refused, whatever `--force`.
//! - Re-running the same command (same subcommand, scenario files and overrides) replaces its own
//!   result; replacing a result of another command, scenario or overrides needs `--force`.
//! - The new result is staged beside the folder and swapped in with one `renameat2
//!   (RENAME_EXCHANGE)` on Linux, so a kill at any instant leaves the old result or the new one,
//!   never neither. Leftovers of a killed run are cleaned on the next run into the same folder.
//! - One writer at a time: a second command for the same folder fails at once (exit 2).

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::output::summary::Manifest;

/// The marker file a staging folder holds while it is being written.
const STAGING_MARKER: &str = ".strife-staging";
/// The longest output folder name, bytes: the staging folder and lock file add a prefix and a
/// suffix, and most file systems stop at 255.
pub const MAX_FOLDER_NAME: usize = 200;
/// Environment variable naming a step at which the process aborts (tests of a kill only).
const ABORT_AT: &str = "STRIFE_TEST_ABORT_AT";

/// What made a result: strife replaces a result without `--force` only when it was made by the
/// same command, from the same scenario files, with the same overrides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultKey {
    /// The kind of result: `run`, `ensemble`, `shard 2/4`, `compare`, `sweep`, `sensitivity`,
    /// `hindcast`.
    pub command: String,
    /// The scenario files, as canonical paths (several for a comparison).
    pub scenarios: Vec<String>,
    /// The `--set` overrides, `PATH=VALUE`, in order.
    pub overrides: Vec<String>,
}

impl ResultKey {
    /// The key of `command` on `scenarios` with `overrides` (shown as `PATH=VALUE`).
    pub fn new(
        command: impl Into<String>,
        scenarios: &[&Path],
        overrides: &[impl ToString],
    ) -> Self {
        Self {
            command: command.into(),
            scenarios: scenarios
                .iter()
                .map(|p| {
                    std::fs::canonicalize(p)
                        .or_else(|_| std::path::absolute(p))
                        .unwrap_or_else(|_| p.to_path_buf())
                        .display()
                        .to_string()
                })
                .collect(),
            overrides: overrides.iter().map(ToString::to_string).collect(),
        }
    }

    /// "an ensemble of /abs/goma_2025.ron with --set a=1".
    fn describe(&self) -> String {
        let mut text = format!("`{}` of {}", self.command, self.scenarios.join(", "));
        if !self.overrides.is_empty() {
            text.push_str(&format!(" with --set {}", self.overrides.join(" --set ")));
        }
        text
    }
}

/// An output folder claimed for one result: checked, locked, and cleared of leftovers of killed
/// runs. Write the result with [`Claim::write`]; dropping the claim releases the lock.
#[derive(Debug)]
pub struct Claim {
    /// The folder as the user named it (for messages).
    shown: PathBuf,
    /// The folder's parent, absolute.
    parent: PathBuf,
    /// The folder's own name.
    name: OsString,
    /// What the new result is.
    key: ResultKey,
    /// The lock, held until the result is written.
    lock: Option<Lock>,
    /// The staging folder, once a file has been streamed into it ([`Claim::stream_file`]).
    staging: Option<tempfile::TempDir>,
    /// The files streamed into the staging folder, in order.
    streamed: Vec<String>,
}

/// Claim `dir` for a result of `key`: refuse anything strife must not replace (see the module
/// documentation), take the folder's lock, and clean leftovers of killed runs. Call it before any
/// simulation time is spent.
pub fn claim(dir: &Path, key: ResultKey, force: bool) -> Result<Claim> {
    let (parent, name) = split(dir)?;
    std::fs::create_dir_all(&parent).map_err(|source| Error::Write {
        path: parent.clone(),
        source,
    })?;
    let parent = std::fs::canonicalize(&parent).map_err(|source| Error::Write {
        path: parent.clone(),
        source,
    })?;
    let lock = Lock::take(&parent, &name, dir)?;
    let claim = Claim {
        shown: dir.to_path_buf(),
        parent,
        name,
        key,
        lock: Some(lock),
        staging: None,
        streamed: Vec::new(),
    };
    claim.clean_leftovers()?;
    claim.check_target(force)?;
    Ok(claim)
}

/// The parent folder and the name of `dir`; `.` and `..` are resolved first, since a folder
/// cannot be swapped under those names.
fn split(dir: &Path) -> Result<(PathBuf, OsString)> {
    let resolved = match dir.file_name() {
        Some(_) => dir.to_path_buf(),
        None => std::fs::canonicalize(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?,
    };
    let name = resolved
        .file_name()
        .map(ToOwned::to_owned)
        .ok_or_else(|| Error::Usage(format!("{}: not a folder strife can write", dir.display())))?;
    if name.len() > MAX_FOLDER_NAME {
        return Err(Error::Usage(format!(
            "{}: the folder name is {} bytes long; strife needs it at most {MAX_FOLDER_NAME} \
             (choose a shorter --out)",
            dir.display(),
            name.len()
        )));
    }
    let parent = match resolved.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

impl Claim {
    /// The output folder, absolute.
    fn target(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// `.NAME.SUFFIX`, beside the output folder.
    fn sibling(&self, suffix: &str) -> String {
        format!(".{}.{suffix}", self.name.to_string_lossy())
    }

    /// Refuse what is at the output path unless strife may replace it.
    fn check_target(&self, force: bool) -> Result<()> {
        let target = self.target();
        let shown = self.shown.display();
        let meta = match std::fs::symlink_metadata(&target) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => {
                return Err(Error::Write {
                    path: target,
                    source,
                });
            }
        };
        let refuse = |what: &str| {
            Err(Error::Usage(format!(
                "{shown} is {what}, not a folder strife wrote; strife never replaces it \
                 (--force or not): choose another --out, a new or empty folder"
            )))
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            return refuse("a symbolic link");
        }
        if kind.is_file() {
            return refuse("a file");
        }
        if !kind.is_dir() {
            return refuse("a device, FIFO or socket");
        }
        let entries = list_names(&target)?;
        if entries.is_empty() {
            return Ok(());
        }
        let Some(manifest) = read_manifest(&target) else {
            let example = entries
                .first()
                .map(|e| e.to_string_lossy())
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "{shown} is a folder that strife did not write (it holds {} entries, e.g. \
                 `{example}`, and no strife manifest.json); strife replaces only its own results, \
                 --force or not: choose another --out, a new or empty folder",
                entries.len()
            )));
        };
        if !manifest.files.is_empty() {
            let foreign: Vec<String> = entries
                .iter()
                .map(|e| e.to_string_lossy().into_owned())
                .filter(|e| !manifest.files.contains(e))
                .collect();
            if !foreign.is_empty() {
                return Err(Error::Usage(format!(
                    "{shown} holds a strife result but also {}, which strife did not write; \
                     strife will not replace the folder, --force or not: move {} elsewhere, or \
                     choose another --out",
                    quote_list(&foreign),
                    if foreign.len() == 1 { "it" } else { "them" }
                )));
            }
        }
        match &manifest.result {
            Some(old) if *old == self.key => Ok(()),
            _ if force => Ok(()),
            Some(old) => Err(Error::Usage(format!(
                "{shown} holds another result: {}; add --force to replace it, or choose another \
                 --out",
                old.describe()
            ))),
            None => Err(Error::Usage(format!(
                "{shown} holds a result of an earlier strife; add --force to replace it, or \
                 choose another --out"
            ))),
        }
    }

    /// Remove staging folders of killed runs into this folder, and put back an old result that a
    /// kill left hidden (a two-step swap: see [`swap`]).
    fn clean_leftovers(&self) -> Result<()> {
        let staging_prefix = self.sibling("tmp-");
        let old_prefix = self.sibling("old-");
        let target = self.target();
        for entry in list_names(&self.parent)? {
            let entry_name = entry.to_string_lossy();
            let (staging, old) = (
                entry_name.starts_with(&staging_prefix),
                entry_name.starts_with(&old_prefix),
            );
            let path = self.parent.join(&entry);
            if !(staging || old) || !is_ours(&path) {
                continue;
            }
            if old && !target.exists() {
                std::fs::rename(&path, &target).map_err(|source| Error::Write {
                    path: target.clone(),
                    source,
                })?;
            } else {
                std::fs::remove_dir_all(&path).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
            }
        }
        Ok(())
    }

    /// A new staging folder beside the output folder, holding the marker that says it is
    /// unfinished.
    fn new_staging(&self) -> Result<tempfile::TempDir> {
        let staging = tempfile::Builder::new()
            .prefix(&self.sibling("tmp-"))
            .tempdir_in(&self.parent)
            .map_err(|source| Error::Write {
                path: self.parent.clone(),
                source,
            })?;
        let marker = staging.path().join(STAGING_MARKER);
        std::fs::write(&marker, b"").map_err(|source| Error::Write {
            path: marker.clone(),
            source,
        })?;
        Ok(staging)
    }

    /// The path at which to stream the result's file `name` (a file too large to hold in
    /// memory, such as `series.parquet`): in the staging folder, swapped into place with the rest
    /// of the result by [`Claim::write`], or removed with the staging folder if the command
    /// fails first.
    pub fn stream_file(&mut self, name: &str) -> Result<PathBuf> {
        let staging = match &self.staging {
            Some(staging) => staging,
            None => self.staging.insert(self.new_staging()?),
        };
        self.streamed.push(name.to_owned());
        Ok(staging.path().join(name))
    }

    /// Write `files` (one of them `manifest.json`) as the folder's new result: into a staging
    /// folder beside it, then swapped into place in one step. The manifest gains the result's
    /// key and the list of its files. Returns the paths written.
    pub fn write(mut self, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
        let target = self.target();
        let write_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let staging = match self.staging.take() {
            Some(staging) => staging,
            None => self.new_staging()?,
        };
        let marker = staging.path().join(STAGING_MARKER);
        let mut names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
        names.extend(self.streamed.iter().cloned());
        names.sort();
        for (i, (file, bytes)) in files.iter().enumerate() {
            let path = staging.path().join(file);
            // Issue 20: written from the borrowed bytes; only the manifest is rebuilt (a copy
            // of every table cost a second pass over up to tens of MB on a large theatre).
            let completed;
            let bytes: &[u8] = if file == "manifest.json" {
                completed = self.complete_manifest(bytes, &names)?;
                &completed
            } else {
                bytes
            };
            std::fs::write(&path, bytes).map_err(write_error(&path))?;
            if i == files.len() / 2 {
                abort_at("staging");
            }
        }
        std::fs::remove_file(&marker).map_err(write_error(&marker))?;
        abort_at("staged");
        // Look again just before the swap: during a long run the user may have put a file of
        // their own into the folder (the claim's `--force` decision about the old result
        // stands; what is checked again is that the folder still holds only strife's files).
        self.check_target(true)?;
        let staged = staging.keep();
        let existed = std::fs::symlink_metadata(&target).is_ok();
        let swapped = if existed {
            // Keep the folder's permissions (an empty folder from `mktemp -d` is private).
            if let Ok(meta) = std::fs::metadata(&target) {
                let _ = std::fs::set_permissions(&staged, meta.permissions());
            }
            swap(
                &staged,
                &target,
                &self.sibling(&format!("old-{}", std::process::id())),
            )
        } else {
            std::fs::rename(&staged, &target).map(|()| None)
        };
        let old = match swapped {
            Ok(old) => old,
            Err(source) => {
                let _ = std::fs::remove_dir_all(&staged);
                return Err(Error::Write {
                    path: self.shown.clone(),
                    source,
                });
            }
        };
        abort_at("swapped");
        let here = std::env::current_dir().and_then(std::fs::canonicalize);
        if existed && here.is_ok_and(|here| here.starts_with(&target)) {
            eprintln!(
                "note: {} was replaced as a whole and it holds your current folder: `cd` into it \
                 again to see the new files",
                self.shown.display()
            );
        }
        if let Some(old) = old {
            let _ = std::fs::remove_dir_all(old);
        }
        if let Some(lock) = self.lock.take() {
            lock.release();
        }
        let streamed = self.streamed.iter().map(|f| self.shown.join(f));
        Ok(files
            .iter()
            .map(|(f, _)| self.shown.join(f))
            .chain(streamed)
            .collect())
    }

    /// `manifest.json` with this result's key and file list.
    fn complete_manifest(&self, bytes: &[u8], names: &[String]) -> Result<Vec<u8>> {
        let mut manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| Error::Internal(format!("re-reading manifest.json: {e}")))?;
        manifest.result = Some(self.key.clone());
        manifest.files = names.to_vec();
        manifest.to_json()
    }
}

/// Put the folder `staged` at `target`, where a folder already stands, in one step where the
/// system allows it. Returns where the old folder now is (to be removed).
fn swap(staged: &Path, target: &Path, old_name: &str) -> std::io::Result<Option<PathBuf>> {
    #[cfg(target_os = "linux")]
    match exchange(staged, target) {
        Ok(()) => return Ok(Some(staged.to_path_buf())),
        // A file system without RENAME_EXCHANGE: the two-step swap below.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
        Err(e) => return Err(e),
    }
    // Two renames: a kill between them leaves the old result hidden at `old`, which the next
    // claim of this folder puts back (see `Claim::clean_leftovers`).
    let old = target.with_file_name(old_name);
    std::fs::rename(target, &old)?;
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&old, target);
        return Err(e);
    }
    Ok(Some(old))
}

/// Exchange two paths atomically: `renameat2(…, RENAME_EXCHANGE)`.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that live across the call; AT_FDCWD with
    // absolute paths names no descriptor.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The lock of one output folder: `.NAME.lock` beside it, held with `flock`, removed when the
/// result is written.
#[derive(Debug)]
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// Take the lock of `parent/name`, or fail at once if another command holds it.
    fn take(parent: &Path, name: &OsString, shown: &Path) -> Result<Self> {
        let path = parent.join(format!(".{}.lock", name.to_string_lossy()));
        // The file may be removed by the holder between our open and our lock: then the lock we
        // got is on a file nobody else will see, so open it again.
        for _ in 0..8 {
            // Only an empty regular file can be strife's lock: anything else is the user's.
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if !meta.is_file() || meta.len() > 0 => {
                    return Err(Error::Usage(format!(
                        "{} stands where strife keeps the lock of {} and is not strife's; move                          it, or choose another --out",
                        path.display(),
                        shown.display()
                    )));
                }
                _ => {}
            }
            let mut options = OpenOptions::new();
            options.create(true).truncate(false).write(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
            let file = options.open(&path).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Usage(format!(
                        "{} is being written by another strife command right now; wait for it \
                         to finish, or choose another --out",
                        shown.display()
                    )));
                }
                Err(std::fs::TryLockError::Error(source)) => {
                    return Err(Error::Write { path, source });
                }
            }
            if same_file(&file, &path) {
                return Ok(Self { file, path });
            }
        }
        Err(Error::Usage(format!(
            "{}: could not take its lock {} (it keeps changing); try again",
            shown.display(),
            path.display()
        )))
    }

    /// Remove the lock file, then let go of the lock.
    fn release(self) {
        let _ = std::fs::remove_file(&self.path);
        drop(self.file);
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            lock.release();
        }
    }
}

/// Whether the open `file` is the file at `path` now.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// The names in folder `dir`, sorted.
fn list_names(dir: &Path) -> Result<Vec<OsString>> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = std::fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(read_error)?;
    names.sort();
    Ok(names)
}

/// Whether `path` is a folder strife left beside an output folder: a staging folder (it holds
/// the marker), an old result (it holds a strife manifest), or an emptied folder.
fn is_ours(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && (path.join(STAGING_MARKER).exists()
            || read_manifest(path).is_some()
            || list_names(path).is_ok_and(|names| names.is_empty()))
}

/// The manifest of the strife result in `dir`, if it is one.
fn read_manifest(dir: &Path) -> Option<Manifest> {
    let path = dir.join("manifest.json");
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 16 << 20 {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// "`a`, `b` and 3 more".
fn quote_list(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match names.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}

/// Abort the process here if a test asked for it (`STRIFE_TEST_ABORT_AT=step`): how the tests
/// kill a real command at a named point of writing.
fn abort_at(step: &str) {
    if std::env::var_os(ABORT_AT).is_some_and(|s| s == step) {
        std::process::abort();
    }
}

/// Print `text` on stdout; a reader that has gone (`strife explain … | head`) is not an error.
pub fn print_stdout(text: &str) -> crate::error::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(crate::error::Error::Internal(
            format!("writing to stdout: {e}"),
        )),
        _ => Ok(()),
    }
}

/// Write `bytes` as a new file at `path` (`strife generate -o`, `strife new`): never through a
/// symbolic link and never over anything but a regular file; over a regular file only with
/// `force`. The file appears whole or not at all.
pub fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::Usage(format!(
                "{} is a symbolic link; strife does not write through links: name a new file",
                path.display()
            )));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Error::Usage(format!(
                "{} exists and is not a regular file; strife will not replace it: name a new file",
                path.display()
            )));
        }
        Ok(_) if !force => {
            return Err(Error::Usage(format!(
                "{} already exists; add --force to replace it, or name another file",
                path.display()
            )));
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = tempfile::Builder::new()
        .prefix(".strife-new-")
        .tempfile_in(dir)
        .map_err(write_error)?;
    file.write_all(bytes).map_err(write_error)?;
    if force {
        file.persist(path).map_err(|e| write_error(e.error))?;
    } else {
        // Refuses a file that appeared meanwhile, rather than replacing it.
        file.persist_noclobber(path)
            .map_err(|e| write_error(e.error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(command: &str) -> ResultKey {
        ResultKey::new(command, &[Path::new("a.ron")], &[] as &[String])
    }

    fn manifest_json() -> Vec<u8> {
        Manifest::new("a.ron", "text", 1, 2.0, vec![])
            .to_json()
            .expect("manifest")
    }

    #[test]
    fn a_result_is_replaced_by_the_same_command_only() {
        let root = tempfile::tempdir().expect("temp");
        let dir = root.path().join("out");
        let files = vec![
            ("manifest.json".to_owned(), manifest_json()),
            ("a.csv".to_owned(), b"x\n".to_vec()),
        ];
        claim(&dir, key("run"), false)
            .and_then(|c| c.write(&files))
            .expect("first");
        claim(&dir, key("run"), false)
            .and_then(|c| c.write(&files))
            .expect("same command");
        let err = claim(&dir, key("ensemble"), false).expect_err("other command");
        assert!(err.to_string().contains("--force"), "{err}");
        claim(&dir, key("ensemble"), true)
            .and_then(|c| c.write(&files))
            .expect("forced");
        let names = list_names(root.path()).expect("list");
        assert_eq!(
            names,
            vec![OsString::from("out")],
            "no leftovers: {names:?}"
        );
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_folder() {
        let root = tempfile::tempdir().expect("temp");
        let dir = root.path().join("out");
        let first = claim(&dir, key("run"), false).expect("first");
        let err = claim(&dir, key("run"), false).expect_err("second");
        assert!(err.to_string().contains("another strife command"), "{err}");
        drop(first);
        claim(&dir, key("run"), false).expect("after the first let go");
    }
}
