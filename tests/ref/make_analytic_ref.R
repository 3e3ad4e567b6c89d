# make_analytic_ref.R: reference values for the analytic power module (tests/test_analytic.c,
# sim/analytic.c).
#
# Run from the repository root (R >= 4.2 with the pwr package; r-cran-pwr):
#   Rscript tests/ref/make_analytic_ref.R
# It (re)writes, deterministically (no random numbers are drawn):
#   tests/ref/analytic_ref.csv    one power per row:
#     id,method,n0,n1,delta,sd0,sd1,rho,covariates,p0,p1,odds_ratio,probs,alpha,sides,
#     dropout0,dropout1,power,source
#   tests/ref/samplesize_ref.csv  smallest total n in whole allocation blocks:
#     design,allocation_control,allocation_msc,sd,delta,alpha,sides,target,n_total,
#     n_control,n_msc,power_at_n,power_below,p_control,p_msc
# Arm 0 is control, arm 1 msc; n0, n1 are the randomized arm sizes; "NA" marks a column
# that does not apply. Design values are written with 15 significant digits (0.8, not
# 0.80000000000000004; both read back to the same double), powers with 17 (round trip).
# probs is a ';'-separated list of control category probabilities, best category first
# (mRS 0..6). The CSV files cannot carry comments: this header and tests/ref/README.md are
# their provenance.
#
# Conventions shared with the simulator and sim/analytic.c:
# - effect delta = mean_msc - mean_control, or p1 - p0; odds_ratio > 1 = msc better;
# - sides 2 tests effect != 0 at level alpha, sides 1 tests effect > 0 at level alpha;
# - a trial whose analysis cannot be computed counts as not rejected: power 0 when an arm
#   has fewer than 2 analysed patients (t tests), an empty arm or n <= K + 2 (ANCOVA with K
#   covariates), an empty arm (formulas for proportions and Whitehead); the exact
#   enumerations apply the analyses' own failure rules table by table;
# - dropout: each randomized patient independently has no outcome with probability
#   dropout_a (MCAR), so the analysed sizes are m_a ~ Binomial(n_a, 1 - dropout_a); the
#   power is sum over m0 = 0..n0 and m1 = 0..n1 of dbinom(m0) dbinom(m1) power(m0, m1)
#   (here over the whole range; sim/analytic.c drops binomial tails below 1e-15).
#
# Methods (column method) and where each value comes from (column source says it per row):
#   student      power.t.test(n, delta, sd, strict = TRUE) for equal arms, pwr.t2n.test for
#                unequal arms; both checked equal (1e-13) to the noncentral t formula
#                P(T > q) + P(T < -q), T ~ t(n0 + n1 - 2, ncp = delta / (sd sqrt(1/n0 + 1/n1))),
#                q = qt(alpha / sides, df, upper) (one-sided: P(T > q) only).
#   welch        the same noncentral t with ncp = delta / sqrt(sd0^2/n0 + sd1^2/n1) and the
#                Welch-Satterthwaite df computed from the true variances (an approximation;
#                its error against the exact Welch power of make_power_ref.R is printed).
#   ancova       noncentral t with the residual sd = sd0 sqrt(1 - rho^2), df = n0 + n1 - 2 - K
#                (K = covariates): the usual approximation, which ignores the chance
#                imbalance of the covariate (make_power_ref.R integrates it exactly; the
#                difference is printed).
#   fleiss       normal approximation to the Pearson chi-square test without continuity
#                correction (Fleiss, Levin & Paik 2003, sec. 4.2; Fleiss, Tytun & Ury 1980):
#                pbar = (n0 p0 + n1 p1) / N, s0 = sqrt(pbar (1 - pbar) (1/n0 + 1/n1)) (H0,
#                pooled), s1 = sqrt(p0 q0 / n0 + p1 q1 / n1) (H1, unpooled), d = p1 - p0,
#                two-sided Phi((|d| - z s0) / s1) + Phi((-|d| - z s0) / s1), z = qnorm(1 -
#                alpha / 2); one-sided Phi((d - z s0) / s1), z = qnorm(1 - alpha).
#                Computed here directly (pwr.2p2n.test is the arcsine formula, not this).
#   wald         normal approximation to the rd_z test (unpooled SE under H0 and H1):
#                Phi(|d| / s1 - z) + Phi(-|d| / s1 - z), one-sided Phi(d / s1 - z).
#   exact_chisq  sum over all tables of dbinom(x0) dbinom(x1) 1{p < alpha}, p from
#                chisq.test(tab, correct = FALSE) (sides 2) or prop.test(c(x1, x0), c(n1, n0),
#                alternative = "greater", correct = FALSE) (sides 1); a zero margin or an
#                empty arm (NaN p) does not reject. tab = matrix(c(x1, x0, n1 - x1, n0 - x0), 2).
#   exact_rd_z   the same sum with the rd_z decision: z = (p1 - p0) / se, se^2 =
#                x1 (n1 - x1) / n1^3 + x0 (n0 - x0) / n0^3, p = 2 pnorm(-|z|) or
#                pnorm(z, upper); se = 0 or an empty arm does not reject.
#   exact_fisher the same sum with fisher.test(tab) / alternative = "greater"; an empty
#                arm does not reject (the analysis fails there).
#   whitehead    Whitehead (1993), Stat Med 12:2257-2271: msc probabilities by proportional
#                odds, odds(Y <= k | msc) = OR odds(Y <= k | control) (categories best
#                first), pbar_k = (n0 p0_k + n1 p1_k) / N,
#                V = n0 n1 N / (3 (N + 1)^2) (1 - sum pbar_k^3), b = log(OR),
#                two-sided Phi(|b| sqrt(V) - z) + Phi(-|b| sqrt(V) - z), one-sided
#                Phi(b sqrt(V) - z). For two categories this is the logistic score test.
# With dropout0 or dropout1 > 0 the row's power is the dropout mixture of its method.
#
# samplesize_ref.csv: n_total = k (allocation_control + allocation_msc) for the smallest
# whole number of blocks k with power >= target (n_control = k allocation_control); its
# power (power_at_n) and the power one block below (power_below). Rows:
#   student       pwr.t2n.test (power.t.test for 1:1, whose continuous n is printed) searched
#                 over k, two-sided 0.05 (one row one-sided), delta 0.5, sd 1;
#   chisq_exact   exact_chisq above, scanning k = 1, 2, ... upward: the first k reaching
#                 the target (the exact power is not monotone in n: it saw-tooths, so a
#                 later k can fall below the target again); decisions by the closed form of
#                 X^2, checked table by table against chisq.test at k and k - 1;
#   chisq_fleiss  the fleiss formula, first k reaching the target (monotone in k).
# p_control, p_msc are NA for the student rows; sd is NA and delta = p_msc - p_control for
# the binary rows.

