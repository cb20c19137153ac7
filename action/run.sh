#!/usr/bin/env bash
# The step of the GitHub Action (action.yml): runs `tlcheck doctor` with the action's inputs,
# writes annotations (stdout) and the step summary ($GITHUB_STEP_SUMMARY), leaves a JSON report in
# a fresh directory under $RUNNER_TEMP, and sets the step outputs `exit-code` and `report`.
# Exits with doctor's exit code, so a failing gateway fails the step.
#
# Inputs arrive in the environment: INPUT_KEY (secret), INPUT_BASE_URL, INPUT_MODEL,
# INPUT_NO_SPEND, INPUT_STRICT (true/false), INPUT_ARGS (extra arguments, split on whitespace).
# TLCHECK_BIN names the binary (default: tlcheck on PATH).
set -euo pipefail

# The key never goes on a command line or into a file: masked in the log first, then handed to
# tlcheck in its own environment variable.
key=${INPUT_KEY-}
unset INPUT_KEY
if [[ -n $key ]]; then
  echo "::add-mask::$key"
  export TENSORLOOP_KEY=$key
fi
unset key

# Reads a true/false input into the variable named $1; stops the step on anything else.
flag() {
  case "${3,,}" in
    true | yes | 1) printf -v "$1" 1 ;;
    false | no | 0 | "") printf -v "$1" '' ;;
    *)
      echo "::error title=tlcheck action::input $2 must be true or false, not \`$3\`"
      exit 2
      ;;
  esac
}
flag no_spend no-spend "${INPUT_NO_SPEND-}"
flag strict strict "${INPUT_STRICT-}"

report_dir=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tlcheck.XXXXXX")
report="$report_dir/report.json"

args=(doctor --format github --json-report "$report")
[[ -n ${INPUT_BASE_URL-} ]] && args+=(--base-url "$INPUT_BASE_URL")
[[ -n ${INPUT_MODEL-} ]] && args+=(--model "$INPUT_MODEL")
[[ -n $no_spend ]] && args+=(--no-spend)
[[ -n $strict ]] && args+=(--strict)
read -r -a extra <<<"${INPUT_ARGS-}"
args+=("${extra[@]}")

code=0
"${TLCHECK_BIN:-tlcheck}" "${args[@]}" || code=$?

{
  echo "exit-code=$code"
  # No report when tlcheck stopped before running (a usage error, exit 2).
  if [[ -s $report ]]; then echo "report=$report"; else echo "report="; fi
} >>"${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
