//! Output formats: the same [`Report`] rendered as human text (rustc-style snippets), as a
//! documented JSON document (`docs/json-output.md`), as SARIF 2.1.0 for GitHub code scanning
//! and IDE viewers, as GitHub Actions annotations, or as a JUnit XML test report.
//!
//! Every renderer is a pure function of the report and the [`RenderOptions`]: the same input
//! gives byte-identical output. Secrets never leave in full: every message, resource, path
//! and source line that a format prints goes through [`crate::secrets::mask_secrets`] (the
//! one masking function); the human-readable formats (text, Markdown, JUnit, GitHub) also
//! escape control characters ([`crate::secrets::sanitize`]), so a scanned file cannot forge
//! a line of their output, a GitHub workflow command or a terminal escape.

mod github;
pub mod graph;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use crate::document::DiagLevel;
use crate::finding::Report;
use crate::rules::meta::RuleMeta;
use std::collections::BTreeSet;

/// The output formats `rolegraph scan --format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable findings with source snippets.
    Text,
    /// A stable JSON document (see docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request diff.
    Github,
    /// JUnit XML, for GitLab, Jenkins and other CI test reports.
    Junit,
    /// A compact Markdown summary for a pull-request comment.
    Markdown,
}

/// What a renderer needs besides the report.
pub struct RenderOptions<'a> {
    /// Use ANSI colours (text format only). The caller decides: a terminal, `NO_COLOR` unset.
    pub color: bool,
    /// The rolegraph version (the crate version).
    pub tool_version: &'a str,
    /// [`crate::rules::meta::RULESET_VERSION`].
    pub ruleset_version: &'a str,
    /// The rules that ran, sorted by ID (SARIF `tool.driver.rules`, titles and help).
    pub rules: &'a [&'a RuleMeta],
    /// The text of a file by [`crate::value::Span::file`], for source snippets; `None` when
    /// it cannot be read (the snippet is then left out).
    pub sources: &'a dyn Fn(&str) -> Option<String>,
    /// Where a file's lines can be linked to (`https://github.com/o/r/blob/SHA`): the
    /// Markdown summary links `file:line` to `{link_base}/{file}#L{line}`. `None`: plain text.
    pub link_base: Option<&'a str>,
    /// Where SARIF URIs are relative to, and the code scanning category.
    pub sarif: SarifOptions,
    /// Text: list every note; otherwise they are counted in the summary line.
    pub show_notes: bool,
}

/// What the SARIF output needs to know about the place of the scan.
#[derive(Clone, Debug, Default)]
pub struct SarifOptions {
    /// `%SRCROOT%`: the directory artifact URIs are relative to (the repository root, or
    /// `--sarif-srcroot`). A file below it gets a relative URI however the scan spelled
    /// its path. `None`: the paths of the report as they are.
    pub root: Option<std::path::PathBuf>,
    /// The directory the report's relative paths are relative to (the current directory).
    pub cwd: Option<std::path::PathBuf>,
    /// Write `%SRCROOT%` as a `file://` URI in `originalUriBaseIds` (machine-dependent).
    pub write_srcroot: bool,
    /// The code scanning category (`automationDetails.id`).
    pub category: Option<String>,
}

impl RenderOptions<'_> {
    /// The metadata of a rule that ran.
    pub(crate) fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().copied().find(|m| m.id == id)
    }
}

/// Render a report. The result always ends with a newline.
pub fn render(report: &Report, format: OutputFormat, opts: &RenderOptions) -> String {
    match format {
        OutputFormat::Text => text::render(report, opts),
        OutputFormat::Json => json::render(report, opts),
        OutputFormat::Sarif => sarif::render(report, opts),
        OutputFormat::Github => github::render(report, opts),
        OutputFormat::Junit => junit::render(report, opts),
        OutputFormat::Markdown => markdown::render(report, opts),
    }
}

/// Write a report (or graph, or baseline) to `path` atomically: into a new temporary file
/// in the same directory, flushed to disk, then renamed over `path`. A reader (an
/// `if: always()` upload step) sees the old file or the whole new one, never a truncated
/// report, even when rolegraph is killed mid-write. The temporary file is removed when
/// writing fails.
pub fn write_atomic(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    // Only a regular file is replaced: `-o /dev/null`, `-o /dev/stdout` or a FIFO is written
    // to as it is (renaming over it would put a regular file in place of the device).
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(contents);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.rolegraph-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(contents)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            std::fs::rename(&tmp, path)
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Number of files that could not be read or parsed: the distinct files named by an
/// error-level diagnostic (an error not tied to any file counts on its own).
/// How many module calls were not followed because the module is not installed (the
/// Terraform parser's note, [`crate::parse::hcl::module::NOT_INSTALLED`]).
pub(crate) fn uninstalled_modules(report: &Report) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| {
            d.message.starts_with("module \"")
                && d.message.contains(crate::parse::hcl::module::NOT_INSTALLED)
        })
        .count()
}