options(warn = 1)
suppressPackageStartupMessages(library(pwr))
out_dir <- file.path("tests", "ref")
if (!dir.exists(out_dir)) stop("run from the repository root")

f15 <- function(v) if (length(v) == 1 && is.na(v)) "NA" else paste(sprintf("%.15g", v), collapse = ";")
f17 <- function(v) sprintf("%.17g", v)
# Exact powers of tests/ref/power_ref.csv (make_power_ref.R), by id.
power_ref_table <- read.csv(file.path(out_dir, "power_ref.csv"), colClasses = "character")
power_ref <- function(id) as.numeric(power_ref_table$power[power_ref_table$id == id])

# ---- the formulas ------------------------------------------------------------------------
nct_power <- function(ncp, df, alpha, sides) {
  q <- qt(alpha / sides, df, lower.tail = FALSE)
  up <- pt(q, df, ncp = ncp, lower.tail = FALSE)
  if (sides == 1) up else up + pt(-q, df, ncp = ncp)
}
p_student <- function(n0, n1, delta, sd, alpha, sides) {
  if (n0 < 2 || n1 < 2) return(0)
  nct_power(delta / (sd * sqrt(1 / n0 + 1 / n1)), n0 + n1 - 2, alpha, sides)
}
p_welch <- function(n0, n1, delta, sd0, sd1, alpha, sides) {
  if (n0 < 2 || n1 < 2) return(0)
  v0 <- sd0^2 / n0; v1 <- sd1^2 / n1
  df <- (v0 + v1)^2 / (v0^2 / (n0 - 1) + v1^2 / (n1 - 1))
  nct_power(delta / sqrt(v0 + v1), df, alpha, sides)
}
p_ancova <- function(n0, n1, delta, sd, rho, k, alpha, sides) {
  if (n0 < 1 || n1 < 1 || n0 + n1 <= k + 2) return(0)
  se <- sd * sqrt(1 - rho^2)
  nct_power(delta / (se * sqrt(1 / n0 + 1 / n1)), n0 + n1 - 2 - k, alpha, sides)
}
p_fleiss <- function(n0, n1, p0, p1, alpha, sides) {
  if (n0 < 1 || n1 < 1) return(0)
  pbar <- (n0 * p0 + n1 * p1) / (n0 + n1)
  s0 <- sqrt(pbar * (1 - pbar) * (1 / n0 + 1 / n1))
  s1 <- sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
  d <- p1 - p0
  z <- qnorm(alpha / sides, lower.tail = FALSE)
  if (sides == 1) pnorm((d - z * s0) / s1)
  else pnorm((abs(d) - z * s0) / s1) + pnorm((-abs(d) - z * s0) / s1)
}
p_wald <- function(n0, n1, p0, p1, alpha, sides) {
  if (n0 < 1 || n1 < 1) return(0)
  s1 <- sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
  d <- p1 - p0
  z <- qnorm(alpha / sides, lower.tail = FALSE)
  if (sides == 1) pnorm(d / s1 - z) else pnorm(abs(d) / s1 - z) + pnorm(-abs(d) / s1 - z)
}
po_probs <- function(p0, or) {
  # Cumulative logits of the control arm, best category first; head and tail sums apart so
  # an empty end stays exactly 0 or 1 (as sim/model_ordinal.c computes them).
  K <- length(p0)
  cum <- sapply(1:(K - 1), function(k) {
    head <- sum(p0[1:k]); tail <- sum(p0[(k + 1):K])
    plogis(log(head / tail) + log(or))
  })
  diff(c(0, cum, 1))
}
p_whitehead <- function(n0, n1, p0, or, alpha, sides) {
  if (n0 < 1 || n1 < 1) return(0)
  N <- n0 + n1
  pbar <- (n0 * p0 + n1 * po_probs(p0, or)) / N
  V <- n0 * n1 * N / (3 * (N + 1)^2) * (1 - sum(pbar^3))
  b <- log(or)
  z <- qnorm(alpha / sides, lower.tail = FALSE)
  if (sides == 1) pnorm(b * sqrt(V) - z)
  else pnorm(abs(b) * sqrt(V) - z) + pnorm(-abs(b) * sqrt(V) - z)
}

