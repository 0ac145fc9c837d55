//! Reading trace files from disk into one `Trace`, streamed in 1 MiB chunks like the browser
//! does, so the CLI sees exactly what the app sees for the same files.

use skein::ingest::Session;
use skein::model::Trace;
use std::io::Read;

/// Reads `paths` (in order) into one trace; `Err` names the file that could not be read.
/// Sources are named by their file name, as in the browser.
pub fn read_trace(paths: &[String]) -> Result<Trace, String> {
    let mut session = Session::new();
    for path in paths {
        read_into(&mut session, path)?;
    }
    Ok(session.finish())
}

/// Streams one file into `session`.
pub fn read_into(session: &mut Session, path: &str) -> Result<(), String> {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let mut file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let src = session.begin_source(&name);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => session.feed(src, &buf[..n]),
            Err(e) => return Err(format!("{path}: {e}")),
        }
    }
    session.end_source(src);
    Ok(())
}