pub(crate) fn unparsed_files(report: &Report) -> usize {
    let mut files = BTreeSet::new();
    let mut unnamed = 0;
    for d in &report.diagnostics {
        if d.level != DiagLevel::Error {
            continue;
        }
        if d.span.file.is_empty() {
            unnamed += 1;
        } else {
            files.insert(&*d.span.file);
        }
    }
    files.len() + unnamed
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::Diagnostic;
    use crate::finding::{Finding, Severity};
    use crate::rules::meta::Remediation;
    use crate::value::Span;
    use std::os::unix::fs::FileTypeExt as _;
    use std::sync::Arc;

    /// A FIFO (like `/dev/null` or `/dev/stdout`, not a regular file) is written to, not
    /// replaced: renaming a temporary file over `/dev/null` once turned it into a regular
    /// file on the machine.
    #[test]
    fn a_report_to_a_device_or_fifo_is_written_in_place() {
        use std::io::Read as _;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = String::new();
                std::fs::File::open(fifo)
                    .unwrap()
                    .read_to_string(&mut got)
                    .unwrap();
                got
            })
        };
        write_atomic(&fifo, b"report").unwrap();
        assert_eq!(reader.join().unwrap(), "report");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn counts_unparsed_files_once() {
        let mut r = Report::default();
        let f: Arc<str> = Arc::from("a.tf");
        r.diagnostics = vec![
            Diagnostic::error(Span::new(f.clone(), 1, 1, 1, 2), "bad"),
            Diagnostic::error(Span::new(f.clone(), 3, 1, 3, 2), "worse"),
            Diagnostic::error(Span::none(), "no file"),
            Diagnostic::warning(Span::new(Arc::from("b.tf"), 1, 1, 1, 2), "meh"),
        ];
        assert_eq!(unparsed_files(&r), 2);
    }

    // ---- fixtures shared by the format tests ----

    pub(crate) fn meta(id: &str, slug: &str, severity: Severity, title: &str) -> RuleMeta {
        RuleMeta {
            id: id.into(),
            slug: slug.into(),
            family: id.trim_end_matches(|c: char| c.is_ascii_digit()).into(),
            severity,
            title: title.into(),
            description: format!("What {id} looks for, at length."),
            why: "An attacker who reaches the workload gets its role's credentials.".into(),
            remediation: Remediation {
                terraform: "Set the attribute in the resource block:\n\n```hcl\nhttp_tokens = \"required\"\n```\n".into(),
                cloudformation: "Set the property in the template:\n\n```yaml\nHttpTokens: required\n```\n".into(),
            },
            references: vec![format!("https://docs.example.com/{slug}")],
            tags: vec!["imds".into(), "ec2".into()],
            precision: "high".into(),
            equivalents: Default::default(),
        }
    }

    pub(crate) fn metas() -> Vec<RuleMeta> {
        vec![
            meta(
                "IMDS001",
                "imdsv2-not-required",
                Severity::High,
                "EC2 instance metadata accepts IMDSv1 requests",
            ),
            meta(
                "IMDS002",
                "imds-hop-limit-too-high",
                Severity::Medium,
                "Metadata hop limit lets containers reach the instance role",
            ),
            meta(
                "TRUST001",
                "trust-any-principal",
                Severity::Critical,
                "A trust policy lets anyone assume the role",
            ),
        ]
    }

    fn span(file: &str, line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
        Span::new(Arc::from(file), line, col, end_line, end_col)
    }

    pub(crate) const MAIN_TF: &str = "testdata/demo dir/main.tf";
    pub(crate) const TEMPLATE: &str = "templates/app.yaml";

    /// The text of the fixture files (tabs and a secret included on purpose).
    pub(crate) fn source(file: &str) -> Option<String> {
        match file {
            MAIN_TF => Some(
                [
                    "resource \"aws_instance\" \"web\" {",                      // 1
                    "  ami                  = \"ami-123\"",                     // 2
                    "  iam_instance_profile = aws_iam_instance_profile.p.name", // 3
                    "  metadata_options {",                                     // 4
                    "\thttp_tokens = \"optional\"",                             // 5
                    "    http_put_response_hop_limit = 3 # AKIAIOSFODNN7EXAMPLE", // 6
                    "  }",                                                      // 7
                    "  user_data = \"SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", // 8
                    "}",                                                        // 9
                    "",                                                         // 10
                    "resource \"aws_iam_instance_profile\" \"p\" {",            // 11
                    "  role = aws_iam_role.r.name",                             // 12
                    "}",                                                        // 13
                ]
                .join("\n"),
            ),
            _ => None,
        }
    }

    /// A report with three findings (one in a file whose text is unavailable), a parse
    /// error and a warning.
    pub(crate) fn sample_report() -> Report {
        let findings = vec![
            Finding::new(
                "IMDS001",
                Severity::High,
                span(MAIN_TF, 5, 16, 5, 26),
                "aws_instance.web",
                "aws_instance.web accepts IMDSv1: http_tokens is \"optional\"",
            )
            .related(
                span(MAIN_TF, 11, 1, 13, 2),
                "credentials of instance profile aws_iam_instance_profile.p",
            )
            .related(
                span("modules/iam/main.tf", 3, 1, 3, 30),
                "which holds role aws_iam_role.r",
            )
            .key("metadata_options.http_tokens"),
            Finding::new(
                "IMDS002",
                Severity::Medium,
                span(MAIN_TF, 4, 3, 7, 4),
                "aws_instance.web",
                "aws_instance.web lets containers reach IMDS: hop limit is 3 (set by AKIAIOSFODNN7EXAMPLE)",
            ),
            Finding::new(
                "TRUST001",
                Severity::Critical,
                span(TEMPLATE, 14, 11, 14, 14),
                "AppRole",
                "AppRole can be assumed by any AWS principal",
            ),
        ];
        let findings = findings
            .into_iter()
            .enumerate()
            .map(|(i, mut f)| {
                f.fingerprint = format!("{:016x}", 0x1234_5678_9abc_def0_u64 + i as u64);
                f
            })
            .collect();
        Report {
            findings,
            diagnostics: vec![
                Diagnostic::error(
                    span("broken/main.tf", 7, 3, 7, 4),
                    "cannot parse HCL: expected `=`",
                ),
                Diagnostic::warning(
                    span(MAIN_TF, 3, 26, 3, 57),
                    "module source \"../iam\" not found; its resources are not scanned",
                ),
                Diagnostic::note(Span::none(), "1 rule skipped: IMDS003 is not known"),
            ],
            files_scanned: 12,
            rules_run: vec!["IMDS001", "IMDS002", "TRUST001"],
            baselined: 0,
            hidden: 0,
            baseline_stale: Vec::new(),
        }
    }

    /// Render the sample with all metadata.
    pub(crate) fn render_sample(report: &Report, format: OutputFormat, color: bool) -> String {
        let metas = metas();
        let rules: Vec<&RuleMeta> = metas.iter().collect();
        render(
            report,
            format,
            &RenderOptions {
                color,
                tool_version: "0.1.0",
                ruleset_version: "1.0.0",
                rules: &rules,
                sources: &source,
                link_base: None,
                sarif: SarifOptions::default(),
                show_notes: false,
            },
        )
    }

    #[test]
    fn suppressed_findings_in_every_format() {
        let mut r = sample_report();
        r.findings[0].suppressed = Some(crate::document::Suppression::own(
            "IMDS001",
            "legacy fleet, key AKIAIOSFODNN7EXAMPLE",
            span(MAIN_TF, 2, 3, 2, 30),
        ));
        r.findings[2].suppressed = Some(crate::document::Suppression::own(
            "TRUST001",
            "",
            span(TEMPLATE, 3, 9, 3, 17),
        ));
        assert_eq!(r.suppressed(), 2);
        assert_eq!(r.count(Severity::High), 0);

        let text = render_sample(&r, OutputFormat::Text, false);
        assert!(!text.contains("[IMDS001]") && !text.contains("[TRUST001]"));
        assert!(text.contains("medium[IMDS002]"));
        assert!(
            text.ends_with(
                "Found 1 finding (0 critical, 0 high, 1 medium, 0 low) in 12 files; 2 suppressed \
                 in source; 1 file could not be parsed; 1 note.\n"
            ),
            "{text}"
        );

        let json: serde_json::Value =
            serde_json::from_str(&render_sample(&r, OutputFormat::Json, false)).unwrap();
        assert_eq!(json["summary"]["findings"], 3);
        assert_eq!(json["summary"]["suppressed"], 2);
        assert_eq!(json["summary"]["critical"], 0);
        let f = &json["findings"];
        assert_eq!(
            f[0]["suppressed"]["reason"],
            "legacy fleet, key AKIA****************"
        );
        assert_eq!(f[0]["suppressed"]["location"]["line"], 2);
        assert!(f[1]["suppressed"].is_null());
        assert!(f[2]["suppressed"]["reason"].is_null());

        let sarif: serde_json::Value =
            serde_json::from_str(&render_sample(&r, OutputFormat::Sarif, false)).unwrap();
        let results = &sarif["runs"][0]["results"];
        assert_eq!(results.as_array().unwrap().len(), 3);
        let s = &results[0]["suppressions"];
        assert_eq!(s[0]["kind"], "inSource");
        assert_eq!(
            s[0]["justification"],
            "legacy fleet, key AKIA****************"
        );
        assert_eq!(
            s[0]["location"]["physicalLocation"]["region"]["startLine"],
            2
        );
        assert!(results[1].get("suppressions").is_none());
        assert_eq!(
            results[2]["suppressions"][0]["justification"],
            "no reason given"
        );
    }

    #[test]
    fn every_format_ends_with_a_newline_and_is_deterministic() {
        let r = sample_report();
        for format in [
            OutputFormat::Text,
            OutputFormat::Json,
            OutputFormat::Sarif,
            OutputFormat::Github,
            OutputFormat::Junit,
            OutputFormat::Markdown,
        ] {
            let a = render_sample(&r, format, false);
            assert!(a.ends_with('\n'), "{format:?}");
            assert_eq!(a, render_sample(&r, format, false), "{format:?}");
            assert!(
                !a.contains("AKIAIOSFODNN7EXAMPLE"),
                "{format:?} leaks a key"
            );
        }
    }
}
