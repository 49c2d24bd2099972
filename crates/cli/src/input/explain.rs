//! Deserialization errors in the input's own words: the JSON path of the value that failed
//! (`assessments[1].targets.T1`, found by `serde_path_to_error`) and what was expected there, in
//! JSON terms ("an object with id, organ, diameter_mm", "a number", "one of none, mild"), never
//! the name of a Rust type. Generic over every input type: the fields or codes a place accepts
//! are found by asking the type itself (deserializing a probe value there and reading the
//! "expected one of" list of its refusal).

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::{Path, Segment};

/// Why an input value is not a `T`: where, and what was expected there.
#[derive(Debug)]
pub struct Refusal {
    /// The JSON path of the value (`visits[2].targets[0]`), empty for the whole input.
    pub path: String,
    /// What was wrong, in JSON words.
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

/// Deserializes `value` as `T`, or says where and why not.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, Refusal> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| Refusal {
        path: show(err.path()),
        reason: words::<T>(value, err.path(), &err.inner().to_string()),
    })
}

/// The path as written in the input: `visits[2].targets[0]`; empty for the whole input.
fn show(path: &Path) -> String {
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

/// The value at `path` in `root`, to put a probe in.
fn at<'a>(root: &'a mut Value, path: &Path) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |v, seg| match seg {
        Segment::Seq { index } => v.get_mut(*index),
        Segment::Map { key } => v.get_mut(key.as_str()),
        _ => None,
    })
}

/// What `T` accepts at `path`, read from its refusal of `probe` there: the names in "expected
/// one of `a`, `b`" (the fields of an object refusing unknown fields, or the codes of a list).
fn accepted<T: DeserializeOwned>(root: &Value, path: &Path, probe: Value) -> Option<String> {
    let mut copy = root.clone();
    *at(&mut copy, path)? = probe;
    let err = serde_path_to_error::deserialize::<_, T>(&copy).err()?;
    if !err.path().to_string().starts_with(&path.to_string()) {
        return None;
    }
    let msg = err.inner().to_string();
    let list = msg.split("expected one of ").nth(1)?;
    Some(list.replace('`', ""))
}

/// The fields `T` requires at `path`, found by offering objects there and reading each
/// "missing field" refusal (a placeholder value of a fitting kind is put in for each).
fn required<T: DeserializeOwned>(root: &Value, path: &Path) -> Vec<String> {
    let here = path.to_string();
    let refusal = |obj: &serde_json::Map<String, Value>| {
        let mut copy = root.clone();
        *at(&mut copy, path)? = Value::Object(obj.clone());
        serde_path_to_error::deserialize::<_, T>(&copy)
            .err()
            .map(|e| (e.path().to_string(), e.inner().to_string()))
    };
    let placeholders = [
        Value::from("2000-01-01"),
        Value::from("x"),
        Value::from(1),
        Value::Bool(true),
        Value::Object(serde_json::Map::new()),
        Value::Array(Vec::new()),
    ];
    let mut obj = serde_json::Map::new();
    let mut names = Vec::new();
    while let Some((at_path, msg)) = refusal(&obj) {
        let name = msg
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'));
        let Some(name) = name.filter(|_| at_path == here && names.len() < 12) else {
            break;
        };
        let inside = if here.is_empty() || here == "." {
            name.to_owned()
        } else {
            format!("{here}.{name}")
        };
        let fits = placeholders.iter().find(|p| {
            let mut o = obj.clone();
            o.insert(name.to_owned(), (*p).clone());
            refusal(&o).is_none_or(|(e, _)| !e.starts_with(&inside))
        });
        names.push(name.to_owned());
        obj.insert(name.to_owned(), fits.cloned().unwrap_or(Value::Null));
        if fits.is_none() {
            break;
        }
    }
    names
}

/// A list of names in words: "a", "a and b", "a, b and c".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What serde calls an expected type, in JSON words; `None` for a Rust type name.
fn plain(expected: &str) -> Option<&'static str> {
    Some(match expected.trim() {
        "f32" | "f64" => "a number",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "a boolean" | "bool" => "true or false",
        "a string" | "a borrowed string" | "a char" => "a string",
        "a sequence" => "a list [...]",
        "a map" => "an object {...}",
        "unit" => "null",
        _ => return None,
    })
}

/// Rewrites serde's message for the failure at `path` in user words.
fn words<T: DeserializeOwned>(root: &Value, path: &Path, msg: &str) -> String {
    let (found, expected) = match msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        Some(rest) => match rest.split_once(", expected ") {
            Some((found, expected)) => (Some(found), expected),
            None => (None, rest),
        },
        None => match msg.split_once("data did not match any variant of untagged enum") {
            Some(_) => {
                return "this value is none of the forms accepted here (see docs/cli.md)".into()
            }
            None => (None, msg.split(", expected ").nth(1).unwrap_or("")),
        },
    };
    if found.is_none() && !expected.starts_with("struct ") && !expected.starts_with("enum ") {
        // "missing field `x`", "unknown field `x`, expected one of ...": already in JSON words.
        return scrub(msg);
    }
    let probe_fields = Value::Object(serde_json::Map::from_iter([(
        "\u{1}".to_owned(),
        Value::Null,
    )]));
    let want = if expected.starts_with("struct ") {
        match required::<T>(root, path) {
            names if !names.is_empty() => format!("an object with {}", and_list(&names)),
            _ => accepted::<T>(root, path, probe_fields).map_or_else(
                || "an object {...}".into(),
                |fields| format!("an object with fields among {fields}"),
            ),
        }
    } else if expected.starts_with("enum ")
        || expected.contains("variant")
        || expected == "string or map"
    {
        match accepted::<T>(root, path, Value::String("\u{1}".into())) {
            Some(codes) => format!("one of {codes}"),
            None => "one of the codes listed in docs/cli.md".into(),
        }
    } else {
        plain(expected).map_or_else(|| scrub(expected), String::from)
    };
    match found {
        Some(found) => format!("expected {want}, found {}", scrub(found)),
        None => format!("expected {want}"),
    }
}

/// Removes Rust type names left in a message ("struct Foo", "enum Bar").
fn scrub(msg: &str) -> String {
    let mut out = Vec::new();
    let mut words = msg.split(' ').peekable();
    while let Some(w) = words.next() {
        match w {
            "struct" | "enum" if words.peek().is_some() => {
                words.next();
                out.push(if w == "struct" { "an object" } else { "a code" });
            }
            _ => out.push(w),
        }
    }
    out.join(" ")
}
