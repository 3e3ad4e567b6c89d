# make_rank_ref.R: reference data and R results for the rank analyses (wilcoxon,
# worst_rank; sim/analysis_wilcoxon.c, sim/analysis_worst_rank.c), read by
# tests/test_analysis_rank.c.
#
# Run from the repository root (R >= 4.2, base R; pROC only for an optional cross-check):
#   Rscript tests/ref/make_rank_ref.R
# Rerun the Monte Carlo references instead of using the recorded values (about 5 minutes):
#   MSCSIM_RANK_SIM=1 Rscript tests/ref/make_rank_ref.R
# It (re)writes, deterministically (fixed seeds below):
#   tests/ref/rank_data.csv  case,arm,y,died  one row per patient (arm 0 = control,
#                            1 = msc; died 1 = dead by the primary visit)
#   tests/ref/rank_ref.csv   case,analysis,sides,failed,n0,n1,W,statistic,p_value,estimate,se
#   tests/ref/rank_sim_ref.csv  id,analysis,model,n_control,n_msc,delta,d_control,d_msc,
#                            alpha,sides,quantity,value,mcse,reps,seed  simulated power,
#                            type I error and CI coverage
# Numbers are written with 17 significant digits (sprintf "%.17g"), so every double
# round-trips exactly; "NA" marks a value that does not exist (failed rows). The CSV files
# cannot carry comments: this header is their provenance.
#
# Conventions (as in the simulator): y is oriented, larger = better; x = msc arm (arm 1),
# y = control arm (arm 0) in wilcox.test(x, y); the effect is msc minus control.
#
# Where each reference value comes from:
#   W          wilcox.test(y1, y0, exact = FALSE, correct = TRUE)$statistic: the number of
#              (msc, control) pairs with the msc value larger, plus half the tied pairs.
#   p_value    wilcox.test(..., alternative = "two.sided")$p.value (sides 2) and
#              alternative = "greater" (sides 1).
#   statistic  the standardized z that wilcox.test computes internally but does not return,
#              transcribed from stats:::wilcox.test.default (R 4.2.2):
#                z <- W - n1 n0 / 2
#                SIGMA <- sqrt((n1 n0 / 12) ((N + 1) - sum(NTIES^3 - NTIES) / (N (N - 1))))
#                CORRECTION <- sign(z) 0.5 (two-sided) or 0.5 (greater)
#                z <- (z - CORRECTION) / SIGMA
#              The script checks that pnorm of this z reproduces wilcox.test's p.value.
#   estimate   W / (n0 n1) - 1/2 (the Mann-Whitney AUC minus 1/2: P(msc better) +
#              P(tie) / 2 - 1/2).
#   se         DeLong et al. (1988): placements V10_i = mean_j psi(y1_i, y0_j) and
#              V01_j = mean_i psi(y1_i, y0_j), psi = 1 (better), 1/2 (tie), 0, computed from
#              the full n1 x n0 matrix outer(); se^2 = var(V10) / n1 + var(V01) / n0 (var
#              with n - 1). With an arm of one patient (no variance estimable) the
#              permutation SE SIGMA / (n0 n1) of the same estimate. Cross-checked against
#              pROC::var(roc, method = "delong") when pROC is installed.
#   worst_rank the same quantities after replacing the values of dead patients by -Inf
#              (wilcox.test drops NA but keeps -Inf, and ranks the -Inf values tied below
#              every finite value): deaths rank below every survivor, tied with each other.
#   failed = 1 for an empty arm or when every analysed value is tied (SIGMA = 0; R then
#              returns NaN, or p = 1 for "greater").

options(warn = 1)
out_dir <- file.path("tests", "ref")
if (!dir.exists(out_dir)) stop("run from the repository root: Rscript tests/ref/make_rank_ref.R")
fmt <- function(v) ifelse(is.na(v), "NA",
                          ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                 sprintf("%.17g", v)))

# ---- data sets ------------------------------------------------------------------------
set.seed(20240917)
mk <- function(y0, y1, died0 = integer(length(y0)), died1 = integer(length(y1)))
  list(y0 = y0, y1 = y1, died0 = as.integer(died0), died1 = as.integer(died1))
