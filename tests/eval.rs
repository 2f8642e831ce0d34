//! The Terraform evaluator on small configurations written here: what it resolves, what it
//! keeps symbolic, and what it leaves unknown.

use rolegraph::document::Resource;
use rolegraph::parse::hcl::module::{VarInputs, scan_root_module};
use rolegraph::value::{Node, Value};
use std::path::Path;

/// Render a value compactly: refs as `${...}`, unknown as `?`, JSON documents as `json(...)`.
fn show(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Unknown => "?".into(),
        Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Json(inner) => format!("json({})", show(inner)),
        Value::String(s) => format!("{s:?}"),
        _ => n.display_text().unwrap_or_default(),
    }
}

fn eval(files: &[(&str, &str)], vars: &[(&str, &str)]) -> Vec<Resource> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let inputs = VarInputs {
        var_files: vec![],
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let (doc, _) = scan_root_module(dir.path(), dir.path(), &inputs);
    doc.resources
}

fn attr(rs: &[Resource], address: &str, path: &[&str]) -> String {
    let r = rs.iter().find(|r| r.address == address).unwrap_or_else(|| {
        panic!(
            "no {address} in {:?}",
            rs.iter().map(|r| &r.address).collect::<Vec<_>>()
        )
    });
    r.attr(path).map(show).unwrap_or_else(|| "<absent>".into())
}

#[test]
fn variables_locals_and_templates() {
    let rs = eval(
        &[(
            "main.tf",
            r#"
variable "env" { default = "prod" }
variable "no_default" {}
locals {
  name   = "app-${var.env}"
  upper  = upper(local.name)
  tags   = merge({ a = "1" }, { b = var.env })
  list   = [for s in ["x", "y"] : "${s}-${var.env}" if s != "y"]
  byname = { for k, v in { a = 1, b = 2 } : k => v * 10 }
  cond   = var.env == "prod" ? "yes" : "no"
  unk    = var.no_default == "x" ? "a" : "b"
}
resource "aws_thing" "t" {
  name   = local.name
  upper  = local.upper
  tags   = local.tags
  list   = local.list
  byname = local.byname
  cond   = local.cond
  unk    = local.unk
  fmt    = format("%s/%d", local.name, 3)
  joined = join(",", ["a", "b"])
  path   = "${path.module}/x"
  ws     = terraform.workspace
}
"#,
        )],
        &[],
    );
    let a = |p: &str| attr(&rs, "aws_thing.t", &[p]);
    assert_eq!(a("name"), "\"app-prod\"");
    assert_eq!(a("upper"), "\"APP-PROD\"");
    assert_eq!(a("tags"), "{a: \"1\", b: \"prod\"}");
    assert_eq!(a("list"), "[\"x-prod\"]");
    assert_eq!(a("byname"), "{a: 10, b: 20}");
    assert_eq!(a("cond"), "\"yes\"");
    assert_eq!(a("unk"), "?");
    assert_eq!(a("fmt"), "\"app-prod/3\"");
    assert_eq!(a("joined"), "\"a,b\"");
    assert_eq!(a("ws"), "\"default\"");
}

#[test]
fn references_stay_symbolic_inside_strings_and_documents() {
    let rs = eval(
        &[(
            "main.tf",
            r#"
resource "aws_iam_role" "r" { name = "r" }
resource "aws_thing" "t" {
  arn    = aws_iam_role.r.arn
  in_str = "${aws_iam_role.r.arn}/*"
  doc    = jsonencode({ Resource = aws_iam_role.r.arn })
  idx    = aws_iam_role.r[0].name
  splat  = aws_iam_role.r[*].arn
  other  = try(aws_iam_role.r.arn, "")
}
"#,
        )],
        &[],
    );
    let a = |p: &str| attr(&rs, "aws_thing.t", &[p]);
    assert_eq!(a("arn"), "${aws_iam_role.r.arn}");
    assert_eq!(a("in_str"), "${aws_iam_role.r.arn}/*");
    assert_eq!(a("doc"), "json({Resource: ${aws_iam_role.r.arn}})");
    assert_eq!(a("idx"), "${aws_iam_role.r[0].name}");
    assert_eq!(a("splat"), "[${aws_iam_role.r.arn}]");
    assert_eq!(a("other"), "${aws_iam_role.r.arn}");
}

