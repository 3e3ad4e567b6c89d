# make_ref.R: reference data sets and R results for tests/test_analysis.c.
#
# Run from the repository root (R >= 4.2, base R only):
#   Rscript tests/ref/make_ref.R
# It (re)writes, deterministically (set.seed below):
#   tests/ref/analysis_continuous_data.csv  case,arm,y,x  one row per patient
#                                          (arm 0 = control, 1 = msc)
#   tests/ref/analysis_binary_data.csv      case,n0,x0,n1,x1  event counts per arm
#   tests/ref/analysis_ref.csv              case,analysis,sides,failed,statistic,df,p_value,
#                                          estimate,se,ci_lo,ci_hi  R's results
# Numbers are written with 17 significant digits (sprintf "%.17g"), so every double
# round-trips exactly; "NA" marks a value R does not give; df "Inf" means a normal interval.
# The CSV files cannot carry comments: this header and tests/ref/README.md are their
# provenance.
#
# Where each reference value comes from (x = msc arm, y = control arm throughout):
#   student  t.test(y1, y0, var.equal = TRUE): statistic, parameter (df), conf.int,
#            estimate difference, stderr; p from alternative "two.sided" (sides 2) and
#            "greater" (sides 1). Failed = t.test stops with an error, or (our rule) an
#            arm has fewer than 2 patients.
#   welch    t.test(y1, y0) (var.equal = FALSE), the same fields.
#   ancova   lm(y ~ arm + x), arm coefficient from summary()$coefficients (estimate, SE,
#            t, two-sided p), df.residual, confint(); one-sided p = pt(t, df, upper).
#            Failed = residual df 0, the arm or x coefficient aliased (NA), an exact fit
#            (SSE <= 64 eps x within-arm SS of y) or SE < 10 eps x max |arm mean| (t.test's
#            "essentially constant" rule); see ancova_rows.
#   chisq    chisq.test(table, correct = FALSE): X-squared and p (sides 2);
#            prop.test(c(x1, x0), c(n1, n0), alternative = "greater", correct = FALSE) for
#            sides 1, statistic z = sign(p1 - p0) sqrt(X-squared). Failed = NaN statistic.
#   fisher   fisher.test(table) and fisher.test(table, alternative = "greater"); statistic
#            x1. Failed = an empty arm (our rule; fisher.test itself returns 1 there).
#   Binary estimate: risk difference p1 - p0 with the unpooled Wald SE
#   sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0) and interval est -/+ qnorm(0.975) SE,
#   computed here in R arithmetic (no packaged function reports it); df Inf.
# The 2x2 table is matrix(c(x1, x0, n1 - x1, n0 - x0), 2): rows msc, control; columns
# event, no event; so fisher.test's "greater" means a higher event rate with msc.
# All intervals are two-sided at conf.level 0.95.

options(warn = 1)
set.seed(20240611)

out_dir <- file.path("tests", "ref")
if (!dir.exists(out_dir)) stop("run from the repository root: Rscript tests/ref/make_ref.R")
fmt <- function(v) ifelse(is.na(v), "NA",
                          ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                 sprintf("%.17g", v)))

# ---- continuous data sets ---------------------------------------------------------------
mk <- function(n0, n1, mu0 = 0, mu1 = 0, sd0 = 1, sd1 = 1, rho = 0.5, xmu = 0, xsd = 1) {
  arm <- c(rep(0L, n0), rep(1L, n1))
  x <- xmu + xsd * rnorm(n0 + n1)
  e <- rnorm(n0 + n1)
  z <- (x - xmu) / xsd
  sd <- ifelse(arm == 1, sd1, sd0)
  y <- ifelse(arm == 1, mu1, mu0) + sd * (rho * z + sqrt(1 - rho^2) * e)
  data.frame(arm = arm, y = y, x = x)
}
cont <- list(
  c01_equal_20_20      = mk(20, 20, 0, 0.5),
  c02_unequal_15_40    = mk(15, 40, 0, 0.7, sd0 = 0.6, sd1 = 2.5),
  c03_tiny_2_2         = mk(2, 2, 0, 1),
  c04_tiny_2_5         = mk(2, 5, 0, 1, sd1 = 3),
  c05_ties_scores      = within(mk(25, 30, 40, 44, 12, 12, rho = 0.7, xmu = 35, xsd = 12),
                                { y <- pmin(pmax(round(y), 0), 100); x <- round(x) }),
  c06_offset_1e6       = mk(20, 25, 1e6, 1e6 + 0.4, rho = 0.6, xmu = 1e6),
  c07_large_200_300    = mk(200, 300, 0, 0.15, sd0 = 1, sd1 = 1.3),
  c08_strong_tiny_p    = mk(50, 50, 0, 3, rho = 0.3),
  c09_negative_effect  = mk(30, 30, 0, -0.6),
  c10_control_constant = within(mk(6, 9, 0, 1), y[arm == 0] <- 5),
  c11_n0_is_1          = mk(1, 3, 0, 1),
  c12_both_constant    = within(mk(5, 5), y <- ifelse(arm == 1, 3, 2)),
  c13_empty_control    = mk(0, 6),
  c14_x_constant       = within(mk(8, 8, 0, 1), x <- rep(7, 16)),
  c15_n_is_3           = mk(1, 2, 0, 1),
  c16_const_0.1        = within(mk(4, 4), y <- rep(0.1, 8))
)