mrs <- function(n, p) -(sample(0:6, n, replace = TRUE, prob = p))   # y = -mRS
p_ctl <- c(0.10, 0.12, 0.18, 0.20, 0.15, 0.10, 0.15)
p_msc <- c(0.15, 0.16, 0.20, 0.18, 0.12, 0.07, 0.12)
edges <- c(-128, -127, -1, 0, 1, 127, 128)  # the counting range of analysis_wilcoxon.c
r16_0 <- sample(edges, 25, replace = TRUE)
r16_1 <- sample(edges, 30, replace = TRUE)
w01_0 <- rnorm(40)
w01_1 <- rnorm(45, 0.4)
w02_0 <- mrs(60, p_ctl)
w02_1 <- mrs(55, p_msc)

# r*: continuous (no ties: the C sorting path's branch-free merge), half steps and
# r17 (ties beyond the counting range: its group walk), 0-100 scores, mRS, 0/1 and
# r16 (integers up to the ends of the counting range [-128, 128]: the counting path; r17
# is r16 + 1, same ranks, reaching 129), arms of 1 and 2, all tied, an empty arm,
# complete separation (DeLong SE 0), p ~ 1e-81, W exactly at and half a unit below its
# mean (z = 0 after the correction). w*: deaths for worst_rank, in both arms, all of one
# arm, everybody (failed), none, and dead patients carrying high scores.
cases <- list(
  r01_cont_20_20        = mk(rnorm(20), rnorm(20, 0.5)),
  r02_cont_unequal_15_40 = mk(rnorm(15, 0, 0.6), rnorm(40, 0.7, 2.5)),
  r03_scores_0_100      = mk(pmin(pmax(round(rnorm(30, 45, 20)), 0), 100),
                             pmin(pmax(round(rnorm(35, 52, 20)), 0), 100)),
  r04_half_steps        = mk(round(2 * rnorm(25)) / 2, round(2 * rnorm(28, 0.3)) / 2),
  r05_tiny_1_1          = mk(0.3, 1.7),
  r06_tiny_1_3          = mk(2.5, c(1.1, 3.2, 4.0)),
  r07_tiny_2_2          = mk(c(0.2, 1.4), c(0.9, 2.2)),
  r08_mrs_50_50         = mk(mrs(50, p_ctl), mrs(50, p_msc)),
  r09_mrs_37_81         = mk(mrs(37, p_ctl), mrs(81, p_msc)),
  r10_binary_40_40      = mk(rbinom(40, 1, 0.3), rbinom(40, 1, 0.5)),
  r11_binary_ctl_const  = mk(rep(0, 12), rbinom(15, 1, 0.4)),
  r12_all_tied          = mk(rep(-2, 6), rep(-2, 7)),
  r13_empty_control     = mk(numeric(0), rnorm(5)),
  r14_separation_10_12  = mk(rnorm(10), rnorm(12, 10)),
  r15_large_600_700     = mk(rnorm(600), rnorm(700, 1.2)),
  r16_integer_edges     = mk(r16_0, r16_1),
  r17_edges_shifted     = mk(r16_0 + 1, r16_1 + 1),
  r18_w_centre          = mk(c(1, 2, 3, 4), c(1, 2, 3, 4)),
  r19_w_half_below      = mk(c(1, 2, 3), c(1, 2.5)),
  r20_negative_effect   = mk(rnorm(30, 0.8), rnorm(30)),
  r21_mrs_1000_1000     = mk(mrs(1000, p_ctl), mrs(1000, p_msc)),
  r22_binary_separated  = mk(rep(0, 9), rep(1, 11)),
  w01_cont_deaths       = mk(w01_0, w01_1, rbinom(40, 1, 0.2), rbinom(45, 1, 0.1)),
  w02_mrs_deaths        = mk(w02_0, w02_1, w02_0 == -6, w02_1 == -6),
  w03_all_dead_control  = mk(rnorm(8), rnorm(9, 0.2), rep(1, 8), c(1, 0, 0, 1, 0, 0, 0, 1, 0)),
  w04_all_dead          = mk(rnorm(4), rnorm(5), rep(1, 4), rep(1, 5)),
  w05_no_deaths         = mk(rnorm(20), rnorm(22, 0.3)),
  w06_deaths_tiny_3_2   = mk(c(0.5, -1.2, 2.0), c(0.1, 3.3), c(1, 0, 0), c(0, 1)),
  w07_dead_values_high  = mk(c(5, 1, 2, 9, 3), c(4, 8, 2, 7, 6, 9), c(0, 0, 0, 1, 0),
                             c(0, 0, 1, 0, 0, 1))
)