# ---- exact enumeration ---------------------------------------------------------------
closest <- Inf  # smallest |p - alpha| / alpha over every enumerated decision
track <- function(p, alpha) {
  ok <- !is.na(p)
  if (any(ok)) closest <<- min(closest, abs(p[ok] - alpha) / alpha)
  ok & p < alpha
}
# p-value of one table from R's own tests, NA where the analysis fails.
p_table <- function(test, x0, n0, x1, n1, sides) {
  if (n0 == 0 || n1 == 0) return(NA)
  tab <- matrix(c(x1, x0, n1 - x1, n0 - x0), 2)
  if (test == "chisq") {
    if (x0 + x1 == 0 || x0 + x1 == n0 + n1) return(NA)
    if (sides == 2) return(suppressWarnings(chisq.test(tab, correct = FALSE))$p.value)
    return(suppressWarnings(prop.test(c(x1, x0), c(n1, n0), alternative = "greater",
                                      correct = FALSE))$p.value)
  }
  if (test == "fisher")
    return(fisher.test(tab, alternative = if (sides == 2) "two.sided" else "greater")$p.value)
  # rd_z
  se <- sqrt(x1 * (n1 - x1) / n1^3 + x0 * (n0 - x0) / n0^3)
  if (se == 0) return(NA)
  z <- (x1 / n1 - x0 / n0) / se
  if (sides == 2) 2 * pnorm(-abs(z)) else pnorm(z, lower.tail = FALSE)
}
# Rejection matrix (x0 + 1) x (x1 + 1) of one pair of analysed sizes, cached.
reject_cache <- new.env()
reject_matrix <- function(test, n0, n1, alpha, sides) {
  key <- paste(test, n0, n1, alpha, sides)
  if (!is.null(reject_cache[[key]])) return(reject_cache[[key]])
  r <- matrix(FALSE, n0 + 1, n1 + 1)
  for (x0 in 0:n0) for (x1 in 0:n1)
    r[x0 + 1, x1 + 1] <- track(p_table(test, x0, n0, x1, n1, sides), alpha)
  reject_cache[[key]] <- r
  r
}
p_exact <- function(test, n0, n1, p0, p1, alpha, sides) {
  r <- reject_matrix(test, n0, n1, alpha, sides)
  sum(outer(dbinom(0:n0, n0, p0), dbinom(0:n1, n1, p1)) * r)
}

