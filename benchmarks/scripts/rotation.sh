# Sourced by the side-by-side scripts. rotated RUN ITEM...: the items rotated left by RUN-1 (run 1 keeps the
# order, run 2 starts with the second, ...), one per line, so that no variant is always measured first: on
# 2026-12-02 the JVM that ran first in a back-to-back pair led in 5 of 5 pairs, whichever build it was
# (docs/benchmarks/analysis.md, e). The suite itself rotates the same way (InterleavedRunner).
rotated() {
  local run=$1; shift
  local items=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${items[(i + run - 1) % n]}"; done
}
