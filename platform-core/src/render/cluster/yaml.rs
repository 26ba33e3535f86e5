//! YAML text of JSON values. `serde_json::Value` keeps object keys sorted (no `preserve_order`), so the text is
//! byte-identical for the same value, whatever the field order of the typed object it was made from.

use serde::Serialize;
use serde_json::Value;

/// One YAML document.
pub fn to_yaml(value: &Value) -> String {
    serde_norway::to_string(value).expect("JSON values serialize to YAML")
}

/// One document after a `#` comment header, without a `---` marker (values files, `kustomization.yaml`).
pub fn to_yaml_file(header: &[&str], value: &Value) -> String {
    let mut out: String = header.iter().map(|line| format!("# {line}\n")).collect();
    out.push_str(&to_yaml(value));
    out
}

/// Several documents, each introduced by `---`, after an optional `#` comment header.
///
/// One serializer writes them all: it separates the documents with `---` itself, and a serializer per document
/// would set up and tear down libyaml's buffers thousands of times on a large platform.
pub fn to_yaml_documents(header: &[&str], values: impl IntoIterator<Item = Value>) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    let mut values = values.into_iter().peekable();
    if values.peek().is_none() {
        return out;
    }
    out.push_str("---\n");
    let mut bytes = out.into_bytes();
    let mut serializer = serde_norway::Serializer::new(&mut bytes);
    for v in values {
        v.serialize(&mut serializer).expect("JSON values serialize to YAML");
    }
    serializer.into_inner().expect("YAML is written to memory");
    String::from_utf8(bytes).expect("YAML is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_are_separated_and_sorted() {
        let text = to_yaml_documents(&["head"], [json!({"b": 1, "a": "x"}), json!({"c": [1, 2]})]);
        assert_eq!(text, "# head\n---\na: x\nb: 1\n---\nc:\n- 1\n- 2\n");
        let back: Vec<Value> = text.split("---\n").skip(1).map(|d| serde_norway::from_str(d).unwrap()).collect();
        assert_eq!(back[1], json!({"c": [1, 2]}));
    }

    #[test]
    fn strings_that_look_like_other_types_stay_strings() {
        let text = to_yaml(&json!({"encrypted": "true", "port": "53", "n": 53}));
        let back: Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(back["encrypted"], "true");
        assert_eq!(back["port"], "53");
        assert_eq!(back["n"], 53);
    }
}