# ---- R results ------------------------------------------------------------------------
# z exactly as stats:::wilcox.test.default computes it (see the header).
wmw_z <- function(x, y, alternative) {
  r <- rank(c(x, y))
  n.x <- as.double(length(x))
  n.y <- as.double(length(y))
  STATISTIC <- sum(r[seq_along(x)]) - n.x * (n.x + 1) / 2
  NTIES <- table(r)
  z <- STATISTIC - n.x * n.y / 2
  SIGMA <- sqrt((n.x * n.y / 12) *
                ((n.x + n.y + 1) - sum(NTIES^3 - NTIES) / ((n.x + n.y) * (n.x + n.y - 1))))
  CORRECTION <- switch(alternative, two.sided = sign(z) * 0.5, greater = 0.5)
  list(z = (z - CORRECTION) / SIGMA, sigma = SIGMA)
}

# DeLong placements from the full pair matrix (independent of any ranking shortcut).
delong_se <- function(x, y, sigma) {
  n1 <- length(x)
  n0 <- length(y)
  if (min(n1, n0) < 2) return(sigma / (n0 * n1))
  psi <- outer(x, y, function(a, b) (a > b) + 0.5 * (a == b))
  sqrt(var(rowMeans(psi)) / n1 + var(colMeans(psi)) / n0)
}

have_proc <- requireNamespace("pROC", quietly = TRUE)
rows <- list()
add <- function(case, analysis, sides, failed, n0, n1, W = NA, z = NA, p = NA, est = NA,
                se = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, analysis = analysis, sides = sides, failed = as.integer(failed), n0 = n0,
    n1 = n1, W = fmt(W), statistic = fmt(z), p_value = fmt(p), estimate = fmt(est),
    se = fmt(se))
}

analyse <- function(case, analysis, x, y) {
  n1 <- length(x)
  n0 <- length(y)
  if (n0 == 0 || n1 == 0 || length(unique(c(x, y))) == 1) {
    for (s in 2:1) add(case, analysis, s, TRUE, n0, n1)
    return(invisible())
  }
  est <- NULL
  for (s in 2:1) {
    alt <- if (s == 2) "two.sided" else "greater"
    wt <- wilcox.test(x, y, alternative = alt, exact = FALSE, correct = TRUE)
    zz <- wmw_z(x, y, alt)
    p_z <- if (s == 2) 2 * min(pnorm(zz$z), pnorm(zz$z, lower.tail = FALSE)) else
      pnorm(zz$z, lower.tail = FALSE)
    if (!identical(p_z, wt$p.value)) stop(case, ": transcribed z does not reproduce p")
    W <- unname(wt$statistic)
    se <- delong_se(x, y, zz$sigma)
    if (have_proc && min(n0, n1) >= 2 && s == 2) {
      # pROC orders the arms by direction "<": controls below cases means AUC = P(x > y).
      # pROC rejects -Inf: use a finite value below every survivor instead (same ranks).
      lo <- min(c(x, y)[is.finite(c(x, y))], 0) - 1
      roc <- pROC::roc(controls = pmax(y, lo), cases = pmax(x, lo), direction = "<",
                       quiet = TRUE)
      v <- suppressWarnings(pROC::var(roc, method = "delong"))  # warns when AUC is 1
      d <- abs(sqrt(v) / se - 1)
      if (!is.finite(d) && se == 0) d <- 0
      if (d > 1e-12) stop(case, ": pROC DeLong SE differs by ", d)
    }
    add(case, analysis, s, FALSE, n0, n1, W, zz$z, wt$p.value, W / (n0 * n1) - 0.5, se)
  }
}