# The dropout mixture of any of the above (f(m0, m1)).
mixture <- function(n0, n1, d0, d1, f) {
  w0 <- dbinom(0:n0, n0, 1 - d0); w1 <- dbinom(0:n1, n1, 1 - d1)
  tot <- 0
  for (m0 in 0:n0) for (m1 in 0:n1) tot <- tot + w0[m0 + 1] * w1[m1 + 1] * f(m0, m1)
  tot
}

# ---- rows ------------------------------------------------------------------------------
rows <- list()
add <- function(id, method, n0, n1, power, source, delta = NA, sd0 = NA, sd1 = NA, rho = NA,
                covariates = NA, p0 = NA, p1 = NA, odds_ratio = NA, probs = NA, alpha = 0.05,
                sides = 2, dropout0 = 0, dropout1 = 0) {
  stopifnot(!grepl("[,\"]", source), power >= 0, power <= 1)
  rows[[length(rows) + 1]] <<- data.frame(
    id = id, method = method, n0 = n0, n1 = n1, delta = f15(delta), sd0 = f15(sd0),
    sd1 = f15(sd1), rho = f15(rho), covariates = f15(covariates), p0 = f15(p0), p1 = f15(p1),
    odds_ratio = f15(odds_ratio), probs = f15(probs), alpha = f15(alpha), sides = sides,
    dropout0 = f15(dropout0), dropout1 = f15(dropout1), power = f17(power), source = source)
}

# Student: packaged functions, checked against the formula.
student_cases <- list(
  list("t_64_64_d0.5", 64, 64, 0.5, 1, 0.05, 2), list("t_10_10_d0.8", 10, 10, 0.8, 1, 0.05, 2),
  list("t_20_40_d0.5", 20, 40, 0.5, 1, 0.05, 2), list("t_33_67_delta4_sd10", 33, 67, 4, 10, 0.05, 2),
  list("t_30_30_d0.5_1sided", 30, 30, 0.5, 1, 0.05, 1), list("t_25_25_null", 25, 25, 0, 1, 0.05, 2),
  list("t_2_2_d1", 2, 2, 1, 1, 0.05, 2), list("t_1500_3000_d0.1_a0.01", 1500, 3000, 0.1, 1, 0.01, 2),
  list("t_50_50_negative", 50, 50, -0.3, 1, 0.05, 2),
  list("t_40_40_negative_1sided", 40, 40, -0.3, 1, 0.05, 1),
  list("t_500_500_ncp39.5", 500, 500, 2.5, 1, 0.05, 2))
for (s in student_cases) {
  id <- s[[1]]; n0 <- s[[2]]; n1 <- s[[3]]; delta <- s[[4]]; sd <- s[[5]]; alpha <- s[[6]]
  sides <- s[[7]]
  alt <- if (sides == 2) "two.sided" else "one.sided"
  if (n0 == n1) {
    p <- power.t.test(n = n0, delta = delta, sd = sd, sig.level = alpha, alternative = alt,
                      strict = TRUE)$power
    src <- "power.t.test(strict = TRUE)"
  } else {
    p <- pwr.t2n.test(n1 = n0, n2 = n1, d = delta / sd, sig.level = alpha,
                      alternative = if (sides == 2) "two.sided" else "greater")$power
    src <- "pwr::pwr.t2n.test"
  }
  stopifnot(abs(p - p_student(n0, n1, delta, sd, alpha, sides)) < 1e-13)
  add(id, "student", n0, n1, p, src, delta = delta, sd0 = sd, sd1 = sd, alpha = alpha,
      sides = sides)
}

