# Reference values for tests/test_stats.c: Wilson score intervals, which R's
# prop.test(correct = FALSE) reports as its confidence interval.
# Run from the repository root: Rscript tests/ref/make_stats_ref.R
cases <- list(c(37, 120, 0.95), c(0, 50, 0.95), c(50, 50, 0.95), c(1, 3, 0.90))
for (k in cases) {
  ci <- prop.test(k[1], k[2], correct = FALSE, conf.level = k[3])$conf.int
  cat(sprintf("{%d, %d, %.2f, %.17g, %.17g},\n", k[1], k[2], k[3], ci[1], ci[2]))
}
x <- c(1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3, 1e9 + 0.4)
cat(sprintf("mean %.17g sd %.17g\n", mean(x), sd(x)))