data_out <- list()
for (case in names(cases)) {
  d <- cases[[case]]
  data_out[[case]] <- data.frame(case = case, arm = rep(0:1, c(length(d$y0), length(d$y1))),
                                 y = fmt(c(d$y0, d$y1)), died = c(d$died0, d$died1))
  analyse(case, "wilcoxon", d$y1, d$y0)
  analyse(case, "worst_rank", ifelse(d$died1 == 1, -Inf, d$y1),
          ifelse(d$died0 == 1, -Inf, d$y0))
}
if (have_proc) cat("pROC DeLong SEs agree to 1e-12\n")

wr <- function(df, file) {
  write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  cat("wrote", file.path(out_dir, file), nrow(df), "rows\n")
}
wr(do.call(rbind, data_out), "rank_data.csv")
wr(do.call(rbind, rows), "rank_ref.csv")

# ---- Monte Carlo references -------------------------------------------------------------
# Designs (n_control = n_msc given; delta = msc minus control mean of N(., 1) survivors;
# d_arm = probability of death; "ordinal" draws mRS 0..6 with p_ctl / p_msc above and
# uses y = -mRS):
#   pow_null, pow_shift  wilcoxon, normal, n 30 + 30, delta 0 and 0.5: rejection rate of
#                        wilcox.test(exact = FALSE, correct = TRUE) at alpha 0.05 two-sided
#                        and 0.025 one-sided ("greater"), from one set of data sets.
#   cov_normal           wilcoxon, normal, n 50 + 50, delta 0.5: coverage of
#                        estimate -/+ qnorm(0.975) se of the truth pnorm(delta / sqrt(2)) - 1/2.
#   cov_ordinal          wilcoxon, ordinal, n 50 + 50: truth sum_ij p_msc[i] p_ctl[j]
#                        (1[i < j] + 1[i = j] / 2) - 1/2 (category index = mRS).
#   cov_worst            worst_rank, normal survivors, n 50 + 50, delta 0.3, d 0.2 / 0.1:
#                        truth (1 - d1)(1 - d0) pnorm(delta / sqrt(2)) + (1 - d1) d0
#                        + d1 d0 / 2 - 1/2.
# MCSE = sqrt(v (1 - v) / reps). The values recorded below come from
# MSCSIM_RANK_SIM=1 on R 4.2.2 (x86_64, Debian); the seeds make the run reproducible.
sim_reps <- 200000
truth_ord <- sum(outer(p_msc, p_ctl) * (outer(0:6, 0:6, "<") + 0.5 * outer(0:6, 0:6, "==")))
truth_ord <- truth_ord - 0.5
fast_ci_hit <- function(x, y, truth) {
  n1 <- length(x)
  n0 <- length(y)
  r <- rank(c(x, y))
  v10 <- (r[seq_len(n1)] - rank(x)) / n0          # placements from pooled - own ranks
  v01 <- 1 - (r[n1 + seq_len(n0)] - rank(y)) / n1
  est <- sum(v10) / n1 - 0.5
  se <- sqrt(var(v10) / n1 + var(v01) / n0)
  abs(est - truth) <= qnorm(0.975) * se
}
sim <- list()
sim_add <- function(id, analysis, model, n, delta, d0, d1, alpha, sides, quantity, hits,
                    seed) {
  v <- hits / sim_reps
  sim[[length(sim) + 1]] <<- data.frame(
    id = id, analysis = analysis, model = model, n_control = n, n_msc = n,
    delta = fmt(delta), d_control = fmt(d0), d_msc = fmt(d1), alpha = fmt(alpha),
    sides = sides, quantity = quantity, value = fmt(v), mcse = fmt(sqrt(v * (1 - v) / sim_reps)),
    reps = sim_reps, seed = seed)
}