# Welch (Satterthwaite df, noncentral t).
for (s in list(list("welch_30_30_d0.5", 30, 30, 0.5, 1, 1, 2), list("welch_20_40_d0.5", 20, 40, 0.5, 1, 1, 2),
               list("welch_20_40_sd2_1", 20, 40, 1, 2, 1, 2),
               list("welch_50_25_sd1_3_1sided", 50, 25, 1, 1, 3, 1),
               list("welch_30_30_null_sd1_2", 30, 30, 0, 1, 2, 2))) {
  p <- p_welch(s[[2]], s[[3]], s[[4]], s[[5]], s[[6]], 0.05, s[[7]])
  add(s[[1]], "welch", s[[2]], s[[3]], p, "noncentral t with Satterthwaite df (formula)",
      delta = s[[4]], sd0 = s[[5]], sd1 = s[[6]], sides = s[[7]])
}
cat(sprintf("welch approximation - exact (power_ref.csv): 30/30 %+.5f, 20/40 %+.5f\n",
            p_welch(30, 30, 0.5, 1, 1, 0.05, 2) - power_ref("welch_30_30_0.5"),
            p_welch(20, 40, 0.5, 1, 1, 0.05, 2) - power_ref("welch_20_40_0.5")))

# ANCOVA (residual sd, n - 2 - K df).
for (s in list(list("ancova_30_30_d0.5_rho0.5", 30, 30, 0.5, 1, 0.5, 1, 2),
               list("ancova_20_40_d0.4_rho0.5", 20, 40, 0.4, 1, 0.5, 1, 2),
               list("ancova_100_100_delta3_sd10_rho0.7_k2_1sided", 100, 100, 3, 10, 0.7, 2, 1))) {
  p <- p_ancova(s[[2]], s[[3]], s[[4]], s[[5]], s[[6]], s[[7]], 0.05, s[[8]])
  add(s[[1]], "ancova", s[[2]], s[[3]], p, "noncentral t with residual sd and n-2-K df (formula)",
      delta = s[[4]], sd0 = s[[5]], sd1 = s[[5]], rho = s[[6]], covariates = s[[7]], sides = s[[8]])
}
cat(sprintf("ancova approximation - exact (power_ref.csv): 30/30 %+.5f, 20/40 %+.5f\n",
            p_ancova(30, 30, 0.5, 1, 0.5, 1, 0.05, 2) - power_ref("ancova_30_30_0.5"),
            p_ancova(20, 40, 0.4, 1, 0.5, 1, 0.05, 2) - power_ref("ancova_20_40_0.4")))

# Two proportions: Fleiss and Wald formulas.
prop_cases <- list(list("100_100_p0.3_0.5", 100, 100, 0.3, 0.5, 0.05, 2),
                   list("150_75_p0.258_0.4", 150, 75, 0.258, 0.4, 0.05, 2),
                   list("200_200_null", 200, 200, 0.5, 0.5, 0.05, 2),
                   list("60_60_p0.2_0.45_1sided", 60, 60, 0.2, 0.45, 0.05, 1),
                   list("400_800_p0.098_0.115", 400, 800, 0.098, 0.115, 0.05, 2),
                   list("50_50_negative", 50, 50, 0.6, 0.4, 0.05, 2))
for (s in prop_cases) {
  add(paste0("fleiss_", s[[1]]), "fleiss", s[[2]], s[[3]],
      p_fleiss(s[[2]], s[[3]], s[[4]], s[[5]], s[[6]], s[[7]]), "Fleiss formula computed in R",
      p0 = s[[4]], p1 = s[[5]], alpha = s[[6]], sides = s[[7]])
  add(paste0("wald_", s[[1]]), "wald", s[[2]], s[[3]],
      p_wald(s[[2]], s[[3]], s[[4]], s[[5]], s[[6]], s[[7]]), "unpooled normal formula computed in R",
      p0 = s[[4]], p1 = s[[5]], alpha = s[[6]], sides = s[[7]])
}
# Null Fleiss power is exactly alpha (pooled = unpooled SE when p0 = p1).
stopifnot(abs(p_fleiss(200, 200, 0.5, 0.5, 0.05, 2) - 0.05) < 1e-15)