# ---- binary data sets (x events of n per arm) -------------------------------------------
bin <- data.frame(
  case = c("b01_30_30", "b02_20_40", "b03_zero_cell", "b04_no_events", "b05_all_events",
           "b06_sparse", "b07_large", "b08_large_tiny_p", "b09_empty_arm", "b10_equal",
           "b11_symmetric_ties", "b12_negative", "b13_n_1_1", "b14_extreme_p", "b15_mode",
           "b16_unbalanced_sparse"),
  n0 = c(30, 20, 25, 20, 15, 8, 1000, 3000, 0, 40, 10, 30, 1, 2000, 50, 200),
  x0 = c(9, 4, 0, 0, 15, 3, 300, 900, 0, 10, 3, 15, 0, 1900, 20, 2),
  n1 = c(30, 40, 25, 20, 15, 6, 1500, 3000, 12, 40, 10, 30, 1, 500, 50, 7),
  x1 = c(18, 20, 5, 0, 15, 1, 520, 1400, 4, 10, 7, 8, 1, 100, 21, 3))

# ---- R results ----------------------------------------------------------------------------
rows <- list()
add <- function(case, analysis, sides, failed, statistic = NA, df = NA, p = NA,
                estimate = NA, se = NA, ci = c(NA, NA)) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, analysis = analysis, sides = sides, failed = as.integer(failed),
    statistic = fmt(statistic), df = fmt(df), p_value = fmt(p), estimate = fmt(estimate),
    se = fmt(se), ci_lo = fmt(ci[1]), ci_hi = fmt(ci[2]))
}

ttest_rows <- function(case, y1, y0, equal) {
  name <- if (equal) "student" else "welch"
  # Our rule (sim/analysis_student.c): Student's t needs 2 patients per arm. t.test with
  # var.equal = TRUE accepts a single patient in one arm (df = n - 2 from the other arm's
  # variance); we count that trial as failed, as for Welch.
  two <- if (min(length(y1), length(y0)) < 2) NULL else
    tryCatch(t.test(y1, y0, var.equal = equal), error = function(e) NULL)
  if (is.null(two)) {
    for (s in 2:1) add(case, name, s, TRUE)
    return(invisible())
  }
  one <- t.test(y1, y0, var.equal = equal, alternative = "greater")
  est <- unname(two$estimate[1] - two$estimate[2])
  add(case, name, 2, FALSE, two$statistic, two$parameter, two$p.value, est, two$stderr,
      two$conf.int)
  add(case, name, 1, FALSE, one$statistic, one$parameter, one$p.value, est, one$stderr,
      two$conf.int)
}

