# make_adjusted_ref.R: reference data sets and R results for tests/test_analysis_adjusted.c
# (ANCOVA on several covariates, sim/analysis_ancova.c; risk-difference z test,
# sim/analysis_rd_z.c).
#
# Run from the repository root (R >= 4.2, base R only):
#   Rscript tests/ref/make_adjusted_ref.R
# It (re)writes, deterministically (set.seed below):
#   tests/ref/adjusted_ancova_data.csv  case,K,arm,y,c1,c2,c3  one row per patient (arm 0 =
#                                       control, 1 = msc); covariates beyond K are 0, unused
#   tests/ref/adjusted_ancova_ref.csv   case,K,sides,failed,statistic,df,p_value,estimate,se
#   tests/ref/adjusted_rd_data.csv      case,n0,x0,n1,x1  event counts per arm
#   tests/ref/adjusted_rd_ref.csv       case,sides,failed,statistic,p_value,estimate,se
# Numbers are written with sprintf "%.17g" (round-trip exact); "NA" marks a value R does not
# give. The CSV files cannot carry comments: this header is their provenance.
#
# ancova: lm(y ~ arm + c1 + ... + cK); the arm row of coef(summary(fit)) gives estimate, SE,
#   t and the two-sided p; df = df.residual = n - 2 - K; one-sided p = pt(t, df, upper).
#   Failed = residual df < 1, a coefficient aliased (NA: constant or collinear covariate),
#   an exact fit (SSE <= 64 eps x the within-arm SS of y) or SE < 10 eps x max |arm mean of
#   y| (the rules of sim/analysis_ancova.c), or an empty arm.
# rd_z: the formula itself, in R arithmetic (no packaged function reports it):
#   p1 = x1 / n1, p0 = x0 / n0, est = p1 - p0,
#   se = sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0), z = est / se,
#   two-sided p = 2 * pnorm(-abs(z)), one-sided p = pnorm(z, lower.tail = FALSE).
#   Failed = an empty arm or se == 0.

options(warn = 1)
set.seed(20240927)

out_dir <- file.path("tests", "ref")
if (!dir.exists(out_dir))
  stop("run from the repository root: Rscript tests/ref/make_adjusted_ref.R")
fmt <- function(v) ifelse(is.na(v), "NA",
                          ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                 sprintf("%.17g", v)))

# ---- ANCOVA data sets ----------------------------------------------------------------------
# K covariates with means cmu and sds csd (recycled); y = mu_arm + sum beta_k z_k + noise.
mk <- function(n0, n1, K, effect = 0.5, cmu = 0, csd = 1, beta = 0.5, ymu = 0, sd = 1) {
  n <- n0 + n1
  arm <- c(rep(0L, n0), rep(1L, n1))
  cmu <- rep_len(cmu, K)
  csd <- rep_len(csd, K)
  beta <- rep_len(beta, K)
  cv <- sapply(seq_len(K), function(k) cmu[k] + csd[k] * rnorm(n))
  cv <- matrix(cv, n, K)
  zs <- sweep(sweep(cv, 2, cmu), 2, csd, "/")
  y <- ymu + effect * arm + drop(zs %*% beta) + sd * rnorm(n)
  d <- data.frame(arm = arm, y = y)
  for (k in 1:3) d[[paste0("c", k)]] <- if (k <= K) cv[, k] else 0
  attr(d, "K") <- K
  d
}
setK <- function(d, K) { attr(d, "K") <- K; d }
anc <- list(
  a01_k1_equal_20_20     = mk(20, 20, 1),
  a02_k2_unequal_15_40   = mk(15, 40, 2, 0.7, beta = c(0.6, -0.3)),
  a03_k3_unequal_25_60   = mk(25, 60, 3, -0.4, cmu = c(40, 70, 5), csd = c(10, 12, 2)),
  a04_k3_offset_1e4      = mk(30, 45, 3, 0.3, cmu = 1e4, csd = 1, ymu = 1e4),
  a05_k2_offset_mixed    = mk(18, 27, 2, 0.6, cmu = c(1.2e4, -5e3), csd = c(3, 0.5), ymu = 50),
  a06_k1_rounded_scores  = setK(within(mk(25, 30, 1, 4, cmu = 35, csd = 12, beta = 8,
                                          ymu = 40, sd = 9),
                                       { y <- pmin(pmax(round(y), 0), 100); c1 <- round(c1) }), 1),
  a07_k3_min_df_3_3      = mk(3, 3, 3),
  a08_k2_n_is_K_plus_2   = mk(2, 2, 2),
  a09_k2_constant_cov    = setK(within(mk(10, 12, 2), c2 <- 7), 2),
  a10_k3_collinear       = setK(within(mk(12, 14, 3), c3 <- 2 * c1 - c2 + 3), 3),
  a11_k1_cov_is_arm      = setK(within(mk(9, 11, 1), c1 <- arm), 1),
  a12_k2_empty_control   = mk(0, 8, 2),
  a13_k2_strong_tiny_p   = mk(60, 60, 2, 2.5, beta = c(1, 0.5), sd = 0.7),
  a14_k2_cov_tracks_arm  = setK(within(mk(20, 25, 2), c1 <- c1 + 2 * arm), 2),
  a15_k3_large_300_200   = mk(300, 200, 3, 0.15, cmu = c(0, 1e4, -3), csd = c(1, 5, 0.1))
)