#[test]
fn count_for_each_and_dynamic_blocks() {
    let rs = eval(
        &[(
            "main.tf",
            r#"
variable "create" { default = false }
variable "unknown" {}
resource "aws_instance" "never" {
  count = var.create ? 1 : 0
}
resource "aws_instance" "two" {
  count = 2
  tags  = { i = count.index }
}
resource "aws_instance" "each" {
  for_each = { a = "required", b = "optional" }
  metadata_options { http_tokens = each.value }
}
resource "aws_instance" "dyn" {
  dynamic "metadata_options" {
    for_each = [{ tokens = "required" }]
    content { http_tokens = metadata_options.value.tokens }
  }
}
resource "aws_instance" "dyn_unknown" {
  dynamic "metadata_options" {
    for_each = var.unknown
    content { http_tokens = "required" }
  }
}
resource "aws_instance" "maybe" {
  count = var.unknown ? 1 : 0
}
"#,
        )],
        &[],
    );
    let addrs: Vec<&str> = rs.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addrs,
        [
            "aws_instance.two[0]",
            "aws_instance.two[1]",
            "aws_instance.each[\"a\"]",
            "aws_instance.each[\"b\"]",
            "aws_instance.dyn",
            "aws_instance.dyn_unknown",
            "aws_instance.maybe",
        ]
    );
    assert_eq!(attr(&rs, "aws_instance.two[1]", &["tags"]), "{i: 1}");
    assert_eq!(
        attr(
            &rs,
            "aws_instance.each[\"b\"]",
            &["metadata_options", "http_tokens"]
        ),
        "\"optional\""
    );
    assert_eq!(
        attr(&rs, "aws_instance.dyn", &["metadata_options"]),
        "[{http_tokens: \"required\"}]"
    );
    assert_eq!(
        attr(&rs, "aws_instance.dyn_unknown", &["metadata_options"]),
        "?"
    );
}

#[test]
fn modules_inputs_outputs_and_optional_defaults() {
    let rs = eval(
        &[
            (
                "main.tf",
                r#"
module "a" {
  source   = "./mod"
  settings = { hop = 2 }
}
module "b" {
  source   = "./mod"
  for_each = toset(["x"])
  settings = { tokens = "optional" }
}
resource "aws_thing" "uses" {
  role = module.a.role_arn
  x    = module.b["x"].tokens
}
module "registry" {
  source = "terraform-aws-modules/iam/aws"
}
"#,
            ),
            (
                "mod/main.tf",
                r#"
variable "settings" {
  type = object({
    tokens = optional(string, "required")
    hop    = optional(number, 1)
  })
}
resource "aws_iam_role" "this" { name = "r" }
resource "aws_instance" "this" {
  metadata_options {
    http_tokens                 = var.settings.tokens
    http_put_response_hop_limit = var.settings.hop
  }
}
output "role_arn" { value = aws_iam_role.this.arn }
output "tokens" { value = var.settings.tokens }
"#,
            ),
        ],
        &[],
    );
    assert_eq!(
        attr(
            &rs,
            "module.a.aws_instance.this",
            &["metadata_options", "http_tokens"]
        ),
        "\"required\""
    );
    assert_eq!(
        attr(
            &rs,
            "module.a.aws_instance.this",
            &["metadata_options", "http_put_response_hop_limit"]
        ),
        "2"
    );
    assert_eq!(
        attr(
            &rs,
            "module.b[\"x\"].aws_instance.this",
            &["metadata_options", "http_tokens"]
        ),
        "\"optional\""
    );
    assert_eq!(
        attr(&rs, "aws_thing.uses", &["role"]),
        "${module.a.aws_iam_role.this.arn}"
    );
    assert_eq!(attr(&rs, "aws_thing.uses", &["x"]), "\"optional\"");
}

#[test]
fn policy_documents_render_with_sources_and_overrides() {
    let rs = eval(
        &[(
            "main.tf",
            r#"
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid     = "Read"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"#,
        )],
        &[],
    );
    assert_eq!(
        attr(&rs, "aws_iam_role.r", &["assume_role_policy"]),
        "json({Statement: [{Action: [\"sts:AssumeRole\"], Condition: {StringEquals: {aws:SourceAccount: [\"111122223333\"]}}, Effect: \"Allow\", Principal: {Service: [\"ec2.amazonaws.com\"]}, Sid: \"Read\"}], Version: \"2012-10-17\"})"
    );
}

#[test]
fn cli_variables_and_heredoc_json() {
    let rs = eval(
        &[(
            "main.tf",
            r#"
variable "tokens" {}
variable "list" {}
resource "aws_thing" "t" {
  tokens = var.tokens
  list   = var.list
  policy = jsondecode(<<EOF
{"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
EOF
  )
}
"#,
        )],
        &[("tokens", "optional"), ("list", "[\"a\", \"b\"]")],
    );
    assert_eq!(attr(&rs, "aws_thing.t", &["tokens"]), "\"optional\"");
    assert_eq!(attr(&rs, "aws_thing.t", &["list"]), "[\"a\", \"b\"]");
    assert_eq!(
        attr(&rs, "aws_thing.t", &["policy"]),
        "{Statement: [{Action: \"s3:*\", Effect: \"Allow\"}]}"
    );
}

#[test]
fn a_module_that_calls_itself_is_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"again\" {\n  source = \"./\"\n}\nresource \"aws_instance\" \"x\" {}\n",
    )
    .unwrap();
    let (doc, _) = scan_root_module(dir.path(), dir.path(), &VarInputs::default());
    assert_eq!(doc.resources.len(), 1);
    assert!(
        doc.diagnostics
            .iter()
            .any(|d| d.message.contains("calls itself"))
    );
    let _ = Path::new(".");
}

