#!/usr/bin/env bash
# The shell steps of the rolegraph GitHub Action (action.yml), kept here so they are tested
# (tests/action.rs runs them with a simulated runner environment).
#
#   action.sh install   put a rolegraph binary in place; writes `bin` to $GITHUB_OUTPUT
#   action.sh scan      scan, write SARIF, annotations, the step summary and the outputs
#                       `findings`, `sarif-file`, `exit-code`; never fails the step itself
#   action.sh gate      exit with the scan's exit code (after the SARIF upload ran)
#
# Inputs come as INPUT_* environment variables (action.yml maps them); the runner provides
# GITHUB_WORKSPACE, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. ROLEGRAPH_BIN, when set to an
# executable, is used instead of downloading or building rolegraph.
set -euo pipefail

# Text inside a workflow command, escaped as the runner reads it (% CR LF), so no input
# can end the command early or start one of its own. Everything rolegraph prints is
# escaped by rolegraph itself (control characters, `::` at the start of a line).
escape_data() {
  local s="${1//%/%25}"
  s="${s//$'\r'/%0D}"
  printf '%s' "${s//$'\n'/%0A}"
}

die() {
  echo "::error title=rolegraph action::$(escape_data "$*")"
  exit 2
}

output() {
  # A line break in a value would set other outputs.
  case "$2" in
    *$'\n'* | *$'\r'*) die "output $1: the value holds a line break" ;;
  esac
  echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# The Rust target triple of this runner, for release downloads.
target_triple() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
    Darwin-arm64) echo aarch64-apple-darwin ;;
    *) return 1 ;;
  esac
}

# Download release $1 into $2 (asset rolegraph-v<version>-<target>.tar.gz holding the
# `rolegraph` binary). Fails quietly when there is no such release.
download() {
  local version="${1#v}" dest="$2" target repo url
  target="$(target_triple)" || return 1
  repo="${GITHUB_ACTION_REPOSITORY:-rolegraph/rolegraph}"
  url="https://github.com/${repo}/releases/download/v${version}/rolegraph-v${version}-${target}.tar.gz"
  mkdir -p "$dest"
  curl --fail --silent --show-error --location --retry 2 "$url" | tar -xz -C "$dest" || return 1
  [ -x "$dest/rolegraph" ]
}

install() {
  local bin
  if [ -n "${ROLEGRAPH_BIN:-}" ] && [ -x "${ROLEGRAPH_BIN}" ]; then
    bin="$ROLEGRAPH_BIN"
  elif [ -n "${INPUT_VERSION:-}" ] &&
    download "$INPUT_VERSION" "${RUNNER_TEMP:-/tmp}/rolegraph-${INPUT_VERSION#v}"; then
    bin="${RUNNER_TEMP:-/tmp}/rolegraph-${INPUT_VERSION#v}/rolegraph"
  else
    if [ -n "${INPUT_VERSION:-}" ]; then
      echo "::warning title=rolegraph action::$(escape_data "no release binary of rolegraph ${INPUT_VERSION} for this runner; building from the action's source")"
    fi
    local src="${ACTION_PATH:?ACTION_PATH is not set}"
    command -v cargo >/dev/null 2>&1 || die "cargo is needed to build rolegraph (set up a Rust toolchain, or give a released version)"
    cargo build --release --locked --quiet --manifest-path "$src/Cargo.toml" --target-dir "$src/target"
    bin="$src/target/release/rolegraph"
  fi
  "$bin" --version
  output bin "$bin"
}

