//! Unit tests of the Terraform functions, called through the dispatcher.

use super::*;
use crate::value::{Piece, Ref};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

fn sp() -> Span {
    Span::new(Arc::from("main.tf"), 7, 3, 7, 20)
}
fn at(line: u32) -> Span {
    Span::new(Arc::from("vars.tf"), line, 1, line, 5)
}
fn s(x: &str) -> Node {
    Node::string(x, at(1))
}
fn n(x: f64) -> Node {
    Node::new(Value::Number(x), at(1))
}
fn b(x: bool) -> Node {
    Node::new(Value::Bool(x), at(1))
}
fn null() -> Node {
    Node::null(at(1))
}
fn unk() -> Node {
    Node::unknown(at(1))
}
fn list(v: Vec<Node>) -> Node {
    Node::new(Value::List(v), at(1))
}
fn strs(v: &[&str]) -> Node {
    list(v.iter().map(|x| s(x)).collect())
}
fn map(v: Vec<(&str, Node)>) -> Node {
    Node::new(
        Value::Map(v.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        at(1),
    )
}
fn rf(t: &str, a: &str) -> Ref {
    Ref {
        target: t.into(),
        attr: a.into(),
    }
}
fn r(t: &str, a: &str) -> Node {
    Node::new(Value::Ref(rf(t, a)), at(2))
}
fn lit(x: &str) -> Piece {
    Piece::Lit(x.into())
}
fn interp(p: Vec<Piece>) -> Node {
    Node::new(Value::Interp(p), at(3))
}

/// A compact rendering for assertions.
fn show(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(x) => format_number(*x),
        Value::String(s) => format!("{s:?}"),
        Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Ref(r) => format!("${{{r}}}"),
        Value::Interp(_) => format!("interp({:?})", n.display_text().unwrap_or_default()),
        Value::Json(inner) => format!("json({})", show(inner)),
        Value::Unknown => "?".into(),
        Value::Cond { .. } => format!("cond({:?})", n.display_text().unwrap_or_default()),
    }
}

fn no_render(text: &str, path: &Path, vars: BTreeMap<String, Node>) -> Node {
    let keys: Vec<&str> = vars.keys().map(String::as_str).collect();
    Node::string(
        format!("{}|{}|{}", path.display(), keys.join(","), text),
        Span::none(),
    )
}

fn call_in(dir: &Path, root: &Path, name: &str, args: Vec<Node>) -> Result<Node, String> {
    let ctx = FnCtx {
        module_dir: dir,
        root,
        span: sp(),
        render_template: &no_render,
    };
    call(name, args, &ctx)
}

fn c(name: &str, args: Vec<Node>) -> Result<Node, String> {
    call_in(Path::new("."), Path::new("."), name, args)
}

/// The shown result, or "ERR: message".
fn t(name: &str, args: Vec<Node>) -> String {
    match c(name, args) {
        Ok(v) => show(&v),
        Err(e) => format!("ERR: {e}"),
    }
}

fn is_err(name: &str, args: Vec<Node>) -> bool {
    c(name, args).is_err()
}

#[test]
fn unsupported_and_unknowable() {
    let e = c("nosuchfn", vec![]).unwrap_err();
    assert!(e.starts_with("unsupported function"), "{e}");
    assert!(
        c("provider::aws::arn_parse", vec![s("x")])
            .unwrap_err()
            .starts_with("unsupported function")
    );
    // Known only when Terraform runs: unknown, without a note.
    for f in ["timestamp", "plantimestamp", "uuid", "bcrypt", "abspath"] {
        let v = c(f, vec![s("x")]).unwrap();
        assert_eq!(v.value, Value::Unknown, "{f}");
        assert_eq!(v.span, sp());
    }
    // Knowable but not evaluated: the evaluator notes them (the message names the function).
    for f in [
        "md5",
        "sha1",
        "formatdate",
        "timeadd",
        "templatestring",
        "type",
    ] {
        assert_eq!(
            c(f, vec![s("x")]).unwrap_err(),
            format!("unsupported function {f}()")
        );
    }
    assert_eq!(t("core::upper", vec![s("a")]), "\"A\"");
}

#[test]
fn jsonencode_keeps_structure() {
    let v = c(
        "jsonencode",
        vec![map(vec![("Resource", r("aws_s3_bucket.b", "arn"))])],
    )
    .unwrap();
    assert_eq!(show(&v), "json({Resource: ${aws_s3_bucket.b.arn}})");
    assert_eq!(v.span, sp());
    let Value::Json(inner) = &v.value else {
        panic!()
    };
    assert_eq!(inner.span, at(1));
    assert_eq!(t("jsonencode", vec![unk()]), "?");
    assert!(is_err("jsonencode", vec![]));
    assert!(is_err("jsonencode", vec![s("a"), s("b")]));
}