#[test]
fn terraform_json_syntax() {
    let rs = eval(
        &[(
            "main.tf.json",
            r#"{
  "variable": { "tokens": { "default": "optional" } },
  "locals": { "name": "web-${var.tokens}" },
  "resource": {
    "aws_instance": {
      "web": {
        "ami": "ami-1",
        "tags": { "Name": "${local.name}" },
        "metadata_options": { "http_tokens": "${var.tokens}" }
      }
    }
  }
}"#,
        )],
        &[],
    );
    assert_eq!(
        attr(
            &rs,
            "aws_instance.web",
            &["metadata_options", "http_tokens"]
        ),
        "\"optional\""
    );
    assert_eq!(
        attr(&rs, "aws_instance.web", &["tags", "Name"]),
        "\"web-optional\""
    );
    let r = rs.iter().find(|r| r.address == "aws_instance.web").unwrap();
    let tokens = r.attr(&["metadata_options", "http_tokens"]).unwrap();
    assert_eq!(
        (tokens.span.line, tokens.span.col),
        (9, 46),
        "points into the .tf.json file"
    );
}

#[test]
fn installed_registry_modules_are_read_from_modules_json() {
    let rs = eval(
        &[
            (
                "main.tf",
                "module \"ec2\" {\n  source = \"terraform-aws-modules/ec2-instance/aws\"\n  tokens = \"optional\"\n}\nmodule \"missing\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
            ),
            (
                ".terraform/modules/modules.json",
                r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"ec2","Source":"registry.terraform.io/terraform-aws-modules/ec2-instance/aws","Version":"5.0.0","Dir":".terraform/modules/ec2"}]}"#,
            ),
            (
                ".terraform/modules/ec2/main.tf",
                "variable \"tokens\" {}\nresource \"aws_instance\" \"this\" {\n  metadata_options {\n    http_tokens = var.tokens\n  }\n}\n",
            ),
        ],
        &[],
    );
    assert_eq!(
        attr(
            &rs,
            "module.ec2.aws_instance.this",
            &["metadata_options", "http_tokens"]
        ),
        "\"optional\""
    );
}

#[test]
fn unresolved_modules_and_deep_nesting_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("deep.tf"),
        format!(
            "locals {{\n  x = {}1{}\n}}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    )
    .unwrap();
    let (doc, _) = scan_root_module(dir.path(), dir.path(), &VarInputs::default());
    let msgs: Vec<String> = doc
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}:{} {}", d.level, d.span.line, d.span.col, d.message))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("Note 1:1 module \"vpc\"") && m.contains("not installed")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("Error 2:") && m.contains("nesting deeper")),
        "{msgs:?}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_module_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.tf"),
        "resource \"aws_instance\" \"outside\" {}\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_instance\" \"inside\" {}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.tf"),
        dir.path().join("linked.tf"),
    )
    .unwrap();
    let (doc, _) = scan_root_module(dir.path(), dir.path(), &VarInputs::default());
    let addrs: Vec<&str> = doc.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addrs, ["aws_instance.inside"]);
}

#[test]
fn for_each_over_resources_data_sources_and_modules() {
    let rs = eval(
        &[
            (
                "main.tf",
                r#"
resource "aws_iam_role" "fn" {
  for_each = toset(["a", "b"])
  name     = "fn-${each.key}"
}
data "aws_iam_role" "ext" {
  for_each = { x = "ext-x" }
  name     = each.value
}
module "roles" {
  source   = "./roles"
  for_each = toset(["m"])
  name     = each.key
}
resource "aws_iam_role_policy_attachment" "r" {
  for_each = aws_iam_role.fn
  role     = each.value.name
}
resource "aws_iam_role_policy_attachment" "d" {
  for_each = data.aws_iam_role.ext
  role     = each.value.name
}
resource "aws_iam_role_policy_attachment" "m" {
  for_each = module.roles
  role     = each.value.role_name
}
resource "aws_iam_role_policy_attachment" "one" {
  for_each = module.roles["m"]
  role     = each.value
}
"#,
            ),
            (
                "roles/main.tf",
                r#"
variable "name" {}
output "role_name" { value = "role-${var.name}" }
"#,
            ),
        ],
        &[],
    );
    assert_eq!(
        attr(&rs, r#"aws_iam_role_policy_attachment.r["a"]"#, &["role"]),
        r#"${aws_iam_role.fn["a"].name}"#
    );
    assert_eq!(
        attr(&rs, r#"aws_iam_role_policy_attachment.r["b"]"#, &["role"]),
        r#"${aws_iam_role.fn["b"].name}"#
    );
    assert_eq!(
        attr(&rs, r#"aws_iam_role_policy_attachment.d["x"]"#, &["role"]),
        r#"${data.aws_iam_role.ext["x"].name}"#
    );
    assert_eq!(
        attr(&rs, r#"aws_iam_role_policy_attachment.m["m"]"#, &["role"]),
        r#""role-m""#
    );
    assert_eq!(
        attr(
            &rs,
            r#"aws_iam_role_policy_attachment.one["role_name"]"#,
            &["role"]
        ),
        r#""role-m""#
    );
}