rows <- list()
add <- function(case, K, sides, failed, statistic = NA, df = NA, p = NA, estimate = NA,
                se = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, K = K, sides = sides, failed = as.integer(failed), statistic = fmt(statistic),
    df = fmt(df), p_value = fmt(p), estimate = fmt(estimate), se = fmt(se))
}
data_out <- list()
for (case in names(anc)) {
  d <- anc[[case]]
  K <- attr(d, "K")
  data_out[[case]] <- data.frame(case = case, K = K, arm = d$arm, y = fmt(d$y), c1 = fmt(d$c1),
                                 c2 = fmt(d$c2), c3 = fmt(d$c3))
  f <- as.formula(paste("y ~ arm +", paste0("c", seq_len(K), collapse = " + ")))
  ok <- all(table(factor(d$arm, levels = 0:1)) > 0)
  if (ok) {
    fit <- lm(f, data = d)
    ok <- fit$df.residual > 0 && !anyNA(coef(fit))
  }
  if (ok) {
    co <- coef(summary(fit))["arm", ]
    sse <- sum(residuals(fit)^2)
    syy <- sum(residuals(lm(y ~ factor(arm), data = d))^2)
    ok <- sse > 64 * .Machine$double.eps * syy &&
      co[2] >= 10 * .Machine$double.eps * max(abs(tapply(d$y, d$arm, mean)))
  }
  if (!ok) {
    for (s in 2:1) add(case, K, s, TRUE)
    next
  }
  # Provenance of the offset cases: lm on exactly shifted data (Sterbenz) should agree.
  if (max(abs(unlist(d[, c("y", paste0("c", seq_len(K)))]))) > 1e3) {
    ds <- d
    for (v in c("y", paste0("c", seq_len(K)))) {
      m <- median(d[[v]])
      c0 <- if (abs(m) > 1e3) sign(m) * 2^floor(log2(abs(m))) else 0
      ds[[v]] <- d[[v]] - c0
    }
    cs <- coef(summary(lm(f, data = ds)))["arm", ]
    cat(sprintf("%s: raw lm vs shifted lm, max rel diff of (est, se, t, p): %.3g\n", case,
                max(abs(co / cs - 1))))
  }
  df <- fit$df.residual
  add(case, K, 2, FALSE, co[3], df, co[4], co[1], co[2])
  add(case, K, 1, FALSE, co[3], df, pt(co[3], df, lower.tail = FALSE), co[1], co[2])
}

# ---- risk-difference z test ------------------------------------------------------------------
rd <- data.frame(
  case = c("r01_30_30", "r02_20_40", "r03_zero_cell", "r04_no_events", "r05_all_events",
           "r06_0_vs_1", "r07_large", "r08_empty_arm", "r09_equal", "r10_negative",
           "r11_one_arm_degenerate", "r12_extreme", "r13_n_1_1", "r14_unbalanced_sparse",
           "r15_moderate_tail"),
  n0 = c(30, 20, 25, 20, 15, 10, 1000, 0, 40, 30, 20, 2000, 1, 200, 400),
  x0 = c(9, 4, 0, 0, 15, 0, 300, 0, 10, 15, 20, 1900, 0, 2, 120),
  n1 = c(30, 40, 25, 20, 15, 12, 1500, 12, 40, 30, 20, 500, 1, 7, 400),
  x1 = c(18, 20, 5, 0, 15, 12, 520, 4, 10, 8, 10, 100, 1, 3, 200))
rd_rows <- list()
for (i in seq_len(nrow(rd))) {
  b <- rd[i, ]
  failed <- b$n0 == 0 || b$n1 == 0
  if (!failed) {
    p1 <- b$x1 / b$n1
    p0 <- b$x0 / b$n0
    est <- p1 - p0
    se <- sqrt(p1 * (1 - p1) / b$n1 + p0 * (1 - p0) / b$n0)
    failed <- se == 0
  }
  for (s in 2:1) {
    if (failed) {
      rd_rows[[length(rd_rows) + 1]] <- data.frame(case = b$case, sides = s, failed = 1L,
        statistic = "NA", p_value = "NA", estimate = "NA", se = "NA")
    } else {
      z <- est / se
      p <- if (s == 2) 2 * pnorm(-abs(z)) else pnorm(z, lower.tail = FALSE)
      rd_rows[[length(rd_rows) + 1]] <- data.frame(case = b$case, sides = s, failed = 0L,
        statistic = fmt(z), p_value = fmt(p), estimate = fmt(est), se = fmt(se))
    }
  }
}

wr <- function(df, file) {
  write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  cat("wrote", file.path(out_dir, file), nrow(df), "rows\n")
}
wr(do.call(rbind, data_out), "adjusted_ancova_data.csv")
wr(do.call(rbind, rows), "adjusted_ancova_ref.csv")
wr(rd, "adjusted_rd_data.csv")
wr(do.call(rbind, rd_rows), "adjusted_rd_ref.csv")