ancova_rows <- function(case, d) {
  fit <- if (nrow(d) > 0) lm(y ~ arm + x, data = d) else NULL
  cf <- if (!is.null(fit)) coef(fit) else NULL
  ok <- !is.null(fit) && fit$df.residual > 0 && !anyNA(cf) && length(cf) == 3
  if (ok) {
    sm <- suppressWarnings(coef(summary(fit)))
    # Our failure rules (sim/analysis_ancova.c), where lm would return rounding noise:
    # an exact fit, SSE <= 64 eps x the within-arm SS of y, or "essentially constant"
    # data as t.test defines it, SE < 10 eps x max |arm mean of y|.
    sse <- sum(residuals(fit)^2)
    syy <- sum(residuals(lm(y ~ factor(arm), data = d))^2)
    se <- sm["arm", 2]
    ok <- sse > 64 * .Machine$double.eps * syy &&
      se >= 10 * .Machine$double.eps * max(abs(tapply(d$y, d$arm, mean)))
  }
  if (!ok) {
    for (s in 2:1) add(case, "ancova", s, TRUE)
    return(invisible())
  }
  # Baselines far from zero: refit on exactly shifted data (y - c and x - c are exact for
  # values in [c/2, 2c], Sterbenz's lemma), which leaves the arm coefficient, its SE and
  # df unchanged in exact arithmetic but spares the QR the 1e6 offset; report agreement.
  c0 <- if (min(abs(d$x)) > 1e5) 2^floor(log2(min(d$x))) else 0
  if (c0 != 0) {
    raw <- sm["arm", ]
    fit <- lm(I(y - c0) ~ arm + I(x - c0), data = d)
    shifted <- coef(summary(fit))["arm", ]
    cat(sprintf("%s: raw lm vs shifted lm, max rel diff of (est, se, t, p): %.3g\n", case,
                max(abs(raw / shifted - 1))))
  }
  co <- coef(summary(fit))["arm", ]
  df <- fit$df.residual
  ci <- confint(fit, "arm", level = 0.95)
  add(case, "ancova", 2, FALSE, co[3], df, co[4], co[1], co[2], ci)
  add(case, "ancova", 1, FALSE, co[3], df, pt(co[3], df, lower.tail = FALSE), co[1], co[2], ci)
}

cont_out <- list()
for (case in names(cont)) {
  d <- cont[[case]]
  cont_out[[case]] <- data.frame(case = case, arm = d$arm, y = fmt(d$y), x = fmt(d$x))
  y1 <- d$y[d$arm == 1]
  y0 <- d$y[d$arm == 0]
  ttest_rows(case, y1, y0, TRUE)
  ttest_rows(case, y1, y0, FALSE)
  ancova_rows(case, d)
}

for (i in seq_len(nrow(bin))) {
  b <- bin[i, ]
  tab <- matrix(c(b$x1, b$x0, b$n1 - b$x1, b$n0 - b$x0), 2)
  empty <- b$n0 == 0 || b$n1 == 0
  if (!empty) {
    p1 <- b$x1 / b$n1
    p0 <- b$x0 / b$n0
    est <- p1 - p0
    se <- sqrt(p1 * (1 - p1) / b$n1 + p0 * (1 - p0) / b$n0)
    ci <- est + c(-1, 1) * qnorm(0.975) * se
  }
  cs <- suppressWarnings(chisq.test(tab, correct = FALSE))
  if (empty || is.nan(cs$statistic)) {
    for (s in 2:1) add(b$case, "chisq", s, TRUE)
  } else {
    pr <- suppressWarnings(prop.test(c(b$x1, b$x0), c(b$n1, b$n0), alternative = "greater",
                                     correct = FALSE))
    z <- sign(p1 - p0) * sqrt(unname(pr$statistic))
    add(b$case, "chisq", 2, FALSE, cs$statistic, Inf, cs$p.value, est, se, ci)
    add(b$case, "chisq", 1, FALSE, z, Inf, pr$p.value, est, se, ci)
  }
  if (empty) {
    for (s in 2:1) add(b$case, "fisher", s, TRUE)
  } else {
    f2 <- fisher.test(tab)
    f1 <- fisher.test(tab, alternative = "greater")
    add(b$case, "fisher", 2, FALSE, b$x1, Inf, f2$p.value, est, se, ci)
    add(b$case, "fisher", 1, FALSE, b$x1, Inf, f1$p.value, est, se, ci)
  }
}

wr <- function(df, file) {
  write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  cat("wrote", file.path(out_dir, file), nrow(df), "rows\n")
}
wr(do.call(rbind, cont_out), "analysis_continuous_data.csv")
wr(data.frame(case = bin$case, n0 = bin$n0, x0 = bin$x0, n1 = bin$n1, x1 = bin$x1),
   "analysis_binary_data.csv")
wr(do.call(rbind, rows), "analysis_ref.csv")
