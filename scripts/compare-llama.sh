#!/usr/bin/env bash
# Flash4j and llama.cpp side by side on one model, alternated in rounds, as ratios.
#
#   scripts/compare-llama.sh --llama-bench PATH --model FILE [--rounds N] [--threads N]
#                            [--depth D --kv q8] [-- more flash4j bench options]
#
# Each round runs llama-bench, then `flash4j bench`, on the same tests: prompt 512, decode 32 and
# single passes of 1/2/4/8 tokens (llama-bench's pp1..pp8, flash4j's --batch-sizes); with --depth,
# decode 32 after D tokens of context instead (llama-bench -d D; with --kv q8 both use an 8-bit
# KV cache, llama.cpp with flash attention as its q8_0 V cache needs). Alternating matters on
# shared machines, whose speed moves from one minute to the next (docs/performance.md). It prints
# every round's tokens/s and, per test, the ratios flash4j / llama.cpp and their median; then, for
# each program, a 4-token pass's time over a decode step's (issue 6's target: at most 1.3x).
#
# llama.cpp is not part of this repository: build its llama-bench yourself (docs/performance.md,
# "Side by side with llama.cpp", gives the flags used).
set -euo pipefail

# the comment block above, without its leading "# "
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

LLAMA= MODEL= ROUNDS=3 THREADS=2 DEPTH=0 KV=f16
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --llama-bench) LLAMA=${2:?}; shift 2 ;;
    --model) MODEL=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    --threads) THREADS=${2:?}; shift 2 ;;
    --depth) DEPTH=${2:?}; shift 2 ;;
    --kv) KV=${2:?}; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "compare-llama: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$LLAMA" ] && [ -n "$MODEL" ] || usage
[ -x "$LLAMA" ] || { echo "compare-llama: $LLAMA is not an executable llama-bench" >&2; exit 1; }
[ -f "$MODEL" ] || { echo "compare-llama: no model file $MODEL" >&2; exit 1; }
case "$KV" in f16|q8) ;; *) echo "compare-llama: --kv takes f16 or q8" >&2; exit 1 ;; esac
case "$ROUNDS$THREADS$DEPTH" in *[!0-9]*) echo "compare-llama: --rounds, --threads and --depth take whole numbers" >&2; exit 1 ;; esac

flash4j="$(cd "$(dirname "$0")/.." && pwd)/flash4j" # no cd: relative --model and --llama-bench paths keep their meaning
results=$(mktemp)
trap 'rm -f "$results"' EXIT

if [ "$DEPTH" -gt 0 ]; then
  llama_args=(-p 0 -n 32 -d "$DEPTH" -r 3)
  flash_args=(--prompt-tokens 0 --gen-tokens 32 --depth "$DEPTH" --ctx $((DEPTH + 64)) --reps 3 --warmup 1)
  if [ "$KV" = q8 ]; then llama_args+=(-ctk q8_0 -ctv q8_0 -fa 1); flash_args+=(--kv q8); fi
else
  llama_args=(-p 1,2,4,8,512 -n 32 -r 3)
  flash_args=(--prompt-tokens 512 --gen-tokens 32 --batch-sizes 1,2,4,8 --reps 3 --warmup 1)
fi

for r in $(seq 1 "$ROUNDS"); do
  echo "round $r, $(date +%T): llama.cpp" >&2
  # llama-bench's markdown rows: the test ("pp512", "tg32", "tg32 @ d4096") and "mean ± sd" t/s are the last two cells
  "$LLAMA" -m "$MODEL" -t "$THREADS" "${llama_args[@]}" 2>/dev/null |
    awk -F'|' -v r="$r" '/^\| / && $(NF-1) ~ /±/ {
        t = $(NF-2); gsub(/^ +| +$/, "", t); sub(/ @ d[0-9]+$/, "", t); split($(NF-1), v, "±"); gsub(/ /, "", v[1]);
        print r, "llama", t, v[1] }' >> "$results"
  echo "round $r, $(date +%T): flash4j" >&2
  # flash4j's report rows: test, kind, tokens, mean, ±, sd, ...
  "$flash4j" bench --model "$MODEL" --threads "$THREADS" "${flash_args[@]}" "${EXTRA[@]}" |
    awk -v r="$r" '$1 ~ /^(pp|tg)[0-9]+$/ && $5 == "±" { print r, "flash4j", $1, $4 }' >> "$results"
done

# the table (scripts/lib/ratio-table.awk), then issue 6's pass ratio from the same values
awk -v a=llama -v b=flash4j -v la="llama.cpp tokens/s" -v lb="flash4j tokens/s" -v lr="flash4j / llama.cpp (median)" \
    -f "$(dirname "$0")/lib/ratio-table.awk" -f <(cat <<'PASS'
  END {
    for (i = 1; i <= n; i++) if (order[i] ~ /^tg/) tg = order[i]
    # issue 6 asks that verifying 4 tokens in one pass cost at most 1.3x a decode step
    if (tg != "" && ("pp4" in seen)) {
      printf "\na pass of 4 tokens over a decode step (time of pp4 / time of %s), per round:\n", tg
      split("llama flash4j", progs, " ")
      for (i = 1; i <= 2; i++) {
        s = ""
        for (r = 1; r <= rounds; r++) {
          x1 = v[r " " progs[i] " pp4"]; x2 = v[r " " progs[i] " " tg]
          s = s (r > 1 ? " / " : "") (x1 != "" && x2 != "" && x1 > 0 ? sprintf("%.2f", 4 * x2 / x1) : "-")
        }
        printf "  %-9s %s\n", (i == 1 ? "llama.cpp" : "flash4j"), s
      }
    }
  }
PASS
) "$results"