# Hits out of sim_reps = 2e5, recorded from MSCSIM_RANK_SIM=1 (R 4.2.2, 6 minutes):
#   type I error 0.04722 (two-sided 0.05), 0.02324 (one-sided 0.025), MCSE 0.00047, 0.00034;
#   power 0.45073, 0.45060, MCSE 0.0011; coverage 0.94459, 0.94520, 0.94579, MCSE 0.0005.
recorded_hits <- c(pow_null_2 = 9444, pow_null_1 = 4648, pow_shift_2 = 90145,
                   pow_shift_1 = 90120, cov_normal = 188917, cov_ordinal = 189039,
                   cov_worst = 189158)
if (Sys.getenv("MSCSIM_RANK_SIM") == "1") {
  hits <- recorded_hits
  for (id in c("pow_null", "pow_shift")) {
    set.seed(if (id == "pow_null") 101 else 102)
    delta <- if (id == "pow_null") 0 else 0.5
    h2 <- 0
    h1 <- 0
    for (i in seq_len(sim_reps)) {
      y0 <- rnorm(30)
      y1 <- rnorm(30, delta)
      h2 <- h2 + (wilcox.test(y1, y0, exact = FALSE, correct = TRUE)$p.value < 0.05)
      h1 <- h1 + (wilcox.test(y1, y0, alternative = "greater", exact = FALSE,
                              correct = TRUE)$p.value < 0.025)
    }
    hits[paste0(id, "_2")] <- h2
    hits[paste0(id, "_1")] <- h1
  }
  set.seed(103)
  tr <- pnorm(0.5 / sqrt(2)) - 0.5
  hits["cov_normal"] <- sum(replicate(sim_reps, fast_ci_hit(rnorm(50, 0.5), rnorm(50), tr)))
  set.seed(104)
  hits["cov_ordinal"] <- sum(replicate(sim_reps, fast_ci_hit(mrs(50, p_msc), mrs(50, p_ctl),
                                                             truth_ord)))
  set.seed(105)
  tr_w <- 0.9 * 0.8 * pnorm(0.3 / sqrt(2)) + 0.9 * 0.2 + 0.1 * 0.2 / 2 - 0.5
  hits["cov_worst"] <- sum(replicate(sim_reps, fast_ci_hit(
    ifelse(runif(50) < 0.1, -Inf, rnorm(50, 0.3)), ifelse(runif(50) < 0.2, -Inf, rnorm(50)),
    tr_w)))
  cat("hits:\n")
  print(hits)
  if (!anyNA(recorded_hits) && !identical(unname(hits), unname(recorded_hits)))
    cat("NOTE: differs from the recorded hits\n")
  recorded_hits <- hits
}
if (!anyNA(recorded_hits)) {
  h <- recorded_hits
  sim_add("pow_null", "wilcoxon", "normal", 30, 0, 0, 0, 0.05, 2, "reject", h[["pow_null_2"]], 101)
  sim_add("pow_null", "wilcoxon", "normal", 30, 0, 0, 0, 0.025, 1, "reject", h[["pow_null_1"]], 101)
  sim_add("pow_shift", "wilcoxon", "normal", 30, 0.5, 0, 0, 0.05, 2, "reject",
          h[["pow_shift_2"]], 102)
  sim_add("pow_shift", "wilcoxon", "normal", 30, 0.5, 0, 0, 0.025, 1, "reject",
          h[["pow_shift_1"]], 102)
  sim_add("cov_normal", "wilcoxon", "normal", 50, 0.5, 0, 0, 0.05, 2, "coverage",
          h[["cov_normal"]], 103)
  sim_add("cov_ordinal", "wilcoxon", "ordinal", 50, NA, 0, 0, 0.05, 2, "coverage",
          h[["cov_ordinal"]], 104)
  sim_add("cov_worst", "worst_rank", "normal", 50, 0.3, 0.2, 0.1, 0.05, 2, "coverage",
          h[["cov_worst"]], 105)
  wr(do.call(rbind, sim), "rank_sim_ref.csv")
  cat(sprintf("truths: normal %.17g ordinal %.17g\n", pnorm(0.5 / sqrt(2)) - 0.5, truth_ord))
}