# Exact enumerations.
exact_cases <- list(
  list("chisq", "30_30_p0.3_0.6", 30, 30, 0.3, 0.6, 2),
  list("chisq", "20_40_p0.2_0.5_1sided", 20, 40, 0.2, 0.5, 1),
  list("chisq", "100_100_p0.3_0.5", 100, 100, 0.3, 0.5, 2),
  list("chisq", "5_5_p0.5_0.9", 5, 5, 0.5, 0.9, 2),
  list("rd_z", "30_30_p0.3_0.6", 30, 30, 0.3, 0.6, 2),
  list("rd_z", "20_40_p0.2_0.5_1sided", 20, 40, 0.2, 0.5, 1),
  list("rd_z", "5_5_p0.5_0.9", 5, 5, 0.5, 0.9, 2),
  list("fisher", "15_15_p0.2_0.7", 15, 15, 0.2, 0.7, 2),
  list("fisher", "20_30_p0.1_0.4_1sided", 20, 30, 0.1, 0.4, 1),
  list("fisher", "60_60_p0.3_0.55", 60, 60, 0.3, 0.55, 2))
for (s in exact_cases) {
  test <- s[[1]]
  add(paste0("exact_", test, "_", s[[2]]), paste0("exact_", test), s[[3]], s[[4]],
      p_exact(test, s[[3]], s[[4]], s[[5]], s[[6]], 0.05, s[[7]]),
      paste("enumeration of all tables with R's", switch(test, chisq = "chisq.test/prop.test",
                                                           fisher = "fisher.test",
                                                           rd_z = "rd_z formula")),
      p0 = s[[5]], p1 = s[[6]], sides = s[[7]])
}

# Whitehead.
treasure <- c(2.9, 7.8, 11.8, 16.7, 38.2, 19.6, 2.9)  # TREASURE placebo day 90, mRS 0..6 (%)
treasure <- treasure / sum(treasure)                   # as make_po_ref.R (sums to 99.9)
gappy <- c(0, 0.1, 0.2, 0.3, 0.25, 0.15, 0)
wh_cases <- list(
  list("whitehead_treasure_150_150_or1.67", 150, 150, treasure, 1.67, 0.05, 2),
  list("whitehead_treasure_150_150_or1.67_1sided", 150, 150, treasure, 1.67, 0.025, 1),
  list("whitehead_treasure_20_40_or1.67", 20, 40, treasure, 1.67, 0.05, 2),
  list("whitehead_treasure_150_150_or1", 150, 150, treasure, 1, 0.05, 2),
  list("whitehead_treasure_100_100_or0.6", 100, 100, treasure, 0.6, 0.05, 2),
  list("whitehead_binary_100_100_p0.3_0.5", 100, 100, c(0.3, 0.7), (0.5 / 0.5) / (0.3 / 0.7), 0.05, 2),
  list("whitehead_gappy_80_120_or2", 80, 120, gappy, 2, 0.05, 2))
for (s in wh_cases)
  add(s[[1]], "whitehead", s[[2]], s[[3]], p_whitehead(s[[2]], s[[3]], s[[4]], s[[5]], s[[6]], s[[7]]),
      "Whitehead 1993 formula computed in R", odds_ratio = s[[5]], probs = s[[4]], alpha = s[[6]],
      sides = s[[7]])
stopifnot(abs(p_whitehead(150, 150, treasure, 1, 0.05, 2) - 0.05) < 1e-15)
# For two categories the msc arm is exactly p1.
stopifnot(abs(po_probs(c(0.3, 0.7), (0.5 / 0.5) / (0.3 / 0.7))[1] - 0.5) < 1e-15)
cat(sprintf("whitehead (N + 1)^2 form, TREASURE 150/150 OR 1.67: %.5f (two-sided), %.5f (one-sided)\n",
            p_whitehead(150, 150, treasure, 1.67, 0.05, 2),
            p_whitehead(150, 150, treasure, 1.67, 0.025, 1)))

# Dropout mixtures.
mix <- function(id, method, n0, n1, d0, d1, f, ...) {
  add(id, method, n0, n1, mixture(n0, n1, d0, d1, f),
      "exact MCAR mixture over m0 ~ Bin(n0;1-d0) and m1 ~ Bin(n1;1-d1) computed in R",
      dropout0 = d0, dropout1 = d1, ...)
}
mix("mix_student_40_40_d0.5", "student", 40, 40, 0.1, 0.1,
    function(m0, m1) p_student(m0, m1, 0.5, 1, 0.05, 2), delta = 0.5, sd0 = 1, sd1 = 1)
mix("mix_student_20_40_d0.5", "student", 20, 40, 0.1, 0.1,
    function(m0, m1) p_student(m0, m1, 0.5, 1, 0.05, 2), delta = 0.5, sd0 = 1, sd1 = 1)
