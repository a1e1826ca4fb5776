#!/usr/bin/env bash
# Two Flash4j variants alternated on one model, as ratios B / A.
#
#   scripts/ab-bench.sh --model FILE [--rounds N] [--a-root DIR] [--b-root DIR]
#                       [--a-opts JAVA_OPTS] [--b-opts JAVA_OPTS] [--a-args "ARGS"] [--b-args "ARGS"]
#                       [-- bench options for both]
#
# A variant is a checkout (--a-root / --b-root: a directory with a `flash4j` launcher, this
# repository by default, e.g. a `git worktree` of an older commit), JVM options (FLASH4J_JAVA_OPTS:
# a system property that switches a kernel) and bench options of its own (e.g. "--activations
# q8"). Each round runs `flash4j bench` for A, then for B, with the options after `--` (default:
# decode 32 tokens after an empty prompt, 5 reps). It prints every round's tokens/s per test and,
# per test, the ratios B / A and their median. Alternating is the only fair comparison on the
# shared VMs, whose speed moves by up to 2x from one minute to the next (docs/performance.md).
set -euo pipefail

# the comment block above, without its leading "# "
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

here="$(cd "$(dirname "$0")/.." && pwd)"
MODEL= ROUNDS=4 A_ROOT=$here B_ROOT=$here A_OPTS= B_OPTS= A_ARGS= B_ARGS=
COMMON=(--prompt-tokens 0 --gen-tokens 32 --reps 5)
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    --a-root) A_ROOT=${2:?}; shift 2 ;;
    --b-root) B_ROOT=${2:?}; shift 2 ;;
    --a-opts) A_OPTS=${2?}; shift 2 ;;
    --b-opts) B_OPTS=${2?}; shift 2 ;;
    --a-args) A_ARGS=${2?}; shift 2 ;;
    --b-args) B_ARGS=${2?}; shift 2 ;;
    --) shift; COMMON=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "ab-bench: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$MODEL" ] || usage
[ -f "$MODEL" ] || { echo "ab-bench: no model file $MODEL" >&2; exit 1; }
case "$ROUNDS" in ''|*[!0-9]*) echo "ab-bench: --rounds takes a whole number" >&2; exit 1 ;; esac
for root in "$A_ROOT" "$B_ROOT"; do
  [ -x "$root/flash4j" ] || { echo "ab-bench: $root has no flash4j launcher" >&2; exit 1; }
done

results=$(mktemp)
trap 'rm -f "$results"' EXIT

run() { # variant root java-opts args
  local variant=$1 root=$2 opts=$3 args=$4
  echo "round $r, $(date +%T): $variant" >&2
  # the report rows: test, kind, tokens, mean, ±, sd, ...; word splitting of $args is intended
  # shellcheck disable=SC2086
  FLASH4J_JAVA_OPTS="$opts" "$root/flash4j" bench --model "$MODEL" "${COMMON[@]}" $args |
    awk -v r="$r" -v s="$variant" '$1 ~ /^(pp|tg)[0-9]+$/ && $5 == "±" { print r, s, $1, $4 }' >> "$results"
}

for r in $(seq 1 "$ROUNDS"); do
  run A "$A_ROOT" "$A_OPTS" "$A_ARGS"
  run B "$B_ROOT" "$B_OPTS" "$B_ARGS"
done

awk -v a=A -v b=B -v la="A tokens/s" -v lb="B tokens/s" -v lr="B / A (median)" -f "$here/scripts/lib/ratio-table.awk" "$results"