#[test]
fn json_text_like_terraform() {
    let doc = map(vec![
        ("b", list(vec![n(1.0), n(2.5), b(true), null()])),
        ("a", s("<x>&\"\\\n\u{1}\u{2028}é")),
    ]);
    assert_eq!(
        to_json_text(&doc).unwrap(),
        r#"{"a":"\u003cx\u003e\u0026\"\\\n\u0001\u2028é","b":[1,2.5,true,null]}"#
    );
    let j = c("jsonencode", vec![doc.clone()]).unwrap();
    assert_eq!(to_json_text(&j), to_json_text(&doc));
    assert_eq!(to_json_text(&map(vec![("a", r("x.y", "arn"))])), None);
    assert_eq!(to_json_text(&list(vec![unk()])), None);
    // A JSON document inside one is a string.
    let nested = map(vec![(
        "p",
        Node::new(Value::Json(Box::new(map(vec![("k", s("v"))]))), at(1)),
    )]);
    assert_eq!(to_json_text(&nested).unwrap(), r#"{"p":"{\"k\":\"v\"}"}"#);
    // The text of jsonencode is available to text functions.
    let enc = c(
        "base64encode",
        vec![c("jsonencode", vec![map(vec![("a", n(1.0))])]).unwrap()],
    )
    .unwrap();
    assert_eq!(show(&enc), "\"eyJhIjoxfQ==\"");
    let rep = c("replace", vec![j, s("1"), s("9")]).unwrap();
    assert!(show(&rep).contains("[9,2.5"), "{}", show(&rep));
}

#[test]
fn jsondecode_forms() {
    let inner = map(vec![("a", r("x.y", "arn"))]);
    let j = Node::new(Value::Json(Box::new(inner.clone())), sp());
    assert_eq!(c("jsondecode", vec![j]).unwrap(), inner);
    let text = Node::string(
        "{\"a\": [1, \"x\"]}",
        Span::new(Arc::from("m.tf"), 4, 10, 4, 30),
    );
    let v = c("jsondecode", vec![text]).unwrap();
    assert_eq!(show(&v), "{a: [1, \"x\"]}");
    let a = v.get("a").unwrap();
    assert_eq!((a.span.line, a.span.col, &*a.span.file), (4, 16, "m.tf"));
    let e = c("jsondecode", vec![s("{\"a\" 1}")]).unwrap_err();
    assert!(e.contains("expected ':'"), "{e}");
    assert_eq!(t("jsondecode", vec![unk()]), "?");
    assert_eq!(t("jsondecode", vec![r("a.b", "c")]), "?");
    assert_eq!(t("jsondecode", vec![n(5.0)]), "5");
    assert!(is_err("jsondecode", vec![null()]));
    assert!(is_err("jsondecode", vec![list(vec![])]));
    let i = interp(vec![
        lit("{\"Principal\": \""),
        Piece::Ref(rf("aws_iam_role.r", "arn")),
        lit("\"}"),
    ]);
    assert_eq!(
        t("jsondecode", vec![i]),
        "{Principal: ${aws_iam_role.r.arn}}"
    );
}

#[test]
fn json_with_refs() {
    let i = Node::new(
        Value::Interp(vec![
            lit("{\n  \"Resource\": [\"arn:aws:s3:::"),
            Piece::Ref(rf("aws_s3_bucket.b", "id")),
            lit("/*\", \""),
            Piece::Ref(rf("aws_s3_bucket.c", "arn")),
            lit("\"],\n  \"Principal\": "),
            Piece::Unknown,
            lit(",\n  \"Action\": "),
            Piece::Ref(rf("local", "actions")),
            lit(",\n  \"Esc\": \"a\\\"b"),
            Piece::Unknown,
            lit("\"\n}"),
        ]),
        Span::new(Arc::from("main.tf"), 10, 1, 15, 2),
    );
    let v = parse_json_with_refs(&i).unwrap();
    assert_eq!(
        show(&v),
        "{Action: ${local.actions}, Esc: interp(\"a\\\"b${?}\"), Principal: ?, Resource: [interp(\"arn:aws:s3:::${aws_s3_bucket.b.id}/*\"), ${aws_s3_bucket.c.arn}]}"
    );
    assert_eq!(v.span.line, 10);
    let res = v.get("Resource").unwrap();
    assert_eq!((res.span.line, res.span.col), (11, 15));
    let p = v.get("Principal").unwrap();
    assert_eq!((p.span.line, p.span.col), (12, 16));
    // Plain strings parse with the node's offset; invalid JSON gives None.
    let st = Node::string("[1]", Span::new(Arc::from("f"), 3, 4, 3, 7));
    assert_eq!(parse_json_with_refs(&st).unwrap().span.col, 4);
    assert!(parse_json_with_refs(&s("{nope")).is_none());
    assert!(parse_json_with_refs(&interp(vec![lit("{"), Piece::Unknown, lit("}")])).is_none());
    assert!(parse_json_with_refs(&n(1.0)).is_none());
    // Text that already holds a sentinel character is not trusted.
    assert!(
        parse_json_with_refs(&interp(vec![
            lit("[\"\u{E000}\""),
            Piece::Unknown,
            lit("]")
        ]))
        .is_none()
    );
    // Keys with references show them.
    let k = interp(vec![
        lit("{\"k-"),
        Piece::Ref(rf("a.b", "c")),
        lit("\": 1}"),
    ]);
    assert_eq!(show(&parse_json_with_refs(&k).unwrap()), "{k-${a.b.c}: 1}");
    // Round trip: jsonencode with refs rendered into a heredoc and parsed back.
    let doc = map(vec![("R", r("aws_x.y", "arn")), ("S", strs(&["a<"]))]);
    let enc = Node::new(Value::Json(Box::new(doc)), sp());
    let joined = concat_pieces(&[&enc]).unwrap();
    let back = parse_json_with_refs(&Node::new(joined, sp())).unwrap();
    assert_eq!(show(&back), "{R: ${aws_x.y.arn}, S: [\"a<\"]}");
}

#[test]
fn concat_pieces_helper() {
    assert_eq!(
        concat_pieces(&[&s("a"), &n(1.0), &b(true)]),
        Some(Value::String("a1true".into()))
    );
    let v = concat_pieces(&[&s("arn:"), &r("x.y", "id"), &s("/*")]).unwrap();
    assert_eq!(
        v,
        Value::Interp(vec![lit("arn:"), Piece::Ref(rf("x.y", "id")), lit("/*")])
    );
    assert_eq!(concat_pieces(&[&s("a"), &list(vec![])]), None);
    assert_eq!(concat_pieces(&[&null()]), None);
    assert_eq!(concat_pieces(&[&unk()]), Some(Value::Unknown));
    assert_eq!(concat_pieces(&[]), Some(Value::String(String::new())));
    let i = interp(vec![lit("x"), Piece::Unknown]);
    assert_eq!(
        concat_pieces(&[&i, &s("y")]),
        Some(Value::Interp(vec![lit("x"), Piece::Unknown, lit("y")]))
    );
}

#[test]
fn merge_fn() {
    assert_eq!(
        t(
            "merge",
            vec![
                map(vec![("a", n(1.0)), ("b", n(2.0))]),
                null(),
                map(vec![("b", r("x.y", "z"))])
            ]
        ),
        "{a: 1, b: ${x.y.z}}"
    );
    assert_eq!(t("merge", vec![map(vec![("a", n(1.0))]), unk()]), "?");
    assert_eq!(t("merge", vec![]), "{}");
    assert_eq!(t("merge", vec![map(vec![("a", unk())])]), "{a: ?}");
    assert!(is_err("merge", vec![s("x")]));
}

#[test]
fn concat_flatten_distinct() {
    assert_eq!(
        t("concat", vec![strs(&["a"]), list(vec![r("x.y", "z")])]),
        "[\"a\", ${x.y.z}]"
    );
    assert_eq!(t("concat", vec![strs(&["a"]), unk()]), "?");
    assert_eq!(t("concat", vec![strs(&["a"]), r("x.y", "ids")]), "?");
    assert!(is_err("concat", vec![s("a")]));
    assert!(is_err("concat", vec![null()]));
    assert_eq!(t("concat", vec![]), "[]");

    let nested = list(vec![
        s("a"),
        list(vec![s("b"), list(vec![s("c"), r("x.y", "arn")])]),
        list(vec![]),
    ]);
    assert_eq!(
        t("flatten", vec![nested]),
        "[\"a\", \"b\", \"c\", ${x.y.arn}]"
    );
    assert_eq!(t("flatten", vec![list(vec![s("a"), unk()])]), "?");
    assert_eq!(t("flatten", vec![unk()]), "?");
    assert!(is_err("flatten", vec![s("a")]));

    assert_eq!(
        t("distinct", vec![strs(&["b", "a", "b"])]),
        "[\"b\", \"a\"]"
    );
    assert_eq!(
        t("distinct", vec![list(vec![n(1.0), n(1.0), n(2.0)])]),
        "[1, 2]"
    );
    assert_eq!(
        t(
            "distinct",
            vec![list(vec![r("x", "a"), r("x", "a"), r("y", "a")])]
        ),
        "[${x.a}, ${y.a}]"
    );
    assert_eq!(t("distinct", vec![list(vec![s("a"), unk()])]), "?");
    assert_eq!(t("distinct", vec![list(vec![unk()])]), "[?]");
    assert_eq!(
        t(
            "distinct",
            vec![list(vec![list(vec![unk()]), list(vec![s("a"), unk()])])]
        ),
        "[[?], [\"a\", ?]]"
    );
}

#[test]
fn lookup_element_index_slice() {
    let m = map(vec![("k", n(1.0)), ("other", unk())]);
    assert_eq!(t("lookup", vec![m.clone(), s("k"), s("d")]), "1");
    assert_eq!(t("lookup", vec![m.clone(), s("k")]), "1");
    assert_eq!(t("lookup", vec![m.clone(), s("zz"), s("d")]), "\"d\"");
    assert!(is_err("lookup", vec![m.clone(), s("zz")]));
    assert_eq!(t("lookup", vec![m.clone(), unk(), s("d")]), "?");
    assert_eq!(t("lookup", vec![unk(), s("k"), s("d")]), "?");
    assert!(is_err("lookup", vec![m.clone()]));
    assert!(is_err("lookup", vec![strs(&["a"]), s("k")]));
    // The looked-up value keeps its own span.
    assert_eq!(c("lookup", vec![m, s("k")]).unwrap().span, at(1));

    let l = strs(&["a", "b", "c"]);
    assert_eq!(t("element", vec![l.clone(), n(1.0)]), "\"b\"");
    assert_eq!(t("element", vec![l.clone(), n(4.0)]), "\"b\"");
    assert_eq!(t("element", vec![l.clone(), s("5")]), "\"c\"");
    assert!(is_err("element", vec![l.clone(), n(-1.0)]));
    assert!(is_err("element", vec![l.clone(), n(1.5)]));
    assert!(is_err("element", vec![list(vec![]), n(0.0)]));
    assert_eq!(t("element", vec![l.clone(), unk()]), "?");
    assert_eq!(t("element", vec![unk(), n(0.0)]), "?");

    assert_eq!(t("index", vec![l.clone(), s("c")]), "2");
    assert!(is_err("index", vec![l.clone(), s("z")]));
    assert_eq!(
        t("index", vec![list(vec![s("a"), unk(), s("c")]), s("a")]),
        "0"
    );
    assert_eq!(
        t("index", vec![list(vec![s("a"), unk(), s("c")]), s("c")]),
        "?"
    );

    assert_eq!(
        t("slice", vec![l.clone(), n(1.0), n(3.0)]),
        "[\"b\", \"c\"]"
    );
    assert_eq!(t("slice", vec![l.clone(), n(1.0), n(1.0)]), "[]");
    assert!(is_err("slice", vec![l.clone(), n(2.0), n(1.0)]));
    assert!(is_err("slice", vec![l.clone(), n(0.0), n(4.0)]));
    assert!(is_err("slice", vec![l.clone(), n(-1.0), n(1.0)]));
    assert_eq!(t("slice", vec![l, unk(), n(1.0)]), "?");
}

#[test]
fn reverse_sort_keys_values_zipmap() {
    assert_eq!(t("reverse", vec![strs(&["a", "b"])]), "[\"b\", \"a\"]");
    assert_eq!(t("reverse", vec![unk()]), "?");
    assert_eq!(
        t("sort", vec![list(vec![s("b"), n(10.0), n(9.0), s("a")])]),
        "[\"10\", \"9\", \"a\", \"b\"]"
    );
    assert_eq!(t("sort", vec![list(vec![s("b"), r("x", "y")])]), "?");
    assert!(is_err("sort", vec![list(vec![null()])]));
    let m = map(vec![("b", unk()), ("a", n(1.0))]);
    assert_eq!(t("keys", vec![m.clone()]), "[\"a\", \"b\"]");
    assert_eq!(t("values", vec![m]), "[1, ?]");
    assert_eq!(t("keys", vec![unk()]), "?");
    assert_eq!(t("values", vec![r("x", "tags")]), "?");
    assert!(is_err("keys", vec![strs(&["a"])]));
    assert_eq!(
        t(
            "zipmap",
            vec![strs(&["a", "b"]), list(vec![n(1.0), r("x", "y")])]
        ),
        "{a: 1, b: ${x.y}}"
    );
    assert!(is_err("zipmap", vec![strs(&["a"]), list(vec![])]));
    assert_eq!(
        t("zipmap", vec![list(vec![r("x", "y")]), list(vec![n(1.0)])]),
        "?"
    );
    assert_eq!(t("zipmap", vec![unk(), list(vec![])]), "?");
}

#[test]
fn contains_length_coalesce() {
    assert_eq!(t("contains", vec![strs(&["a", "b"]), s("b")]), "true");
    assert_eq!(t("contains", vec![strs(&["a", "b"]), s("z")]), "false");
    assert_eq!(
        t("contains", vec![list(vec![s("a"), unk()]), s("a")]),
        "true"
    );
    assert_eq!(t("contains", vec![list(vec![s("a"), unk()]), s("z")]), "?");
    assert_eq!(
        t("contains", vec![list(vec![r("x", "a")]), r("x", "a")]),
        "true"
    );
    assert_eq!(t("contains", vec![list(vec![r("x", "a")]), s("q")]), "?");
    let arn = interp(vec![lit("arn:aws:s3:::"), Piece::Ref(rf("b", "id"))]);
    assert_eq!(t("contains", vec![list(vec![arn]), s("*")]), "false");
    assert_eq!(t("contains", vec![list(vec![n(1.0)]), s("1")]), "true");

    assert_eq!(t("length", vec![list(vec![unk(), unk()])]), "2");
    assert_eq!(t("length", vec![map(vec![("a", unk())])]), "1");
    assert_eq!(t("length", vec![s("héé")]), "3");
    assert_eq!(t("length", vec![unk()]), "?");
    assert_eq!(t("length", vec![r("x", "y")]), "?");
    assert!(is_err("length", vec![null()]));
    assert!(is_err("length", vec![]));

    assert_eq!(t("coalesce", vec![null(), s(""), s("x")]), "\"x\"");
    assert_eq!(t("coalesce", vec![null(), unk(), s("x")]), "?");
    assert_eq!(
        t("coalesce", vec![s(""), r("aws_iam_role.r", "arn")]),
        "${aws_iam_role.r.arn}"
    );
    assert_eq!(t("coalesce", vec![n(0.0), s("x")]), "0");
    assert!(is_err("coalesce", vec![null(), s("")]));
    assert!(is_err("coalesce", vec![]));

    assert_eq!(
        t("coalescelist", vec![list(vec![]), strs(&["a"])]),
        "[\"a\"]"
    );
    assert_eq!(
        t("coalescelist", vec![list(vec![]), unk(), strs(&["a"])]),
        "?"
    );
    assert_eq!(t("coalescelist", vec![strs(&["b"]), unk()]), "[\"b\"]");
    assert!(is_err("coalescelist", vec![list(vec![])]));
    assert!(is_err("coalescelist", vec![s("a")]));
}

#[test]
fn compact_one_range_chunklist() {
    assert_eq!(
        t(
            "compact",
            vec![list(vec![s("a"), s(""), null(), r("x", "y")])]
        ),
        "[\"a\", ${x.y}]"
    );
    assert_eq!(t("compact", vec![list(vec![s("a"), unk()])]), "?");
    assert_eq!(t("one", vec![list(vec![])]), "null");
    assert_eq!(t("one", vec![strs(&["a"])]), "\"a\"");
    assert!(is_err("one", vec![strs(&["a", "b"])]));
    assert_eq!(t("one", vec![unk()]), "?");
    assert_eq!(t("range", vec![n(3.0)]), "[0, 1, 2]");
    assert_eq!(t("range", vec![n(1.0), n(4.0)]), "[1, 2, 3]");
    assert_eq!(t("range", vec![n(4.0), n(1.0)]), "[4, 3, 2]");
    assert_eq!(
        t("range", vec![n(0.0), n(1.0), n(0.25)]),
        "[0, 0.25, 0.5, 0.75]"
    );
    assert_eq!(t("range", vec![n(0.0)]), "[]");
    assert!(is_err("range", vec![n(0.0), n(5.0), n(0.0)]));
    assert!(is_err("range", vec![n(0.0), n(5.0), n(-1.0)]));
    assert!(is_err("range", vec![n(1e9)]));
    assert!(is_err("range", vec![]));
    assert_eq!(t("range", vec![unk()]), "?");
    assert_eq!(
        t("chunklist", vec![strs(&["a", "b", "c"]), n(2.0)]),
        "[[\"a\", \"b\"], [\"c\"]]"
    );
    assert_eq!(t("chunklist", vec![strs(&["a"]), n(0.0)]), "[[\"a\"]]");
    assert!(is_err("chunklist", vec![strs(&["a"]), n(-1.0)]));
}

#[test]
fn sets_and_bools() {
    assert_eq!(
        t("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
        "[\"a\", \"b\", \"c\"]"
    );
    assert_eq!(
        t(
            "setintersection",
            vec![strs(&["b", "a"]), strs(&["c", "a"])]
        ),
        "[\"a\"]"
    );
    assert_eq!(
        t("setsubtract", vec![strs(&["b", "a"]), strs(&["a"])]),
        "[\"b\"]"
    );
    assert_eq!(t("setsubtract", vec![strs(&["b"]), list(vec![unk()])]), "?");
    assert_eq!(t("setunion", vec![strs(&["b"]), unk()]), "?");
    assert_eq!(t("alltrue", vec![list(vec![b(true), s("true")])]), "true");
    assert_eq!(
        t("alltrue", vec![list(vec![b(true), unk(), b(false)])]),
        "false"
    );
    assert_eq!(t("alltrue", vec![list(vec![b(true), unk()])]), "?");
    assert_eq!(t("alltrue", vec![list(vec![])]), "true");
    assert_eq!(t("anytrue", vec![list(vec![unk(), b(true)])]), "true");
    assert_eq!(t("anytrue", vec![list(vec![b(false)])]), "false");
    assert_eq!(t("anytrue", vec![list(vec![])]), "false");
    assert!(is_err("anytrue", vec![list(vec![s("x")])]));
    assert_eq!(t("sum", vec![list(vec![n(1.0), s("2.5")])]), "3.5");
    assert_eq!(t("sum", vec![list(vec![n(1.0), unk()])]), "?");
    assert!(is_err("sum", vec![list(vec![])]));
}

#[test]
fn conversions() {
    assert_eq!(t("tostring", vec![n(5.0)]), "\"5\"");
    assert_eq!(t("tostring", vec![n(1.5)]), "\"1.5\"");
    assert_eq!(t("tostring", vec![b(true)]), "\"true\"");
    assert_eq!(t("tostring", vec![null()]), "null");
    assert_eq!(t("tostring", vec![r("x", "y")]), "${x.y}");
    assert_eq!(t("tostring", vec![unk()]), "?");
    assert!(is_err("tostring", vec![list(vec![])]));
    assert_eq!(c("tostring", vec![n(5.0)]).unwrap().span, at(1));

    assert_eq!(t("tonumber", vec![s("12")]), "12");
    assert_eq!(t("tonumber", vec![n(3.0)]), "3");
    assert_eq!(t("tonumber", vec![null()]), "null");
    assert_eq!(t("tonumber", vec![r("x", "y")]), "?");
    assert!(is_err("tonumber", vec![s("twelve")]));
    assert!(is_err("tonumber", vec![b(true)]));

    assert_eq!(t("tobool", vec![s("true")]), "true");
    assert_eq!(t("tobool", vec![b(false)]), "false");
    assert_eq!(t("tobool", vec![null()]), "null");
    assert_eq!(t("tobool", vec![unk()]), "?");
    assert!(is_err("tobool", vec![s("yes")]));
    assert!(is_err("tobool", vec![n(1.0)]));

    assert_eq!(
        t("tolist", vec![list(vec![s("a"), n(1.0), b(true)])]),
        "[\"a\", \"1\", \"true\"]"
    );
    assert_eq!(t("tolist", vec![list(vec![n(1.0), n(2.0)])]), "[1, 2]");
    assert_eq!(t("tolist", vec![unk()]), "?");
    assert!(is_err("tolist", vec![map(vec![])]));

    assert_eq!(t("toset", vec![strs(&["b", "a", "b"])]), "[\"a\", \"b\"]");
    assert_eq!(
        t("toset", vec![list(vec![n(10.0), n(2.0), n(2.0)])]),
        "[2, 10]"
    );
    assert_eq!(
        t("toset", vec![list(vec![n(10.0), s("2")])]),
        "[\"10\", \"2\"]"
    );
    assert_eq!(
        t("toset", vec![list(vec![b(true), b(false)])]),
        "[false, true]"
    );
    assert_eq!(
        t(
            "toset",
            vec![list(vec![
                r("p", "arn"),
                s("arn:aws:iam::aws:policy/X"),
                r("p", "arn"),
                r("q", "arn")
            ])]
        ),
        "[\"arn:aws:iam::aws:policy/X\", ${p.arn}, ${q.arn}]"
    );
    assert_eq!(t("toset", vec![list(vec![s("a"), unk()])]), "?");
    assert_eq!(t("toset", vec![list(vec![unk()])]), "[?]");
    assert_eq!(
        t(
            "toset",
            vec![list(vec![s("a"), interp(vec![lit("x"), Piece::Unknown])])]
        ),
        "[\"a\", interp(\"x${?}\")]"
    );
    assert_eq!(
        t(
            "toset",
            vec![list(vec![s("xa"), interp(vec![lit("x"), Piece::Unknown])])]
        ),
        "?"
    );

    assert_eq!(t("tomap", vec![map(vec![("a", n(1.0))])]), "{a: 1}");
    assert_eq!(t("tomap", vec![null()]), "null");
    assert_eq!(t("tomap", vec![unk()]), "?");
    assert!(is_err("tomap", vec![strs(&[])]));
    assert_eq!(t("sensitive", vec![s("x")]), "\"x\"");
}

#[test]
fn format_verbs() {
    assert_eq!(
        t(
            "format",
            vec![s("%s-%d-%v-%q-%%"), s("a"), n(3.0), b(true), s("q\"")]
        ),
        "\"a-3-true-\\\"q\\\\\\\"\\\"-%\""
    );
    assert_eq!(
        t(
            "format",
            vec![
                s("%5s|%-5s|%05d|%+d|%.2f|%x|%X|%o|%b"),
                s("ab"),
                s("cd"),
                n(-42.0),
                n(7.0),
                n(1.23456),
                n(255.0),
                n(255.0),
                n(8.0),
                n(5.0)
            ]
        ),
        "\"   ab|cd   |-0042|+7|1.23|ff|FF|10|101\""
    );
    assert_eq!(t("format", vec![s("%.3s"), s("abcdef")]), "\"abc\"");
    assert_eq!(
        t("format", vec![s("%e|%g|%g"), n(1234.5), n(1e7), n(0.5)]),
        "\"1.234500e+03|1e+07|0.5\""
    );
    assert_eq!(
        t("format", vec![s("%[2]s %[1]s"), s("a"), s("b")]),
        "\"b a\""
    );
    assert_eq!(
        t("format", vec![s("%v %v"), strs(&["a"]), null()]),
        "\"[\\\"a\\\"] null\""
    );
    assert_eq!(t("format", vec![s("%#v"), s("a")]), "\"\\\"a\\\"\"");
    assert_eq!(t("format", vec![s("%t"), b(false)]), "\"false\"");
    assert_eq!(t("format", vec![s("%d"), s("12")]), "\"12\"");
    // References stay pieces, unknowns become unknown pieces.
    assert_eq!(
        t(
            "format",
            vec![
                s("arn:aws:iam::%s:role/%s"),
                unk(),
                r("aws_iam_role.r", "name")
            ]
        ),
        "interp(\"arn:aws:iam::${?}:role/${aws_iam_role.r.name}\")"
    );
    assert_eq!(t("format", vec![s("%s"), unk()]), "?");
    assert_eq!(t("format", vec![unk(), s("a")]), "?");
    assert_eq!(t("format", vec![s("%d"), r("x", "port")]), "?");
    assert_eq!(
        t("format", vec![s("%q"), r("x", "y")]),
        "interp(\"\\\"${x.y}\\\"\")"
    );
    assert!(is_err("format", vec![s("%s %s"), s("a")]));
    assert!(is_err("format", vec![s("%s"), s("a"), s("b")]));
    assert!(is_err("format", vec![s("x"), s("a")]));
    assert!(is_err("format", vec![s("%d"), n(1.5)]));
    assert!(is_err("format", vec![s("%s"), null()]));
    assert!(is_err("format", vec![s("%s"), list(vec![])]));
    assert!(is_err("format", vec![s("%z"), s("a")]));
    assert!(is_err("format", vec![s("%"), s("a")]));
    assert!(is_err("format", vec![s("%99999999s"), s("a")]));
    assert!(is_err("format", vec![s("%[0]s"), s("a")]));
    assert!(is_err("format", vec![]));
    assert_eq!(
        t("format", vec![s("héllo %s!"), s("wörld")]),
        "\"héllo wörld!\""
    );
}

#[test]
fn formatlist_fn() {
    assert_eq!(
        t("formatlist", vec![s("%s=%s"), strs(&["a", "b"]), s("x")]),
        "[\"a=x\", \"b=x\"]"
    );
    assert_eq!(
        t(
            "formatlist",
            vec![
                s("arn:aws:s3:::%s/*"),
                list(vec![s("b1"), r("aws_s3_bucket.b", "id")])
            ]
        ),
        "[\"arn:aws:s3:::b1/*\", interp(\"arn:aws:s3:::${aws_s3_bucket.b.id}/*\")]"
    );
    assert_eq!(t("formatlist", vec![s("%s"), unk()]), "?");
    assert!(is_err(
        "formatlist",
        vec![s("%s%s"), strs(&["a"]), strs(&["a", "b"])]
    ));
    assert_eq!(t("formatlist", vec![s("%s"), s("a")]), "[\"a\"]");
}

#[test]
fn join_split_replace() {
    assert_eq!(t("join", vec![s(","), strs(&["a", "b"])]), "\"a,b\"");
    assert_eq!(
        t("join", vec![s(","), strs(&["a"]), strs(&["b"])]),
        "\"a,b\""
    );
    assert_eq!(t("join", vec![s(","), list(vec![])]), "\"\"");
    assert_eq!(
        t(
            "join",
            vec![s("/"), list(vec![s("a"), r("x", "id"), unk(), n(1.0)])]
        ),
        "interp(\"a/${x.id}/${?}/1\")"
    );
    assert_eq!(t("join", vec![s(","), unk()]), "?");
    assert!(is_err("join", vec![s(","), list(vec![null()])]));
    assert!(is_err("join", vec![s(","), list(vec![list(vec![])])]));
    assert!(is_err("join", vec![s(",")]));

    assert_eq!(
        t("split", vec![s(","), s("a,b,,c")]),
        "[\"a\", \"b\", \"\", \"c\"]"
    );
    assert_eq!(t("split", vec![s(","), s("")]), "[\"\"]");
    assert_eq!(t("split", vec![s(""), s("ab")]), "[\"a\", \"b\"]");
    assert_eq!(t("split", vec![s(","), r("x", "y")]), "?");

    assert_eq!(t("replace", vec![s("a-b-c"), s("-"), s("+")]), "\"a+b+c\"");
    assert_eq!(t("replace", vec![s("a1b2"), s("/[0-9]/"), s("")]), "\"ab\"");
    assert_eq!(
        t(
            "replace",
            vec![
                interp(vec![lit("a-"), Piece::Ref(rf("x", "y"))]),
                s("-"),
                s("+")
            ]
        ),
        "?"
    );
    assert!(is_err("replace", vec![s("a"), s("b")]));
    let big = "x".repeat(1 << 20);
    assert!(is_err(
        "replace",
        vec![s(&big), s("x"), s(&"y".repeat(100))]
    ));
    assert!(is_err(
        "indent",
        vec![n(10_000.0), s(&"\n".repeat(1 << 20))]
    ));
}

#[test]
fn string_functions() {
    assert_eq!(t("lower", vec![s("AbÉ")]), "\"abé\"");
    assert_eq!(t("upper", vec![s("abé")]), "\"ABÉ\"");
    assert_eq!(
        t(
            "lower",
            vec![interp(vec![lit("A"), Piece::Ref(rf("x", "y"))])]
        ),
        "?"
    );
    assert_eq!(t("upper", vec![r("x", "y")]), "?");
    assert!(is_err("lower", vec![null()]));
    assert!(is_err("lower", vec![list(vec![])]));
    assert_eq!(
        t("title", vec![s("hello world-foo_bar")]),
        "\"Hello World-Foo_bar\""
    );
    assert_eq!(t("trimspace", vec![s("  a b \n")]), "\"a b\"");
    assert_eq!(t("trim", vec![s("?!a?b!"), s("!?")]), "\"a?b\"");
    assert_eq!(
        t("trimprefix", vec![s("helloworld"), s("hello")]),
        "\"world\""
    );
    assert_eq!(t("trimprefix", vec![s("hello"), s("x")]), "\"hello\"");
    assert_eq!(
        t("trimsuffix", vec![s("helloworld"), s("world")]),
        "\"hello\""
    );
    assert_eq!(t("chomp", vec![s("a\r\n\n")]), "\"a\"");
    assert_eq!(t("strrev", vec![s("abé")]), "\"éba\"");
    assert_eq!(t("indent", vec![n(2.0), s("a\nb")]), "\"a\\n  b\"");
    assert_eq!(t("urlencode", vec![s("a b&c/é")]), "\"a+b%26c%2F%C3%A9\"");
    assert_eq!(t("basename", vec![s("/a/b/c.txt")]), "\"c.txt\"");
    assert_eq!(t("dirname", vec![s("/a/b/c.txt")]), "\"/a/b\"");
    assert_eq!(t("dirname", vec![s("c.txt")]), "\".\"");

    assert_eq!(t("substr", vec![s("héllo"), n(1.0), n(3.0)]), "\"éll\"");
    assert_eq!(t("substr", vec![s("hello"), n(-3.0), n(-1.0)]), "\"llo\"");
    assert_eq!(t("substr", vec![s("hello"), n(10.0), n(2.0)]), "\"\"");
    assert_eq!(t("substr", vec![s("hello"), n(3.0), n(100.0)]), "\"lo\"");
    assert_eq!(t("substr", vec![s("hello"), unk(), n(1.0)]), "?");

    assert_eq!(t("startswith", vec![s("arn:aws"), s("arn:")]), "true");
    assert_eq!(t("endswith", vec![s("arn:aws"), s("arn:")]), "false");
    assert_eq!(t("strcontains", vec![s("arn:aws"), s(":a")]), "true");
    let arn = interp(vec![
        lit("arn:aws:s3:::"),
        Piece::Ref(rf("b", "id")),
        lit("/*"),
    ]);
    assert_eq!(t("startswith", vec![arn.clone(), s("arn:")]), "true");
    assert_eq!(t("startswith", vec![arn.clone(), s("xyz")]), "false");
    assert_eq!(
        t("startswith", vec![arn.clone(), s("arn:aws:s3:::bucket")]),
        "?"
    );
    assert_eq!(t("endswith", vec![arn.clone(), s("/*")]), "true");
    assert_eq!(t("strcontains", vec![arn.clone(), s("s3")]), "true");
    assert_eq!(t("strcontains", vec![arn, s("zzz")]), "?");
    assert_eq!(t("startswith", vec![r("x", "y"), s("a")]), "?");
}

#[test]
fn numbers() {
    assert_eq!(t("min", vec![n(3.0), n(1.0), s("2")]), "1");
    assert_eq!(t("max", vec![n(3.0), n(1.0)]), "3");
    assert_eq!(t("max", vec![n(3.0), unk()]), "?");
    assert!(is_err("max", vec![]));
    assert!(is_err("max", vec![s("x")]));
    assert_eq!(t("abs", vec![n(-2.5)]), "2.5");
    assert_eq!(t("ceil", vec![n(1.2)]), "2");
    assert_eq!(t("floor", vec![n(-1.2)]), "-2");
    assert_eq!(t("floor", vec![unk()]), "?");
    assert_eq!(t("signum", vec![n(-7.0)]), "-1");
    assert_eq!(t("pow", vec![n(2.0), n(10.0)]), "1024");
    assert_eq!(t("log", vec![n(8.0), n(2.0)]), "3");
    assert_eq!(t("parseint", vec![s("ff"), n(16.0)]), "255");
    assert_eq!(t("parseint", vec![s("-101"), n(2.0)]), "-5");
    assert!(is_err("parseint", vec![s("zz"), n(10.0)]));
    assert!(is_err("parseint", vec![s("1"), n(99.0)]));
}

#[test]
fn encodings_and_hashes() {
    assert_eq!(t("base64encode", vec![s("Hello")]), "\"SGVsbG8=\"");
    assert_eq!(
        t(
            "base64encode",
            vec![interp(vec![lit("a"), Piece::Ref(rf("x", "y"))])]
        ),
        "?"
    );
    assert_eq!(t("base64decode", vec![s("SGVsbG8=")]), "\"Hello\"");
    assert_eq!(
        t("base64decode", vec![interp(vec![lit("a"), Piece::Unknown])]),
        "?"
    );
    assert!(is_err("base64decode", vec![s("!!!")]));
    assert!(is_err("base64decode", vec![s("/w==")]));
    let gz = c("base64gzip", vec![s("hello hello hello")]).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(gz.as_str().unwrap())
        .unwrap();
    let mut dec = flate2::read::GzDecoder::new(&bytes[..]);
    let mut out = String::new();
    std::io::Read::read_to_string(&mut dec, &mut out).unwrap();
    assert_eq!(out, "hello hello hello");
    assert_eq!(
        t("sha256", vec![s("hello world")]),
        "\"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\""
    );
    assert_eq!(
        t("base64sha256", vec![s("hello world")]),
        "\"uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=\""
    );
    assert!(t("sha512", vec![s("")]).starts_with("\"cf83e1357eefb8bd"));
    assert_eq!(t("sha256", vec![r("x", "y")]), "?");
}

#[test]
fn files() {
    let root = tempfile::tempdir().unwrap();
    let module = root.path().join("mod");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(module.join("policy.json"), "{\n  \"a\": \"é\"\n}\n").unwrap();
    std::fs::write(module.join("t.tpl"), "hi ${name}").unwrap();
    std::fs::write(root.path().join("shared.txt"), "shared").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "s").unwrap();
    let f = |name: &str, args: Vec<Node>| call_in(&module, root.path(), name, args);

    let v = f("file", vec![s("policy.json")]).unwrap();
    assert_eq!(v.as_str(), Some("{\n  \"a\": \"é\"\n}\n"));
    assert_eq!(
        &*v.span.file,
        module
            .join("policy.json")
            .to_string_lossy()
            .replace('\\', "/")
    );
    assert_eq!(
        (v.span.line, v.span.col, v.span.end_line, v.span.end_col),
        (1, 1, 3, 2)
    );
    // A path already built from path.module is not joined twice.
    let full = module.join("policy.json").to_string_lossy().to_string();
    assert!(f("file", vec![s(&full)]).is_ok());
    assert_eq!(
        f("file", vec![s("../shared.txt")]).unwrap().as_str(),
        Some("shared")
    );
    let secret = outside.path().join("secret").to_string_lossy().to_string();
    let e = f("file", vec![s(&secret)]).unwrap_err();
    assert!(e.contains("outside"), "{e}");
    assert!(
        f("file", vec![s("missing.txt")])
            .unwrap_err()
            .contains("no file exists")
    );
    assert!(f("file", vec![s(".")]).is_err());
    assert_eq!(show(&f("file", vec![r("x", "y")]).unwrap()), "?");
    assert_eq!(
        show(&f("filebase64", vec![s("../shared.txt")]).unwrap()),
        "\"c2hhcmVk\""
    );
    assert_eq!(
        show(&f("filesha256", vec![s("../shared.txt")]).unwrap()),
        format!("{:?}", hex_digest(true, b"shared"))
    );

    assert_eq!(
        show(&f("fileexists", vec![s("policy.json")]).unwrap()),
        "true"
    );
    assert_eq!(show(&f("fileexists", vec![s("nope")]).unwrap()), "false");
    assert!(f("fileexists", vec![s(&secret)]).is_err());
    assert!(f("fileexists", vec![s(".")]).is_err());

    let v = f(
        "templatefile",
        vec![s("t.tpl"), map(vec![("name", s("x"))])],
    )
    .unwrap();
    assert_eq!(
        v.as_str().unwrap(),
        format!("{}|name|hi ${{name}}", module.join("t.tpl").display())
    );
    assert_eq!(
        show(&f("templatefile", vec![s("t.tpl"), unk()]).unwrap()),
        "?"
    );
    assert!(f("templatefile", vec![s("t.tpl"), s("x")]).is_err());
    assert!(f("templatefile", vec![s(&secret), map(vec![])]).is_err());

    let big = root.path().join("big");
    let fh = std::fs::File::create(&big).unwrap();
    fh.set_len(MAX_FILE_BYTES + 1).unwrap();
    let e = f("file", vec![s("../big")]).unwrap_err();
    assert!(e.contains("larger"), "{e}");
}

#[test]
fn never_panics_on_odd_arguments() {
    let shapes = vec![
        null(),
        unk(),
        s(""),
        s("x"),
        n(-1.0),
        n(1e300),
        n(0.5),
        b(true),
        list(vec![]),
        list(vec![unk(), null(), list(vec![])]),
        map(vec![]),
        map(vec![("a", unk())]),
        r("x", "y"),
        interp(vec![lit("a"), Piece::Unknown]),
        Node::new(Value::Json(Box::new(map(vec![("a", r("x", "y"))]))), at(1)),
    ];
    let names = [
        "jsonencode",
        "jsondecode",
        "merge",
        "concat",
        "flatten",
        "distinct",
        "format",
        "formatlist",
        "join",
        "split",
        "replace",
        "lower",
        "upper",
        "title",
        "trimspace",
        "trim",
        "trimprefix",
        "trimsuffix",
        "chomp",
        "substr",
        "startswith",
        "endswith",
        "strcontains",
        "lookup",
        "element",
        "index",
        "slice",
        "reverse",
        "sort",
        "keys",
        "values",
        "zipmap",
        "contains",
        "length",
        "coalesce",
        "coalescelist",
        "compact",
        "one",
        "tostring",
        "tonumber",
        "tobool",
        "tolist",
        "toset",
        "tomap",
        "range",
        "min",
        "max",
        "abs",
        "ceil",
        "floor",
        "file",
        "fileexists",
        "templatefile",
        "base64encode",
        "base64decode",
        "base64gzip",
        "sha256",
        "chunklist",
        "setunion",
        "setintersection",
        "setsubtract",
        "alltrue",
        "anytrue",
        "sum",
        "indent",
        "parseint",
        "pow",
        "log",
        "signum",
        "strrev",
        "urlencode",
        "basename",
        "dirname",
        "filebase64",
        "sensitive",
    ];
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        for count in 0..4 {
            for i in 0..shapes.len() {
                let args: Vec<Node> = (0..count)
                    .map(|k| shapes[(i + k * 5) % shapes.len()].clone())
                    .collect();
                let _ = call_in(dir.path(), dir.path(), name, args);
            }
        }
    }
}

