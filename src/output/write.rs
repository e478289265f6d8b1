//! Writing a set of output files into a folder atomically: into a temporary folder beside the
//! target, renamed into place only when every file is written.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Check early that `dir` can be written and, unless `force`, that it does not already hold a
/// result that took long to make (an ensemble, comparison or sweep).
pub fn check_replaceable(dir: &Path, force: bool) -> Result<()> {
    if dir.exists() && !force {
        return Err(Error::Usage(format!(
            "{} already holds a result; add --force to replace it, or choose another --out",
            dir.display()
        )));
    }
    check_writable(dir)
}

/// Check early (before any simulation time is spent) that `dir`'s parent can be written.
pub fn check_writable(dir: &Path) -> Result<()> {
    let parent = parent_of(dir);
    std::fs::create_dir_all(&parent).map_err(|source| Error::Write {
        path: parent.clone(),
        source,
    })?;
    let probe = tempfile::Builder::new()
        .prefix(".strife-probe-")
        .tempfile_in(&parent)
        .map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;
    drop(probe);
    Ok(())
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Write `files` into `dir`, replacing what was there only once all are written.
pub fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    let parent = parent_of(dir);
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    std::fs::create_dir_all(&parent).map_err(write_error(&parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.tmp-"))
        .tempdir_in(&parent)
        .map_err(write_error(&parent))?;
    for (file, bytes) in files {
        let path = staging.path().join(file);
        std::fs::write(&path, bytes).map_err(write_error(&path))?;
    }
    // Move the old result aside, put the new one in place, then remove the old one.
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(write_error(dir))?;
    }
    let staged = staging.keep();
    if let Err(source) = std::fs::rename(&staged, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source,
        });
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(files.iter().map(|(f, _)| dir.join(f)).collect())
}