scan() {
  local bin="${ROLEGRAPH_BIN:?ROLEGRAPH_BIN is not set (run install first)}"
  local ws="${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"
  local wd="${INPUT_WORKING_DIRECTORY:-.}"
  wd="${wd%/}"
  # A relative binary path stays valid after the `cd`.
  case "$bin" in
    /*) ;;
    */*) bin="$PWD/$bin" ;;
  esac
  cd "$ws"
  [ -d "$wd" ] || die "working-directory $wd does not exist"

  # A path of the inputs, relative to the repository root (so annotations and SARIF land
  # on the right files).
  at() {
    case "$1" in
      /*) echo "$1" ;;
      *) if [ "$wd" = "." ]; then echo "$1"; else echo "$wd/$1"; fi ;;
    esac
  }

  # (`${a[@]+"${a[@]}"}` below: an empty array under `set -u` on the bash 3 of macOS.)
  local -a paths=() common=() gate=()
  local p
  set -f # the paths are not globs
  for p in ${INPUT_PATHS:-.}; do
    paths+=("$(at "$p")")
  done
  set +f
  if [ -n "${INPUT_PLAN:-}" ]; then
    # A plan on its own: the default "." would scan the whole checkout as well.
    if [ "${INPUT_PATHS:-.}" = "." ]; then
      paths=()
    fi
    common+=(--plan "$(at "$INPUT_PLAN")")
  fi
  if [ -n "${INPUT_CONFIG:-}" ]; then
    common+=(--config "$(at "$INPUT_CONFIG")")
  fi
  if [ -n "${INPUT_FAIL_ON:-}" ]; then
    gate+=(--fail-on "$INPUT_FAIL_ON")
  fi
  local sarif
  sarif="$(at "${INPUT_SARIF_FILE:-rolegraph.sarif}")"
  mkdir -p "$(dirname "$sarif")"

  if [ -n "${INPUT_CATEGORY:-}" ]; then
    common+=(--sarif-category "$INPUT_CATEGORY")
  fi

  # One scan writes every output: the SARIF report, the annotations, the report for the
  # job log, the text report (its summary line counts the findings) and the Markdown
  # step summary; its exit code is the verdict.
  local out format="${INPUT_FORMAT:-text}"
  out="$(mktemp -d "${RUNNER_TEMP:-/tmp}/rolegraph.XXXXXX")"
  local -a outputs=(--format "sarif=$sarif" --format "github=$out/annotations" --format "text=$out/text")
  if [ "$format" != github ] && [ "$format" != text ]; then
    outputs+=(--format "$format=$out/report")
  fi
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    outputs+=(--format "markdown=$out/summary.md")
  fi
  local rc=0
  "$bin" scan ${paths[@]+"${paths[@]}"} ${common[@]+"${common[@]}"} ${gate[@]+"${gate[@]}"} --quiet "${outputs[@]}" 2>"$out/stderr" || rc=$?
  cat "$out/stderr" >&2

  # Annotations on the pull request diff.
  [ -f "$out/annotations" ] && cat "$out/annotations"

  # The report in the job log.
  if [ "$format" != github ]; then
    echo "::group::rolegraph report ($format)"
    if [ "$format" = text ]; then
      [ -f "$out/text" ] && cat "$out/text"
    else
      [ -f "$out/report" ] && cat "$out/report"
    fi
    echo "::endgroup::"
  fi

  # The step summary (rolegraph's Markdown format) and the number of findings (the text
  # report's summary line).
  local summary_line="" findings
  if [ -f "$out/text" ]; then
    summary_line="$(tail -n 1 "$out/text")"
  fi
  findings="$(printf '%s\n' "$summary_line" | sed -nE 's/^Found ([0-9]+) finding.*/\1/p')"
  findings="${findings:-0}"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    if [ -f "$out/summary.md" ]; then
      cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
    else
      # A usage error: no report was written; say why.
      {
        echo "## rolegraph"
        echo
        echo "The scan failed (exit code $rc):"
        echo
        echo '```text'
        head -n 100 "$out/stderr"
        echo '```'
      } >>"$GITHUB_STEP_SUMMARY"
    fi
  fi
  rm -rf "$out"

  output findings "$findings"
  if [ -s "$sarif" ]; then
    output sarif-file "$sarif"
  else
    output sarif-file ""
  fi
  output exit-code "$rc"
}

gate() {
  local rc="${EXIT_CODE:-2}"
  case "$rc" in
    0) echo "rolegraph: no finding at or above the fail-on severity" ;;
    1) echo "::error title=rolegraph::findings at or above the fail-on severity (see the annotations and the step summary)" ;;
    *) echo "::error title=rolegraph::the scan failed (exit code $rc): a usage error or a file that could not be parsed" ;;
  esac
  exit "$rc"
}

case "${1:-}" in
  install) install ;;
  scan) scan ;;
  gate) gate ;;
  *)
    echo "usage: $0 install|scan|gate" >&2
    exit 2
    ;;
esac