#[test]
fn regex_and_regexall() {
    // No capture group: the matched text.
    assert_eq!(
        t(
            "regex",
            vec![s("[a-z]+"), s("53453453.345345aaabbbccc23454")]
        ),
        "\"aaabbbccc\""
    );
    // Unnamed groups: a list; named groups: a map.
    assert_eq!(
        t(
            "regex",
            vec![s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")]
        ),
        "[\"2019\", \"02\", \"01\"]"
    );
    assert_eq!(
        t(
            "regex",
            vec![
                s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                s("https://terraform.io/docs/")
            ]
        ),
        "{authority: \"terraform.io\", scheme: \"https\"}"
    );
    // A group that took no part in the match is null.
    assert_eq!(t("regex", vec![s("(a)|(b)"), s("b")]), "[null, \"b\"]");
    assert_eq!(
        t("regex", vec![s("x"), s("abc")]),
        "ERR: regex: pattern did not match any part of the given string"
    );
    assert_eq!(
        t("regex", vec![s("(?P<a>x)(y)"), s("xy")]),
        "ERR: regex: the pattern must not mix named and unnamed capture groups"
    );
    assert!(
        t("regex", vec![s("(unclosed"), s("x")])
            .starts_with("ERR: regex: invalid regular expression")
    );
    assert!(t("regex", vec![s(&"a".repeat(5000)), s("a")]).contains("pattern longer than"));
    assert_eq!(t("regex", vec![s("a"), r("x", "y")]), "?");
    assert_eq!(t("regex", vec![unk(), s("a")]), "?");
    assert!(is_err("regex", vec![s("a")]));

    assert_eq!(
        t("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]),
        "[\"abcd\", \"efgh\"]"
    );
    assert_eq!(t("regexall", vec![s("[a-z]+"), s("123")]), "[]");
    assert_eq!(
        t("regexall", vec![s("(\\w)=(\\d)"), s("a=1 b=2")]),
        "[[\"a\", \"1\"], [\"b\", \"2\"]]"
    );
    // Matching is linear-time: a pathological backtracking pattern returns at once.
    let long = "a".repeat(10_000);
    assert_eq!(
        t("regexall", vec![s("(a+)+$"), s(&long)]),
        format!("[[\"{long}\"]]")
    );

    // replace with a /regex/ and group references.
    assert_eq!(
        t(
            "replace",
            vec![s("hello world"), s("/w(or)ld/"), s("W${1}LD")]
        ),
        "\"hello WorLD\""
    );
    assert!(t("replace", vec![s("x"), s("/(/"), s("")]).starts_with("ERR: replace: invalid"));
}

#[test]
fn yamldecode_values_and_positions() {
    let text = "a: 1\nb: [true, null, x]\nc:\n  http_tokens: optional\n  n: \"2\"\n";
    let v = c(
        "yamldecode",
        vec![Node::string(
            text,
            Span::new(Arc::from("cfg.yaml"), 1, 1, 5, 1),
        )],
    )
    .unwrap();
    assert_eq!(
        show(&v),
        "{a: 1, b: [true, null, \"x\"], c: {http_tokens: \"optional\", n: \"2\"}}"
    );
    // Positions point into the YAML file.
    let tok = v.path(&["c", "http_tokens"]).unwrap();
    assert_eq!(
        (&*tok.span.file, tok.span.line, tok.span.col),
        ("cfg.yaml", 4, 16)
    );
    // Text starting on line 10 of its file (a heredoc) shifts lines.
    let v = c("yamldecode", vec![Node::string("k: v\n", at(10))]).unwrap();
    assert_eq!(v.get("k").unwrap().span.line, 10);
    assert_eq!(t("yamldecode", vec![s("- a\n- b\n")]), "[\"a\", \"b\"]");
    assert_eq!(t("yamldecode", vec![s("hello")]), "\"hello\"");
    assert_eq!(t("yamldecode", vec![s("")]), "null");
    assert!(t("yamldecode", vec![s("a: [1, 2")]).starts_with("ERR: yamldecode:"));
    assert_eq!(t("yamldecode", vec![r("x", "y")]), "?");
    assert!(is_err("yamldecode", vec![null()]));
    // An alias bomb is bounded by the loader.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert!(is_err("yamldecode", vec![s(&bomb)]));
}

#[test]
fn yamlencode_text() {
    // Terraform's documented examples.
    let m = |v: Vec<(&str, Node)>| map(v);
    assert_eq!(
        c("yamlencode", vec![m(vec![("a", s("b")), ("c", s("d"))])])
            .unwrap()
            .as_str(),
        Some("\"a\": \"b\"\n\"c\": \"d\"\n")
    );
    assert_eq!(
        c(
            "yamlencode",
            vec![m(vec![
                ("foo", list(vec![n(1.0), n(2.0), n(3.0)])),
                ("bar", s("baz"))
            ])]
        )
        .unwrap()
        .as_str(),
        Some("\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n")
    );
    let nested = m(vec![
        (
            "foo",
            list(vec![n(1.0), m(vec![("a", s("b")), ("c", s("d"))]), n(3.0)]),
        ),
        ("bar", s("baz")),
    ]);
    assert_eq!(
        c("yamlencode", vec![nested.clone()]).unwrap().as_str(),
        Some("\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n")
    );
    let v = m(vec![
        ("a", s("true")),
        (
            "c",
            m(vec![
                ("d", s("two \"words\"")),
                ("e", null()),
                ("f", b(false)),
            ]),
        ),
        ("g", list(vec![])),
        ("h", m(vec![])),
        ("i", s("line1\nline2")),
        ("j", list(vec![list(vec![s("x"), s("y")])])),
    ]);
    assert_eq!(
        c("yamlencode", vec![v.clone()]).unwrap().as_str(),
        Some(
            "\"a\": \"true\"\n\"c\":\n  \"d\": \"two \\\"words\\\"\"\n  \"e\": null\n  \"f\": false\n\
             \"g\": []\n\"h\": {}\n\"i\": \"line1\\nline2\"\n\"j\":\n- - \"x\"\n  - \"y\"\n"
        )
    );
    // Round trip: what yamlencode writes, yamldecode reads back as the same value.
    for value in [v, nested] {
        let text = c("yamlencode", vec![value.clone()]).unwrap();
        let back = c("yamldecode", vec![text]).unwrap();
        assert_eq!(show(&back), show(&value));
    }
    assert_eq!(t("yamlencode", vec![s("x")]), "\"\\\"x\\\"\\n\"");
    assert_eq!(t("yamlencode", vec![map(vec![("k", r("x", "y"))])]), "?");
    assert!(is_err("yamlencode", vec![]));
}

#[test]
fn cidr_functions() {
    // Terraform's documented examples.
    assert_eq!(
        t("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]),
        "\"172.18.0.0/16\""
    );
    assert_eq!(
        t("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]),
        "\"10.1.2.240/28\""
    );
    assert_eq!(
        t(
            "cidrsubnet",
            vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]
        ),
        "\"fd00:fd12:3456:7800:a200::/72\""
    );
    assert_eq!(
        t("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]),
        "\"10.12.112.16\""
    );
    assert_eq!(
        t("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]),
        "\"10.12.113.12\""
    );
    assert_eq!(
        t(
            "cidrhost",
            vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]
        ),
        "\"fd00:fd12:3456:7890::22\""
    );
    assert_eq!(
        t("cidrnetmask", vec![s("172.16.0.0/12")]),
        "\"255.240.0.0\""
    );
    assert_eq!(
        t(
            "cidrsubnets",
            vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
        ),
        "[\"10.1.0.0/20\", \"10.1.16.0/20\", \"10.1.32.0/24\", \"10.1.48.0/20\"]"
    );
    assert_eq!(
        t(
            "cidrsubnets",
            vec![
                s("fd00:fd12:3456:7890::/56"),
                n(16.0),
                n(16.0),
                n(16.0),
                n(32.0)
            ]
        ),
        "[\"fd00:fd12:3456:7800::/72\", \"fd00:fd12:3456:7800:100::/72\", \"fd00:fd12:3456:7800:200::/72\", \"fd00:fd12:3456:7800:300::/88\"]"
    );
    // Edge cases: host bits in the prefix are dropped, negative host numbers count back,
    // newbits 0 is the prefix itself, numeric strings convert.
    assert_eq!(
        t("cidrsubnet", vec![s("10.0.0.77/24"), n(0.0), n(0.0)]),
        "\"10.0.0.0/24\""
    );
    assert_eq!(
        t("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]),
        "\"10.0.0.255\""
    );
    assert_eq!(
        t("cidrhost", vec![s("10.0.0.0/24"), n(-256.0)]),
        "\"10.0.0.0\""
    );
    assert_eq!(
        t("cidrhost", vec![s("10.0.0.0/24"), s("5")]),
        "\"10.0.0.5\""
    );
    assert_eq!(t("cidrnetmask", vec![s("0.0.0.0/0")]), "\"0.0.0.0\"");
    assert_eq!(
        t("cidrnetmask", vec![s("10.0.0.1/32")]),
        "\"255.255.255.255\""
    );
    assert_eq!(t("cidrsubnets", vec![s("10.0.0.0/24")]), "[]");
    assert_eq!(
        t("cidrsubnet", vec![s("::/0"), n(1.0), n(1.0)]),
        "\"8000::/1\""
    );
    assert_eq!(
        t("cidrhost", vec![s("::/0"), n(-1.0)]),
        "\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\""
    );

    // Terraform's argument errors.
    assert_eq!(
        t("cidrsubnet", vec![s("10.0.0.0/30"), n(3.0), n(0.0)]),
        "ERR: cidrsubnet: insufficient address space to extend prefix of 30 by 3"
    );
    assert_eq!(
        t("cidrsubnet", vec![s("10.0.0.0/16"), n(2.0), n(4.0)]),
        "ERR: cidrsubnet: prefix extension of 2 does not accommodate a subnet numbered 4"
    );
    assert!(is_err(
        "cidrsubnet",
        vec![s("10.0.0.0/16"), n(2.0), n(-1.0)]
    ));
    assert!(is_err(
        "cidrsubnet",
        vec![s("10.0.0.0/16"), n(-2.0), n(0.0)]
    ));
    assert_eq!(
        t("cidrhost", vec![s("10.0.0.0/30"), n(4.0)]),
        "ERR: cidrhost: prefix of 30 bits cannot accommodate a host numbered 4"
    );
    assert!(is_err("cidrhost", vec![s("10.0.0.0/30"), n(-5.0)]));
    assert_eq!(
        t("cidrnetmask", vec![s("fd00::/8")]),
        "ERR: cidrnetmask: only IPv4 networks are supported"
    );
    for bad in [
        "10.0.0.0",
        "10.0.0.0/33",
        "10.0.0/8",
        "x/8",
        "10.0.0.0/-1",
        "10.0.0.0/",
    ] {
        assert!(
            t("cidrnetmask", vec![s(bad)]).starts_with("ERR: cidrnetmask: invalid CIDR expression"),
            "{bad}"
        );
    }
    assert_eq!(
        t(
            "cidrsubnets",
            vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]
        ),
        "ERR: cidrsubnets: not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"
    );
    assert!(
        t("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)]).contains("too long for an IPv4 address")
    );
    assert!(is_err("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)]));
    assert!(is_err("cidrsubnets", vec![]));
    // Unknown arguments give unknown.
    assert_eq!(
        t(
            "cidrsubnet",
            vec![r("aws_vpc.v", "cidr_block"), n(8.0), n(1.0)]
        ),
        "?"
    );
    assert_eq!(t("cidrhost", vec![s("10.0.0.0/24"), unk()]), "?");
    assert_eq!(t("cidrsubnets", vec![s("10.0.0.0/24"), unk()]), "?");
}

#[test]
fn fileset_stays_inside_and_is_bounded() {
    let root = tempfile::tempdir().unwrap();
    let module = root.path().join("mod");
    std::fs::create_dir_all(module.join("runners/sub")).unwrap();
    std::fs::write(module.join("runners/a.yaml"), "x: 1").unwrap();
    std::fs::write(module.join("runners/b.yml"), "x: 2").unwrap();
    std::fs::write(module.join("runners/sub/c.yaml"), "x: 3").unwrap();
    std::fs::write(module.join("runners/notes.txt"), "").unwrap();
    std::fs::write(root.path().join("up.yaml"), "").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "s").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), module.join("runners/link")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.yaml"),
            module.join("runners/linked.yaml"),
        )
        .unwrap();
    }
    let f = |args: Vec<Node>| match call_in(&module, root.path(), "fileset", args) {
        Ok(v) => show(&v),
        Err(e) => format!("ERR: {e}"),
    };
    assert_eq!(f(vec![s("runners"), s("*.yaml")]), "[\"a.yaml\"]");
    assert_eq!(
        f(vec![s("runners"), s("*.{yaml,yml}")]),
        "[\"a.yaml\", \"b.yml\"]"
    );
    assert_eq!(
        f(vec![s("runners"), s("**/*.yaml")]),
        "[\"a.yaml\", \"sub/c.yaml\"]"
    );
    assert_eq!(f(vec![s("runners"), s("?.y*")]), "[\"a.yaml\", \"b.yml\"]");
    assert_eq!(
        f(vec![s("runners"), s("[ab].*")]),
        "[\"a.yaml\", \"b.yml\"]"
    );
    // A path built from path.module is not joined twice.
    let full = module.join("runners").to_string_lossy().to_string();
    assert_eq!(f(vec![s(&full), s("sub/*")]), "[\"sub/c.yaml\"]");
    // `..` inside the scan root is fine; outside it is refused; a missing path is empty.
    assert_eq!(f(vec![s(".."), s("*.yaml")]), "[\"up.yaml\"]");
    let out = outside.path().to_string_lossy().to_string();
    assert!(f(vec![s(&out), s("*")]).contains("outside"));
    assert!(f(vec![s("../.."), s("*")]).contains("outside"));
    assert_eq!(f(vec![s("nope"), s("*")]), "[]");
    assert!(f(vec![s("runners"), s("[")]).starts_with("ERR: fileset: invalid pattern"));
    assert_eq!(f(vec![r("x", "y"), s("*")]), "?");

    // Too many entries: an error, not a long walk.
    let big = module.join("big");
    std::fs::create_dir_all(&big).unwrap();
    for i in 0..=MAX_FILESET_ENTRIES {
        std::fs::write(big.join(format!("{i}")), "").unwrap();
    }
    assert!(f(vec![s("big"), s("*")]).contains("more than 10000 entries"));
}

#[test]
fn setproduct_matchkeys_transpose() {
    assert_eq!(
        t("setproduct", vec![strs(&["a", "b"]), strs(&["x", "y"])]),
        "[[\"a\", \"x\"], [\"a\", \"y\"], [\"b\", \"x\"], [\"b\", \"y\"]]"
    );
    assert_eq!(t("setproduct", vec![strs(&["a"]), strs(&[])]), "[]");
    assert!(is_err("setproduct", vec![strs(&["a"])]));
    let big = list((0..200).map(|i| n(i as f64)).collect());
    assert!(t("setproduct", vec![big.clone(), big]).contains("more than 10000 combinations"));
    assert_eq!(t("setproduct", vec![strs(&["a"]), unk()]), "?");

    assert_eq!(
        t(
            "matchkeys",
            vec![
                strs(&["i-123", "i-abc", "i-def"]),
                strs(&["us-west", "us-east", "us-east"]),
                strs(&["us-east"])
            ]
        ),
        "[\"i-abc\", \"i-def\"]"
    );
    assert_eq!(
        t(
            "matchkeys",
            vec![strs(&["a"]), strs(&["x", "y"]), strs(&["x"])]
        ),
        "ERR: matchkeys: length of keys and values should be equal"
    );
    assert_eq!(
        t(
            "matchkeys",
            vec![strs(&["a"]), list(vec![unk()]), strs(&["x"])]
        ),
        "?"
    );

    assert_eq!(
        t(
            "transpose",
            vec![map(vec![
                ("a", strs(&["1", "2"])),
                ("b", strs(&["2", "3"]))
            ])]
        ),
        "{1: [\"a\"], 2: [\"a\", \"b\"], 3: [\"b\"]}"
    );
    assert!(is_err("transpose", vec![map(vec![("a", s("x"))])]));
    assert_eq!(
        t("transpose", vec![map(vec![("a", list(vec![r("x", "y")]))])]),
        "?"
    );
}

#[test]
fn csvdecode_rows() {
    assert_eq!(
        t("csvdecode", vec![s("a,b,c\n1,2,3\n4,5,6")]),
        "[{a: \"1\", b: \"2\", c: \"3\"}, {a: \"4\", b: \"5\", c: \"6\"}]"
    );
    assert_eq!(
        t(
            "csvdecode",
            vec![s("name,note\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\r\n")]
        ),
        "[{name: \"x, y\", note: \"say \\\"hi\\\"\\nthere\"}]"
    );
    assert_eq!(t("csvdecode", vec![s("a,b\n")]), "[]");
    assert_eq!(
        t("csvdecode", vec![s("a,b\n1\n")]),
        "ERR: csvdecode: line 2: wrong number of fields (1 instead of 2)"
    );
    assert!(t("csvdecode", vec![s("a\n\"open")]).contains("unterminated"));
    assert!(t("csvdecode", vec![s("")]).contains("missing header"));
    assert_eq!(t("csvdecode", vec![r("x", "y")]), "?");
}

/// README's "Terraform functions evaluated" is the dispatcher's list: read from the code
/// (every name with an arm in `call`), never typed twice.
#[test]
fn readme_lists_exactly_the_evaluated_functions() {
    fn names_in_dispatcher(src: &str) -> std::collections::BTreeSet<String> {
        let start = src.find("pub(crate) fn call(").expect("call in mod.rs");
        let body = &src[start..];
        let body = &body[..body.find("\n}\n").expect("end of call")];
        let mut out = std::collections::BTreeSet::new();
        for line in body.lines() {
            let Some((pattern, _)) = line.trim().split_once("=>") else {
                continue;
            };
            let alts: Vec<&str> = pattern.split('|').map(str::trim).collect();
            if alts
                .iter()
                .all(|a| a.len() > 2 && a.starts_with('"') && a.ends_with('"'))
            {
                out.extend(alts.iter().map(|a| a.trim_matches('"').to_string()));
            }
        }
        out
    }
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("**Terraform functions evaluated**:")
        .expect("README lists the functions");
    let list = &readme[start + "**Terraform functions evaluated**:".len()..];
    let list = &list[..list.find('.').expect("the list ends with a period")];
    let documented: std::collections::BTreeSet<String> = list
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(documented, names_in_dispatcher(include_str!("mod.rs")));
}