mix("mix_student_3_3_d1", "student", 3, 3, 0.5, 0.5,
    function(m0, m1) p_student(m0, m1, 1, 1, 0.05, 2), delta = 1, sd0 = 1, sd1 = 1)
mix("mix_student_1000_1000_d0.1", "student", 1000, 1000, 0.1, 0.1,
    function(m0, m1) p_student(m0, m1, 0.1, 1, 0.05, 2), delta = 0.1, sd0 = 1, sd1 = 1)
mix("mix_welch_50_100_sd1_2", "welch", 50, 100, 0.2, 0.05,
    function(m0, m1) p_welch(m0, m1, 0.6, 1, 2, 0.05, 2), delta = 0.6, sd0 = 1, sd1 = 2)
mix("mix_ancova_30_30_rho0.5", "ancova", 30, 30, 0.15, 0.15,
    function(m0, m1) p_ancova(m0, m1, 0.5, 1, 0.5, 1, 0.05, 2), delta = 0.5, sd0 = 1, sd1 = 1,
    rho = 0.5, covariates = 1)
mix("mix_fleiss_150_150_p0.258_0.4", "fleiss", 150, 150, 0.1, 0.1,
    function(m0, m1) p_fleiss(m0, m1, 0.258, 0.4, 0.05, 2), p0 = 0.258, p1 = 0.4)
mix("mix_wald_100_100_p0.3_0.5", "wald", 100, 100, 0.2, 0,
    function(m0, m1) p_wald(m0, m1, 0.3, 0.5, 0.05, 2), p0 = 0.3, p1 = 0.5)
mix("mix_whitehead_treasure_20_40_or1.67", "whitehead", 20, 40, 0.1, 0.1,
    function(m0, m1) p_whitehead(m0, m1, treasure, 1.67, 0.05, 2), odds_ratio = 1.67,
    probs = treasure)
mix("mix_exact_chisq_12_12_p0.3_0.7", "exact_chisq", 12, 12, 0.1, 0.2,
    function(m0, m1) p_exact("chisq", m0, m1, 0.3, 0.7, 0.05, 2), p0 = 0.3, p1 = 0.7)
mix("mix_exact_rd_z_15_15_p0.3_0.7", "exact_rd_z", 15, 15, 0.1, 0.1,
    function(m0, m1) p_exact("rd_z", m0, m1, 0.3, 0.7, 0.05, 2), p0 = 0.3, p1 = 0.7)
mix("mix_exact_fisher_12_12_p0.2_0.8", "exact_fisher", 12, 12, 0.25, 0.25,
    function(m0, m1) p_exact("fisher", m0, m1, 0.2, 0.8, 0.025, 1), p0 = 0.2, p1 = 0.8,
    alpha = 0.025, sides = 1)
# The two Student mixtures are power_ref.csv's student_*_drop0.1 rows (make_power_ref.R).
for (s in list(c(40, 40), c(20, 40)))
  stopifnot(abs(mixture(s[1], s[2], 0.1, 0.1, function(m0, m1) p_student(m0, m1, 0.5, 1, 0.05, 2)) -
                  power_ref(sprintf("student_%d_%d_0.5_drop0.1", s[1], s[2]))) < 1e-14)

