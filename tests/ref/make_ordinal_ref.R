# Reference values for tests/test_model_ordinal.c (the ordinal mRS model, sim/model_ordinal.c).
#
# Run from the repository root:
#     Rscript tests/ref/make_ordinal_ref.R           # the values embedded in the test
#     Rscript tests/ref/make_ordinal_ref.R --polr    # also the MASS::polr checks (not for CI)
#
# Written with R 4.2.2. Prints C initialisers (%.17g, exact round trip) that are pasted into
# the test beside a comment naming this script. Nothing here is random except the --polr
# part, which uses set.seed(20240601).
#
# Control distribution: TREASURE placebo, day-90 mRS 0..6 (Houkin 2024, JAMA Neurol;
# configs/EVIDENCE.md section 4), published as 2.9, 7.8, 11.8, 16.7, 38.2, 19.6, 2.9 percent,
# which sum to 99.9. The values below are the ones the issue's preset uses (the last
# rounded up to 3.0 so that they sum to 1); the published percentages are reproduced
# exactly by the counts 3, 8, 12, 17, 39, 20, 3 of 102 placebo patients (and MultiStem
# 5, 9, 20, 15, 31, 18, 6 of 104), used in the --polr part.
#
# Proportional odds with common odds ratio OR of a better (lower) mRS:
#     P(mRS <= k | msc) = plogis(qlogis(P(mRS <= k | control)) + log(OR)),  k = 0..5.

control <- c(0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.030)
stopifnot(abs(sum(control) - 1) < 1e-12)

msc_probs <- function(p0, or) {
  cum0 <- cumsum(p0)[1:6]
  cum1 <- plogis(qlogis(cum0) + log(or))
  diff(c(0, cum1, 1))
}

emit <- function(name, x) {
  cat(sprintf("    /* %s */\n    {%s},\n", name,
              paste(sprintf("%.17g", x), collapse = ", ")))
}

cat("/* msc category probabilities P(mRS = 0..6), TREASURE placebo control */\n")
for (or in c(1.25, 1.67)) emit(sprintf("OR %.2f", or), msc_probs(control, or))

# True effects for OR 1.67, oriented positive = msc better.
p1 <- msc_probs(control, 1.67)
mean_diff <- sum(0:6 * control) - sum(0:6 * p1)
resp <- function(t) sum(p1[0:t + 1]) - sum(control[0:t + 1])
cat(sprintf("/* OR 1.67: E[mRS|control] - E[mRS|msc] */ %.17g\n", mean_diff))
cat(sprintf("/* OR 1.67: P(mRS <= 1) msc - control */ %.17g\n", resp(1)))
cat(sprintf("/* OR 1.67: P(mRS <= 2) msc - control */ %.17g\n", resp(2)))

if ("--polr" %in% commandArgs(trailingOnly = TRUE)) {
  suppressPackageStartupMessages(library(MASS))
  # polr fits logit P(Y <= k) = zeta_k - eta, so the odds ratio of a better (lower) mRS
  # for msc is exp(-coef).
  or_better <- function(fit) {
    b <- coef(fit)[["msc"]]
    se <- sqrt(vcov(fit)["msc", "msc"])
    exp(-c(estimate = b, lo = b + 1.96 * se, hi = b - 1.96 * se))
  }

  # 1. polr recovers the OR from a large sample drawn from the model (R's own sampler).
  set.seed(20240601)
  n <- 20000
  y0 <- sample(0:6, n, replace = TRUE, prob = control)
  y1 <- sample(0:6, n, replace = TRUE, prob = p1)
  d <- data.frame(mrs = factor(c(y0, y1), levels = 0:6, ordered = TRUE),
                  msc = rep(0:1, each = n))
  cat("polr on", n, "per arm drawn with OR 1.67: OR (95% CI) =",
      sprintf("%.3f", or_better(polr(mrs ~ msc, data = d, Hess = TRUE))), "\n")

  # 2. TREASURE's crude common odds ratio from the reconstructed counts (configs/EVIDENCE.md section 4: ~1.25).
  counts <- rbind(placebo = c(3, 8, 12, 17, 39, 20, 3),
                  multistem = c(5, 9, 20, 15, 31, 18, 6))
  stopifnot(all(round(100 * counts[1, ] / 102, 1) == c(2.9, 7.8, 11.8, 16.7, 38.2, 19.6, 2.9)),
            all(round(100 * counts[2, ] / 104, 1) == c(4.8, 8.7, 19.2, 14.4, 29.8, 17.3, 5.8)))
  t <- data.frame(mrs = factor(rep(0:6, 2), levels = 0:6, ordered = TRUE),
                  msc = rep(0:1, each = 7), w = c(counts[1, ], counts[2, ]))
  cat("TREASURE day 90 (counts of 102 / 104): crude common OR (95% CI) =",
      sprintf("%.3f", or_better(polr(mrs ~ msc, data = t, weights = w, Hess = TRUE))), "\n")
}
