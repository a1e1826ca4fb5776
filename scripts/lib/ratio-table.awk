# The ratio table of scripts/compare-llama.sh and scripts/ab-bench.sh. Input lines:
# "round program test tokens/s". Variables: a, b (the two programs' names in the input), la, lb
# (their column titles), lr (the ratio column's title). Prints per test every round's tokens/s of
# a and b, the ratios b / a and their median. Leaves v[round " " program " " test], seen[test],
# order[1..n] and rounds for a program run after it (awk -f this -f that).
{ v[$1 " " $2 " " $3] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 } if ($1 > rounds) rounds = $1 }
END {
  printf "%-8s %-30s %-30s %s\n", "test", la, lb, lr
  for (i = 1; i <= n; i++) {
    t = order[i]; l = ""; f = ""; q = ""; k = 0
    for (r = 1; r <= rounds; r++) {
      x1 = v[r " " a " " t]; x2 = v[r " " b " " t]
      l = l (r > 1 ? " / " : "") (x1 == "" ? "-" : x1); f = f (r > 1 ? " / " : "") (x2 == "" ? "-" : x2)
      if (x1 != "" && x2 != "" && x1 > 0) { x[++k] = x2 / x1; q = q (q == "" ? "" : " / ") sprintf("%.2f", x2 / x1) }
    }
    # median of the k ratios (insertion sort: a handful of rounds)
    for (p = 2; p <= k; p++) { y = x[p]; for (j = p - 1; j >= 1 && x[j] > y; j--) x[j + 1] = x[j]; x[j + 1] = y }
    m = k == 0 ? "-" : sprintf("%.2f", k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2)
    printf "%-8s %-30s %-30s %s (%s)\n", t, l, f, q == "" ? "-" : q, m
  }
}
