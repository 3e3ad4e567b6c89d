#!/usr/bin/env bash
# The normal design's table path against R's sufficient-statistic simulation of the same
# trials, one thread each, in one run: n = 100 (50 + 50), means 0 and 0.5, sd 1, 10 % MCAR
# dropout, Welch's test. R draws per arm the analysed count (rbinom), the mean (rnorm) and
# the sum of squares (rchisq), vectorised over all trials, then Welch's t and p (pt);
# mscsim runs the design with the same number of trials (`mscsim run`, design set-up and
# output included). Times are CPU seconds (user + system), which a machine shared with
# other jobs inflates less than wall time. Prints both times, both powers and R's time over
# mscsim's (issue target: >= 4).
# Usage: bench_suffstat.sh MSCSIM [REPS]   (default 2,000,000 trials)
set -euo pipefail
bin=$1 reps=${2:-2000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/normal.ini" <<INI
[trial]
n = 100
[model]
type = normal
[control]
mean = 0
sd = 1
dropout = 0.1
[msc]
mean = 0.5
sd = 1
dropout = 0.1
[analysis]
test = welch
[simulation]
seed = 12345
threads = 1
INI
r_out=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 Rscript --vanilla -e "
R <- $reps; n <- 50; keep <- 0.9
set.seed(12345)
t <- system.time({
  m0 <- rbinom(R, n, keep); m1 <- rbinom(R, n, keep)
  x0 <- rnorm(R, 0, 1 / sqrt(m0)); x1 <- rnorm(R, 0.5, 1 / sqrt(m1))
  v0 <- rchisq(R, m0 - 1) / (m0 - 1); v1 <- rchisq(R, m1 - 1) / (m1 - 1)
  s0 <- v0 / m0; s1 <- v1 / m1
  tt <- (x1 - x0) / sqrt(s0 + s1)
  df <- (s0 + s1)^2 / (s0^2 / (m0 - 1) + s1^2 / (m1 - 1))
  power <- mean(2 * pt(-abs(tt), df) < 0.05)
})
t <- t[['user.self']] + t[['sys.self']]
cat(sprintf('%.4f %.5f\n', t, power))")
read -r r_time r_power <<< "$r_out"
/usr/bin/time -f "%U %S" -o "$tmp/time" \
    "$bin" run "$tmp/normal.ini" --reps "$reps" --quiet --out "$tmp/out.csv" > /dev/null
m_time=$(awk '{ print $1 + $2 }' "$tmp/time")
m_power=$(awk -F, 'NR == 2 { print $8 }' "$tmp/out.csv")
printf "trials %d, normal n = 100, 10%% MCAR dropout, welch, 1 thread each\n" "$reps"
printf "R sufficient statistics  %8.3f s CPU  power %s\n" "$r_time" "$r_power"
printf "mscsim table path        %8.3f s CPU  power %s\n" "$m_time" "$m_power"
printf "R / mscsim               %8.2f   (target >= 4)\n" "$(echo "$r_time / $m_time" | bc -l)"
