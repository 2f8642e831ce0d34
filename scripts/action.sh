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

# The target triple of the release archive for this runner (the names dist gives them in
# .github/workflows/release.yml; static musl builds on Linux).
target_triple() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo x86_64-unknown-linux-musl ;;
    Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-musl ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
    Darwin-arm64) echo aarch64-apple-darwin ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Download release $1 into $2 and verify it: rolegraph-<target>.tar.gz of the release
# v<version> (holding rolegraph-<target>/rolegraph) and its rolegraph-<target>.tar.gz.sha256.
# Sets `downloaded` to the binary's path. Returns 1 when there is no such release for this runner (the
# caller builds from source instead); stops the action when the checksum is missing or does
# not match (a tampered or broken download is never run, nor silently replaced).
# ROLEGRAPH_RELEASE_URL replaces https://github.com/<action repository>/releases/download.
download() {
  local version="${1#v}" dest="$2" target base name expected actual
  downloaded=""
  target="$(target_triple)" || return 1
  base="${ROLEGRAPH_RELEASE_URL:-https://github.com/${GITHUB_ACTION_REPOSITORY:-rolegraph/rolegraph}/releases/download}"
  name="rolegraph-${target}.tar.gz"
  mkdir -p "$dest"
  curl --fail --silent --show-error --location --retry 2 -o "$dest/$name" \
    "$base/v${version}/$name" || return 1
  curl --fail --silent --show-error --location --retry 2 -o "$dest/$name.sha256" \
    "$base/v${version}/$name.sha256" ||
    die "release v${version} has $name but no $name.sha256: not running an unverified binary"
  expected="$(awk '{print $1; exit}' "$dest/$name.sha256")"
  actual="$(sha256_of "$dest/$name")"
  [ -n "$expected" ] && [ "$expected" = "$actual" ] ||
    die "checksum mismatch for $name of release v${version}: expected ${expected:-nothing}, got $actual"
  tar -xzf "$dest/$name" -C "$dest" || die "cannot unpack $name of release v${version}"
  [ -x "$dest/rolegraph-${target}/rolegraph" ] || die "$name of release v${version} holds no rolegraph binary"
  echo "verified $name of release v${version} (sha256 $actual)"
  downloaded="$dest/rolegraph-${target}/rolegraph"
}

install() {
  local bin version="${INPUT_VERSION:-}"
  # No version given: the release matching the action's own ref, when that is a version tag
  # (`uses: rolegraph/rolegraph@v0.2.0`); a branch or commit builds from source.
  if [ -z "$version" ] && [[ "${ACTION_REF:-}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    version="$ACTION_REF"
  fi
  if [ -n "${ROLEGRAPH_BIN:-}" ] && [ -x "${ROLEGRAPH_BIN}" ]; then
    bin="$ROLEGRAPH_BIN"
  elif [ -n "$version" ] && download "$version" "${RUNNER_TEMP:-/tmp}/rolegraph-${version#v}"; then
    bin="$downloaded"
  else
    if [ -n "$version" ]; then
      echo "::warning title=rolegraph action::$(escape_data "no release binary of rolegraph ${version} for this runner; building from the action's source")"
    fi
    local src="${ACTION_PATH:?ACTION_PATH is not set}"
    command -v cargo >/dev/null 2>&1 || die "cargo is needed to build rolegraph (set up a Rust toolchain, or give a released version)"
    cargo build --release --locked --quiet --manifest-path "$src/Cargo.toml" --target-dir "$src/target"
    bin="$src/target/release/rolegraph"
  fi
  "$bin" --version
  output bin "$bin"
}

# `terraform get` in every directory under the given paths whose .tf files call a module
# (never inside .terraform): modules only, no providers, no credentials. A failure is a
# warning; the scan then notes the modules that are still not installed.
terraform_get() {
  local root dir
  for root in "$@"; do
    [ -d "$root" ] || continue
    find "$root" -name .terraform -prune -o -type f -name '*.tf' -print 2>/dev/null |
      while read -r f; do
        if grep -qE '^[[:space:]]*module[[:space:]]+"' "$f"; then dirname "$f"; fi
      done |
      sort -u |
      while read -r dir; do
        echo "rolegraph: terraform get in $dir"
        (cd "$dir" && TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 terraform get -no-color >&2) ||
          echo "::warning title=rolegraph action::terraform get failed in $dir; its modules that are not installed are not scanned"
      done
  done
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
  if [ "${INPUT_TERRAFORM_GET:-false}" = true ]; then
    if command -v terraform >/dev/null 2>&1; then
      terraform_get ${paths[@]+"${paths[@]}"}
    else
      echo "::warning title=rolegraph action::terraform-get is set but terraform is not on the runner; modules that are not installed are not scanned"
    fi
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
