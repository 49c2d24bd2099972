//! Secrets read from files (never from the command line, where `ps` and the shell's history
//! would show them): passphrases and the server's one-time set-up token.

use std::path::Path;

use ecrf_core::sync::api::{passphrase_long_enough, MIN_PASSPHRASE_CHARS};

use crate::input::bad_input;

/// The passphrase in `path`: the file's text with one trailing line end (`\n` or `\r\n`)
/// removed and nothing else (spaces are part of a passphrase). Refused (exit status 2) when
/// the file cannot be read, is not UTF-8 or holds fewer than [`MIN_PASSPHRASE_CHARS`]
/// characters.
pub fn read_passphrase(path: &Path) -> anyhow::Result<String> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => bad_input!("cannot read the passphrase file {}: {err}", path.display()),
    };
    let Ok(text) = String::from_utf8(text) else {
        bad_input!("the passphrase file {} is not UTF-8 text", path.display());
    };
    let passphrase = strip_line_end(&text);
    if !passphrase_long_enough(passphrase) {
        bad_input!(
            "the passphrase in {} is shorter than {MIN_PASSPHRASE_CHARS} characters",
            path.display()
        );
    }
    Ok(passphrase.to_owned())
}

/// `text` without one trailing `\r\n` or `\n`.
fn strip_line_end(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

/// The set-up token in `path`, surrounding white space removed; refused when empty or unreadable.
pub fn read_token(path: &Path) -> anyhow::Result<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => bad_input!(
            "cannot read the set-up token file {}: {err}",
            path.display()
        ),
    };
    let token = text.trim();
    if token.is_empty() {
        bad_input!("the set-up token file {} is empty", path.display());
    }
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, content: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ecrf-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    #[test]
    fn one_line_end_is_stripped_and_nothing_else() {
        assert_eq!(strip_line_end("a b \n"), "a b ");
        assert_eq!(strip_line_end("secret\r\n"), "secret");
        assert_eq!(strip_line_end("secret\n\n"), "secret\n");
        assert_eq!(strip_line_end(" secret "), " secret ");
        let path = file("pass", b"  correct horse \r\n");
        assert_eq!(read_passphrase(&path).unwrap(), "  correct horse ");
    }

    #[test]
    fn short_or_unreadable_passphrases_are_refused() {
        let short = read_passphrase(&file("short", b"seven77\n")).unwrap_err();
        assert!(short.downcast_ref::<crate::input::BadInput>().is_some());
        assert!(short.to_string().contains("shorter than 8"), "{short}");
        // Eight characters, not eight bytes.
        assert_eq!(
            read_passphrase(&file("cjk", "四个汉字四个汉字\n".as_bytes())).unwrap(),
            "四个汉字四个汉字"
        );
        let missing = read_passphrase(Path::new("/nonexistent/pass")).unwrap_err();
        assert!(missing.downcast_ref::<crate::input::BadInput>().is_some());
        let binary = read_passphrase(&file(
            "bin",
            &[0xff, 0xfe, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41],
        ));
        assert!(binary.unwrap_err().to_string().contains("not UTF-8"));
    }

    #[test]
    fn tokens_are_trimmed() {
        assert_eq!(
            read_token(&file("token", b" abc123\n\n")).unwrap(),
            "abc123"
        );
        assert!(read_token(&file("empty", b" \n")).is_err());
    }
}