ref <- do.call(rbind, rows)
write.csv(ref, file.path(out_dir, "analytic_ref.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", file.path(out_dir, "analytic_ref.csv"), nrow(ref), "rows\n")

# ---- sample sizes ----------------------------------------------------------------------
ss_rows <- list()
ss_add <- function(design, ac, am, sd, delta, alpha, sides, target, k, power_at, power_below,
                   p0 = NA, p1 = NA) {
  ss_rows[[length(ss_rows) + 1]] <<- data.frame(
    design = design, allocation_control = ac, allocation_msc = am, sd = f15(sd),
    delta = f15(delta), alpha = f15(alpha), sides = sides, target = f15(target),
    n_total = k * (ac + am), n_control = k * ac, n_msc = k * am, power_at_n = f17(power_at),
    power_below = f17(power_below), p_control = f15(p0), p_msc = f15(p1))
}
# First k >= 1 with power(k) >= target, scanning upward.
first_block <- function(power, target, kmax = 10000) {
  for (k in 1:kmax) if (power(k) >= target) return(k)
  stop("target not reached")
}
for (s in list(list(1, 1, 0.8, 2), list(1, 1, 0.9, 2), list(1, 2, 0.8, 2), list(1, 2, 0.9, 2),
               list(1, 1, 0.8, 1))) {
  ac <- s[[1]]; am <- s[[2]]; target <- s[[3]]; sides <- s[[4]]
  pw <- function(k) {
    if (k * ac < 2 || k * am < 2) return(0)
    pwr.t2n.test(n1 = k * ac, n2 = k * am, d = 0.5, sig.level = 0.05,
                 alternative = if (sides == 2) "two.sided" else "greater")$power
  }
  k <- first_block(pw, target)
  if (ac == am) {
    n_cont <- power.t.test(power = target, delta = 0.5, sd = 1, sig.level = 0.05, strict = TRUE,
                           alternative = if (sides == 2) "two.sided" else "one.sided")$n
    stopifnot(k == ceiling(n_cont))
    cat(sprintf("power.t.test: n per arm %.4f for %.0f%% (sides %d)\n", n_cont, 100 * target, sides))
  }
  ss_add("student", ac, am, 1, 0.5, 0.05, sides, target, k, pw(k), pw(k - 1))
}
# Two proportions 0.3 vs 0.5, 1:1, two-sided 0.05, 80 %.
chisq_power_fast <- function(n0, n1, p0, p1, alpha) {
  # Closed form of X^2 (sim/analysis_chisq.c), vectorised over all tables.
  g <- expand.grid(x0 = 0:n0, x1 = 0:n1)
  N <- n0 + n1; m <- g$x0 + g$x1; f <- N - m
  cross <- g$x1 * (n0 - g$x0) - g$x0 * (n1 - g$x1)
  p <- pchisq(N * cross^2 / (n0 * n1 * m * f), 1, lower.tail = FALSE)
  p[m == 0 | f == 0] <- NA
  rej <- track(p, alpha)
  list(power = sum(dbinom(g$x0, n0, p0) * dbinom(g$x1, n1, p1) * rej), reject = rej)
}
k <- first_block(function(k) chisq_power_fast(k, k, 0.3, 0.5, 0.05)$power, 0.8)
for (kk in c(k - 1, k)) {  # the closed form decides every table as chisq.test does
  fast <- chisq_power_fast(kk, kk, 0.3, 0.5, 0.05)
  stopifnot(all(fast$reject == as.vector(reject_matrix("chisq", kk, kk, 0.05, 2))))
  stopifnot(abs(fast$power - p_exact("chisq", kk, kk, 0.3, 0.5, 0.05, 2)) < 1e-14)
}
later_dip <- Filter(function(j) chisq_power_fast(j, j, 0.3, 0.5, 0.05)$power < 0.8, (k + 1):(k + 20))
cat(sprintf("chisq exact: first k = %d (power %.6f, k - 1: %.6f); later k below 0.8: %s\n", k,
            chisq_power_fast(k, k, 0.3, 0.5, 0.05)$power, chisq_power_fast(k - 1, k - 1, 0.3, 0.5, 0.05)$power,
            if (length(later_dip)) paste(later_dip, collapse = " ") else "none within 20"))
ss_add("chisq_exact", 1, 1, NA, 0.2, 0.05, 2, 0.8, k, p_exact("chisq", k, k, 0.3, 0.5, 0.05, 2),
       p_exact("chisq", k - 1, k - 1, 0.3, 0.5, 0.05, 2), 0.3, 0.5)
k <- first_block(function(k) p_fleiss(k, k, 0.3, 0.5, 0.05, 2), 0.8)
ss_add("chisq_fleiss", 1, 1, NA, 0.2, 0.05, 2, 0.8, k, p_fleiss(k, k, 0.3, 0.5, 0.05, 2),
       p_fleiss(k - 1, k - 1, 0.3, 0.5, 0.05, 2), 0.3, 0.5)

ss <- do.call(rbind, ss_rows)
write.csv(ss, file.path(out_dir, "samplesize_ref.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", file.path(out_dir, "samplesize_ref.csv"), nrow(ss), "rows\n")
# A p-value within rounding of alpha would make a reference depend on the last bits of
# the p-value computation (small hypergeometric tables often give p = 1/20 exactly, hence
# the fisher mixture's alpha of 0.025).
cat(sprintf("closest enumerated p-value to alpha: relative %.3g\n", closest))
stopifnot(closest > 1e-6)
print(ss)
