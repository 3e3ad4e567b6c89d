# make_po_ref.R: reference data and R results for tests/test_analysis_po.c (the
# proportional-odds analyses po and po_lr, sim/analysis_po.c).
#
# Run from the repository root (R >= 4.2 with MASS; written with R 4.2.2, MASS 7.3-58.2):
#   Rscript tests/ref/make_po_ref.R          # fixed data sets: po_data.csv, po_ref.csv,
#                                            # po_cov_data.csv, po_cov_ref.csv (~5 s)
#   Rscript tests/ref/make_po_ref.R --sim    # also the polr simulations: po_power_ref.csv
#                                            # (40000 polr fits, ~5 min)
# Deterministic (set.seed below): rerunning reproduces the files byte for byte.
#
# FILES
#   po_data.csv   case,arm,y,count: the data sets as counts of each value y per arm (arm 0
#                 control, 1 msc; values with count 0 are omitted), y oriented so larger =
#                 better (y = -mRS for mRS data). The test expands them patient by patient.
#   po_ref.csv    case,source,failed,k,n0,n1,beta,se,z,p2_wald,p1_wald,lr,p2_lr,p1_lr,
#                 loglik,zeta: one row per case and source (below); zeta = the K - 1
#                 cutpoints separated by ';'. failed = 1: the MLE does not exist (other
#                 columns NA).
#   po_power_ref.csv  design,or,n_per_arm,alpha,sides,test,reps,rejections,rate,mcse,
#                 whitehead: the polr simulation of the power (OR 1.67) and size (OR 1)
#                 designs (test wald or lr; sides 2 at alpha 0.05, sides 1 at 0.025), and
#                 Whitehead's approximate power for the same design.
# Numbers are written with 17 significant digits (exact round trip), "NA" where a value
# does not apply.
#
# SOURCES (column source of po_ref.csv)
#   polr   MASS::polr(factor(y) ~ arm, method = "logistic", Hess = TRUE) on the expanded
#          data, with optim's control tightened to reltol = 1e-15, maxit = 10000 and
#          ndeps = 1e-5 (polr passes control to optim). With the defaults (reltol 1e-8,
#          ndeps 1e-3), polr's coefficient is only good to ~1e-6 relative and its SE, from
#          optim's finite-difference Hessian, to ~1e-8; tightened, they agree with the exact
#          MLE below to ~1e-7 and ~1e-8 (asserted here to POLR_TOL; see there why polr cannot
#          do better). beta = coef, se =
#          sqrt(vcov[arm, arm]) (summary's "Std. Error"), z = beta / se (summary's "t value"),
#          zeta = fit$zeta, loglik = -deviance / 2. The LR statistic is deviance(null) -
#          deviance(full) with the null (cutpoints only) in closed form:
#          l0 = sum_j N_j log(N_j / N), the pooled multinomial, which is its exact MLE.
#          polr needs >= 3 levels, so binary cases have no polr row.
#   glm    Binary cases (K = 2): glm(y ~ arm, binomial, control = glm.control(epsilon =
#          1e-15, maxit = 100)); beta = the arm coefficient, se from summary(), zeta =
#          -intercept, loglik = logLik, LR = null.deviance - deviance (= anova(fit)).
#   exact  An independent Newton-Raphson on the analytic log-likelihood, gradient and
#          observed information of the 2 x K table (dense solve(), R arithmetic), iterated
#          to a step below 1e-15, SE from the analytic information. Started from polr's or
#          glm's answer; agreement with them is asserted to POLR_TOL.
#   p-values: p2_wald = 2 pnorm(-|z|), p1_wald = pnorm(z, upper) (H1: msc better);
#             p2_lr = pchisq(lr, 1, upper), p1_lr = pnorm(sign(beta) sqrt(lr), upper).
#
# ORIENTATION. polr fits logit P(Y <= k) = zeta_k - beta arm. With y = -mRS (larger =
# better) and arm = 1 for msc, beta > 0 means msc shifts patients to higher y: beta is the
# log odds ratio of a better outcome with msc. This script checks that fitting the raw mRS
# (smaller = better) gives -beta, and that the TREASURE counts (MultiStem better) give
# beta > 0.
#
# SEPARATION. Cases s01-s06 have no MLE (one arm entirely at or below the other); the
# exact Newton is run on them to show the log-likelihood still increasing as |beta| grows
# past SEP_BETA, and they are written with failed = 1 (what the C analysis must report).

options(warn = 1)
suppressPackageStartupMessages(library(MASS))
set.seed(20240612)

out_dir <- file.path("tests", "ref")
if (!dir.exists(out_dir)) stop("run from the repository root: Rscript tests/ref/make_po_ref.R")
fmt <- function(v) ifelse(is.na(v), "NA",
                          ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                 sprintf("%.17g", v)))
# Agreement required between polr/glm and the exact Newton (relative, absolute below 1).
# optim stops on relative changes of the objective -l ~ 1e2..1e4, which are rounding below
# ~eps |l|, so polr's parameters are determined only to ~sqrt(2 eps |l| / curvature),
# 1e-8..1e-7, however small reltol is (restarting polr from its own answer does not help):
# measured worst 1.4e-7 (beta, p11) and 8e-8 (zeta); its finite-difference SE 7e-9; its
# deviance, flat at the optimum, 2e-13. glm's IRLS reaches ~1e-13. The bounds are those
# worst cases with a margin; tests/test_analysis_po.c uses the same ones for polr rows and
# compares with the exact rows to 1e-10.
POLR_TOL <- c(beta = 1e-6, se = 1e-7, zeta = 1e-6, lr = 1e-10)
SEP_BETA <- 20    # |beta| reached by the Newton on separated data with l still increasing
POLR_CONTROL <- function(k) list(reltol = 1e-15, maxit = 10000, ndeps = rep(1e-5, k))

# ---- exact MLE on a 2 x K table --------------------------------------------------------
# theta = (zeta_1..zeta_{K-1}, beta); logit P(Y <= j | x) = zeta_j - beta x.
loglik <- function(th, n0, n1) {
  K <- length(n0); z <- th[1:(K - 1)]; b <- th[K]
  if (K > 2 && any(diff(z) <= 0)) return(-Inf)
  p0 <- diff(c(0, plogis(z), 1)); p1 <- diff(c(0, plogis(z - b), 1))
  sum(n0[n0 > 0] * log(p0[n0 > 0])) + sum(n1[n1 > 0] * log(p1[n1 > 0]))
}
grad_info <- function(th, n0, n1) {
  K <- length(n0); m <- K - 1; z <- th[1:m]; b <- th[K]
  g <- numeric(K); I <- matrix(0, K, K)
  for (x in 0:1) {
    n <- if (x == 1) n1 else n0
    u <- z - b * x
    F <- plogis(u); f <- dlogis(u); fp <- f * (1 - 2 * F)
    p <- diff(c(0, F, 1)); r <- n / p
    gu <- f * (r[1:m] - r[2:K])
    Hu <- matrix(0, m, m)
    for (j in 1:m) {
      Hu[j, j] <- fp[j] * (r[j] - r[j + 1]) - f[j]^2 * (r[j] / p[j] + r[j + 1] / p[j + 1])
      if (j < m) Hu[j, j + 1] <- Hu[j + 1, j] <- f[j] * f[j + 1] * r[j + 1] / p[j + 1]
    }
    J <- cbind(diag(m), rep(-x, m))  # d u / d theta
    g <- g + drop(t(J) %*% gu)
    I <- I - t(J) %*% Hu %*% J
  }
  list(g = g, I = I)
}
newton <- function(th, n0, n1, maxit = 200) {
  for (it in 1:maxit) {
    gi <- grad_info(th, n0, n1)
    d <- solve(gi$I, gi$g)
    h <- 1
    while (loglik(th + h * d, n0, n1) < loglik(th, n0, n1) - 1e-12 * abs(loglik(th, n0, n1)))
      h <- h / 2
    th <- th + h * d
    if (max(abs(d)) < 1e-15 * (1 + max(abs(th)))) break
  }
  gi <- grad_info(th, n0, n1)
  list(theta = th, V = solve(gi$I), iter = it, ll = loglik(th, n0, n1))
}
polr_tight <- function(d, K) {
  fit <- polr(y ~ arm, data = d, method = "logistic", Hess = TRUE, control = POLR_CONTROL(K))
  stopifnot(fit$convergence == 0)
  fit
}
null_loglik <- function(n0, n1) { N <- n0 + n1; sum(N * log(N / sum(N))) }

# ---- data sets -------------------------------------------------------------------------
# Each is a list(y = distinct values ascending, n0 = control counts, n1 = msc counts).
mrs_y <- -(6:0)  # mRS 6 (worst) .. 0 (best), oriented larger = better
treasure_placebo <- c(2.9, 7.8, 11.8, 16.7, 38.2, 19.6, 2.9)  # mRS 0..6, percent (configs/EVIDENCE.md section 4)
p_control <- rev(treasure_placebo / sum(treasure_placebo))    # in mrs_y order
po_probs <- function(p0, or) diff(c(0, plogis(qlogis(cumsum(p0)[-length(p0)]) - log(or)), 1))
draw <- function(y, n0, n1, p0, p1) list(y = y, n0 = drop(rmultinom(1, n0, p0)),
                                         n1 = drop(rmultinom(1, n1, p1)))
rev_counts <- function(c06) rev(c06)  # counts given for mRS 0..6 -> mrs_y order

cases <- list(
  # Counts reproducing TREASURE's published day-90 percentages (make_ordinal_ref.R):
  # placebo 3, 8, 12, 17, 39, 20, 3 of 102; MultiStem 5, 9, 20, 15, 31, 18, 6 of 104.
  p01_treasure_counts = list(y = mrs_y, n0 = rev_counts(c(3, 8, 12, 17, 39, 20, 3)),
                             n1 = rev_counts(c(5, 9, 20, 15, 31, 18, 6))),
  p02_unequal_60_140 = draw(mrs_y, 60, 140, p_control, po_probs(p_control, 1.67)),
  p03_empty_in_one_arm = list(y = mrs_y, n0 = rev_counts(c(0, 4, 9, 12, 25, 14, 6)),
                              n1 = rev_counts(c(3, 7, 12, 14, 22, 12, 0))),
  p04_empty_overall = list(y = mrs_y, n0 = rev_counts(c(2, 0, 10, 15, 30, 18, 5)),
                           n1 = rev_counts(c(4, 0, 14, 17, 28, 12, 5))),
  p05_three_level = list(y = c(-2, -1, 0), n0 = c(20, 15, 10), n1 = c(12, 18, 21)),
  p06_binary = list(y = c(0, 1), n0 = c(38, 12), n1 = c(29, 26)),
  p07_large_5000_6000 = draw(mrs_y, 5000, 6000, p_control, po_probs(p_control, 1.3)),
  p08_negative_effect = draw(mrs_y, 80, 80, p_control, po_probs(p_control, 0.5)),
  # The arms overlap in two categories only: a finite but large estimate.
  p09_near_separation = list(y = 1:5, n0 = c(10, 8, 2, 1, 0), n1 = c(0, 1, 3, 9, 10)),
  p10_noninteger_values = list(y = c(-2.5, -0.75, 0.1, 3.2), n0 = c(14, 11, 9, 6),
                               n1 = c(8, 10, 12, 13)),
  p11_wide_integers = list(y = c(-100, 0, 100, 250), n0 = c(9, 12, 7, 4), n1 = c(5, 10, 11, 8)),
  p12_forty_levels = local({
    y <- seq(-39, 0)
    p0 <- prop.table(runif(40, 0.2, 1)); list(y = y, n0 = drop(rmultinom(1, 300, p0)),
                                               n1 = drop(rmultinom(1, 320, po_probs(p0, 1.5))))
  }),
  p13_null_identical = list(y = mrs_y, n0 = c(3, 20, 39, 17, 12, 8, 3),
                            n1 = c(3, 20, 39, 17, 12, 8, 3)),
  p14_binary_small = list(y = c(0, 1), n0 = c(9, 3), n1 = c(2, 5)),
  p15_sixty_four_levels = local({
    y <- 0:63  # a window of exactly 64 integers, every value used
    list(y = y, n0 = 1 + drop(rmultinom(1, 200, rep(1, 64))),
         n1 = 1 + drop(rmultinom(1, 220, po_probs(rep(1 / 64, 64), 2))))
  }),
  p16_strong_effect = draw(mrs_y, 100, 100, p_control, po_probs(p_control, 5)),
  # Separated: no MLE.
  s01_complete = list(y = mrs_y, n0 = c(5, 9, 0, 0, 0, 0, 0), n1 = c(0, 0, 0, 0, 4, 8, 3)),
  s02_control_all_worst = list(y = mrs_y, n0 = c(12, 0, 0, 0, 0, 0, 0),
                               n1 = c(2, 3, 5, 6, 9, 4, 1)),
  s03_binary_zero_cell = list(y = c(0, 1), n0 = c(20, 10), n1 = c(0, 25)),
  s04_one_category = list(y = c(-3), n0 = 15, n1 = 17),
  s05_msc_all_best = list(y = mrs_y, n0 = c(1, 4, 6, 9, 12, 5, 2), n1 = c(0, 0, 0, 0, 0, 0, 11)),
  # Sharing one category is not enough: control <= 3 <= msc.
  s06_touching = list(y = 1:5, n0 = c(10, 8, 2, 0, 0), n1 = c(0, 0, 3, 9, 10))
)

# ---- fits ------------------------------------------------------------------------------
rows <- list()
add <- function(case, source, failed, k, n0, n1, beta = NA, se = NA, lr = NA, ll = NA,
                zeta = NA) {
  z <- beta / se
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, source = source, failed = as.integer(failed), k = k, n0 = n0, n1 = n1,
    beta = fmt(beta), se = fmt(se), z = fmt(z), p2_wald = fmt(2 * pnorm(-abs(z))),
    p1_wald = fmt(pnorm(z, lower.tail = FALSE)), lr = fmt(lr),
    p2_lr = fmt(pchisq(lr, 1, lower.tail = FALSE)),
    p1_lr = fmt(pnorm(sign(beta) * sqrt(lr), lower.tail = FALSE)), loglik = fmt(ll),
    zeta = if (all(is.na(zeta))) "NA" else paste(fmt(zeta), collapse = ";"))
}
rel <- function(a, b) max(abs(a - b) / pmax(1, abs(b)))

data_rows <- list()
for (case in names(cases)) {
  cs <- cases[[case]]
  for (a in 0:1) {
    cnt <- if (a == 0) cs$n0 else cs$n1
    keep <- cnt > 0
    if (any(keep))
      data_rows[[length(data_rows) + 1]] <- data.frame(case = case, arm = a,
                                                       y = fmt(cs$y[keep]), count = cnt[keep])
  }
  used <- (cs$n0 + cs$n1) > 0  # polr fits the observed levels only
  y <- cs$y[used]; n0 <- cs$n0[used]; n1 <- cs$n1[used]; K <- length(y)
  N0 <- sum(n0); N1 <- sum(n1)
  separated <- K < 2 || max(which(n0 > 0)) <= min(which(n1 > 0)) ||
    max(which(n1 > 0)) <= min(which(n0 > 0))
  if (separated) {
    if (K >= 2) {
      # No MLE: from the null fit the exact Newton drives |beta| past SEP_BETA while l keeps
      # increasing.
      th <- c(qlogis(cumsum(n0 + n1)[-K] / (N0 + N1)), 0)
      ll_prev <- loglik(th, n0, n1)
      for (it in 1:200) {
        gi <- grad_info(th, n0, n1)
        d <- tryCatch(solve(gi$I, gi$g), error = function(e) NULL)
        if (is.null(d) || !all(is.finite(d))) break
        th <- th + d
        if (abs(th[K]) > SEP_BETA) break
      }
      stopifnot(abs(th[K]) > SEP_BETA, loglik(th, n0, n1) > ll_prev)
      cat(sprintf("%s: separated, Newton reached beta = %.1f with l still increasing\n",
                  case, th[K]))
    }
    add(case, "exact", TRUE, K, N0, N1)
    next
  }
  d <- data.frame(y = factor(rep(c(y, y), c(n0, n1)), levels = y),
                  arm = rep(0:1, c(N0, N1)))
  l0 <- null_loglik(n0, n1)
  if (K >= 3) {
    fit <- polr_tight(d, K)
    ref <- list(source = "polr", beta = unname(coef(fit)), se = sqrt(vcov(fit)[1, 1]),
                zeta = unname(fit$zeta), ll = -fit$deviance / 2)
    ref$lr <- -2 * l0 - fit$deviance
    # Orientation: the raw mRS-like order (smaller = better) gives the opposite sign.
    draw_rev <- data.frame(y = factor(-rep(c(y, y), c(n0, n1)), levels = rev(-y)),
                           arm = d$arm)
    fit_rev <- polr_tight(draw_rev, K)
    stopifnot(abs(coef(fit_rev) + coef(fit)) <= 1e-6 * max(1, abs(coef(fit))))
  } else {
    fit <- glm(y ~ arm, family = binomial, data = transform(d, y = as.integer(y) - 1L),
               control = glm.control(epsilon = 1e-15, maxit = 100))
    stopifnot(fit$converged)
    co <- coef(summary(fit))
    ref <- list(source = "glm", beta = co["arm", 1], se = co["arm", 2],
                zeta = -co["(Intercept)", 1], ll = as.numeric(logLik(fit)),
                lr = fit$null.deviance - fit$deviance)
  }
  ex <- newton(c(ref$zeta, ref$beta), n0, n1)
  exact <- list(beta = ex$theta[K], se = sqrt(ex$V[K, K]), zeta = ex$theta[-K], ll = ex$ll,
                lr = 2 * (ex$ll - l0))
  dev <- c(beta = rel(ref$beta, exact$beta), se = rel(ref$se, exact$se),
           zeta = rel(ref$zeta, exact$zeta), lr = rel(ref$lr, exact$lr))
  cat(sprintf("%s: K = %d, beta = %.6f, %s vs exact max rel diff: %s\n", case, K, exact$beta,
              ref$source, paste(sprintf("%s %.1e", names(dev), dev), collapse = ", ")))
  stopifnot(all(dev <= POLR_TOL[names(dev)]))
  add(case, ref$source, FALSE, K, N0, N1, ref$beta, ref$se, ref$lr, ref$ll, ref$zeta)
  add(case, "exact", FALSE, K, N0, N1, exact$beta, exact$se, exact$lr, exact$ll, exact$zeta)
}
stopifnot(as.numeric(rows[[1]]$beta) > 0)  # TREASURE: MultiStem better -> beta > 0

wr <- function(df, file) {
  write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  cat("wrote", file.path(out_dir, file), nrow(df), "rows\n")
}
wr(do.call(rbind, data_rows), "po_data.csv")
wr(do.call(rbind, rows), "po_ref.csv")

# ---- covariate-adjusted fits: polr(factor(y) ~ arm + covariates) -----------------------
# po and po_lr with [analysis] covariates (sim/analyses/po_fit.c). Patient-level data sets
# drawn from the ordinal model's own mechanism (sim/models/ordinal.c): a Gaussian copula
# between the latent mRS and a standard normal severity s, NIHSS = round(13 + 4 s) clipped
# to 8..20 (whole numbers), age and onset days continuous; mRS from the TREASURE placebo
# cut points shifted by the arm's log odds ratio, y = -mRS. Two sources per case:
#   polr   polr(factor(y) ~ arm + covariates, method = "logistic", Hess = TRUE) with the
#          tightened optimiser above, on the covariates centred at their means (the same
#          model: beta, its SE and gamma are unchanged and zeta_j = zeta_j(centred) +
#          gamma' mean; uncentred, an age near 70 correlates the cutpoints with gamma so
#          strongly that optim stops ~5e-6 short on beta), the LR statistic as anova() of
#          the fits without and with arm (deviance difference). Binary cases (K = 2) by glm.
#   exact  Newton-Raphson on the analytic log-likelihood, gradient and observed
#          information (dense, R arithmetic) from polr's answer to a step below 1e-13, for
#          the full fit and the one without arm; polr agrees with it to POLR_TOL.
# Cases f* have no fit (a constant covariate, collinear covariates, arms separated):
# failed = 1.
#   po_cov_data.csv  case,arm,y,x1,x2,x3: one row per patient, covariates in the order the
#                    analysis gets them (NA beyond the case's count).
#   po_cov_ref.csv   case,source,failed,k,covariates,n0,n1,beta,se,lr,loglik,zeta,gamma
#                    (zeta and gamma ';'-separated; gamma per covariate unit).
set.seed(20240614)
cov_case <- function(n0, n1, log_or, corr, covs, p0 = rev(p_control), binary = FALSE) {
  arm <- rep(0:1, c(n0, n1)); n <- n0 + n1
  s <- rnorm(n)
  z <- corr * s + sqrt(1 - corr^2) * rnorm(n)
  u <- qlogis(pnorm(z)) - log_or * arm        # latent on the logistic scale
  theta <- qlogis(cumsum(p0)[-length(p0)])    # mRS 0..5 cut points
  mrs <- vapply(u, function(v) sum(theta < v), 0)
  y <- if (binary) as.integer(mrs <= 2) else -mrs
  X <- list(nihss = pmin(pmax(round(13 + 4 * s), 8), 20),
            age = round(70 + 10 * rnorm(n) - 3 * s, 1),
            onset = round(runif(n, 20, 90), 2))
  list(arm = arm, y = y, x = as.data.frame(X[covs]))
}
cov_cases <- list(
  c01_treasure_nihss_age = cov_case(102, 104, log(1.67), 0.5, c("nihss", "age")),
  c02_nihss_only = cov_case(103, 103, log(1.67), 0.5, "nihss"),
  c03_three_covariates = cov_case(150, 150, log(1.3), 0.4, c("nihss", "age", "onset")),
  c04_unequal_60_140 = cov_case(60, 140, log(2), 0.6, "nihss"),
  c05_null = cov_case(120, 120, 0, 0.5, c("age", "nihss")),
  c06_binary = cov_case(90, 90, log(1.8), 0.5, c("nihss", "age"), binary = TRUE),
  c07_large_2000 = cov_case(1000, 1000, log(1.5), 0.5, c("nihss", "age")),
  c08_negative_effect = cov_case(80, 80, log(0.6), 0.3, "age"),
  c09_strong_prognosis = cov_case(100, 100, log(1.67), 0.8, "nihss"),
  f01_constant = local({ d <- cov_case(40, 40, log(1.5), 0.5, c("nihss", "age"))
                         d$x$age <- 65; d }),
  f02_collinear = local({ d <- cov_case(40, 40, log(1.5), 0.5, c("nihss", "age"))
                          d$x$age <- 2 * d$x$nihss + 30; d }),
  f03_separated = list(arm = rep(0:1, c(20, 20)), y = rep(c(-4, -1), c(20, 20)),
                       x = data.frame(nihss = rep(c(10, 12, 14, 16), 10)))
)
# theta = (zeta_1..zeta_{k-1}, coefficients of the columns of Z); cat = category 1..k.
cov_terms <- function(th, cat, Z) {
  k <- max(cat); m <- k - 1; P <- length(th); n <- length(cat)
  z <- th[1:m]; eta <- drop(Z %*% th[-(1:m)])
  if (m > 1 && any(diff(z) <= 0)) return(NULL)
  Fa <- ifelse(cat == k, 1, plogis(c(z, 0)[cat] - eta))
  Fb <- ifelse(cat == 1, 0, plogis(c(0, z)[cat] - eta))
  p <- Fa - Fb; fa <- Fa * (1 - Fa); fb <- Fb * (1 - Fb)
  ga <- fa / p; gb <- -fb / p
  haa <- fa * (1 - 2 * Fa) / p - ga^2; hbb <- -fb * (1 - 2 * Fb) / p - gb^2; hab <- -ga * gb
  A <- matrix(0, n, P); B <- matrix(0, n, P)
  A[cbind(which(cat < k), cat[cat < k])] <- 1
  B[cbind(which(cat > 1), cat[cat > 1] - 1)] <- 1
  A[, -(1:m)] <- -Z; B[, -(1:m)] <- -Z
  list(ll = sum(log(p)), g = drop(t(A) %*% ga + t(B) %*% gb),
       I = -(t(A) %*% (haa * A) + t(A) %*% (hab * B) + t(B) %*% (hab * A) + t(B) %*% (hbb * B)))
}
cov_newton <- function(th, cat, Z) {
  for (it in 1:100) {
    tm <- cov_terms(th, cat, Z); d <- solve(tm$I, tm$g)
    h <- 1
    while (is.null(cov_terms(th + h * d, cat, Z)) ||
           cov_terms(th + h * d, cat, Z)$ll < tm$ll - 1e-12 * abs(tm$ll)) h <- h / 2
    th <- th + h * d
    if (max(abs(d)) < 1e-13 * (1 + max(abs(th)))) break
  }
  tm <- cov_terms(th, cat, Z)
  list(theta = th, V = solve(tm$I), ll = tm$ll)
}
cov_rows <- list(); cov_data <- list()
for (case in names(cov_cases)) {
  cs <- cov_cases[[case]]
  K <- ncol(cs$x)
  xs <- lapply(1:3, function(j) if (j <= K) fmt(cs$x[[j]]) else rep("NA", length(cs$y)))
  cov_data[[case]] <- data.frame(case = case, arm = cs$arm, y = fmt(cs$y), x1 = xs[[1]],
                                 x2 = xs[[2]], x3 = xs[[3]])
  n0 <- sum(cs$arm == 0); n1 <- sum(cs$arm == 1)
  levels_y <- sort(unique(cs$y)); k <- length(levels_y)
  na_row <- data.frame(case = case, source = "polr", failed = 1L, k = k, covariates = K,
                       n0 = n0, n1 = n1, beta = "NA", se = "NA", lr = "NA", loglik = "NA",
                       zeta = "NA", gamma = "NA")
  if (startsWith(case, "f")) {
    # The C fit must fail: polr drops an aliased column (or finds no finite MLE).
    cov_rows[[case]] <- na_row
    cat(sprintf("%s: no fit expected\n", case))
    next
  }
  xbar <- colMeans(cs$x)
  d <- data.frame(y = factor(cs$y, levels = levels_y), arm = cs$arm,
                  sweep(cs$x, 2, xbar))
  rhs <- paste(names(cs$x), collapse = " + ")
  if (k >= 3) {
    P <- k - 1 + K + 1
    full <- polr(as.formula(paste("y ~ arm +", rhs)), data = d, method = "logistic",
                 Hess = TRUE, control = POLR_CONTROL(P))
    null <- polr(as.formula(paste("y ~", rhs)), data = d, method = "logistic",
                 control = POLR_CONTROL(P - 1))
    stopifnot(full$convergence == 0, null$convergence == 0)
    beta <- unname(coef(full)["arm"]); se <- sqrt(vcov(full)["arm", "arm"])
    gamma <- unname(coef(full)[names(cs$x)])
    zeta <- unname(full$zeta) + sum(gamma * xbar)
    ll <- -full$deviance / 2
    lr <- null$deviance - full$deviance
    stopifnot(abs(anova(null, full)$`LR stat.`[2] - lr) < 1e-9)
    src <- "polr"
    # The exact MLE (uncentred covariates: the C fit's output scale).
    cat_y <- match(cs$y, levels_y); Xm <- as.matrix(cs$x)
    ex <- cov_newton(c(zeta, gamma, beta), cat_y, cbind(Xm, arm = cs$arm))
    nul0 <- unname(null$zeta) + sum(coef(null)[names(cs$x)] * xbar)
    ex0 <- cov_newton(c(nul0, unname(coef(null)[names(cs$x)])), cat_y, Xm)
    exact <- list(beta = ex$theta[P], se = sqrt(ex$V[P, P]), zeta = ex$theta[1:(k - 1)],
                  gamma = ex$theta[k:(P - 1)], ll = ex$ll, lr = 2 * (ex$ll - ex0$ll))
    dev <- c(beta = rel(beta, exact$beta), se = rel(se, exact$se),
             zeta = rel(zeta, exact$zeta), lr = rel(lr, exact$lr))
    cat(sprintf("  %s polr vs exact: %s\n", case,
                paste(sprintf("%s %.1e", names(dev), dev), collapse = ", ")))
    stopifnot(all(dev <= POLR_TOL[names(dev)]))
    cov_rows[[paste(case, "exact")]] <- data.frame(
      case = case, source = "exact", failed = 0L, k = k, covariates = K, n0 = n0, n1 = n1,
      beta = fmt(exact$beta), se = fmt(exact$se), lr = fmt(exact$lr), loglik = fmt(exact$ll),
      zeta = paste(fmt(exact$zeta), collapse = ";"),
      gamma = paste(fmt(exact$gamma), collapse = ";"))
  } else {
    d$y <- as.integer(d$y) - 1L
    full <- glm(as.formula(paste("y ~ arm +", rhs)), binomial, data = d,
                control = glm.control(epsilon = 1e-15, maxit = 100))
    null <- glm(as.formula(paste("y ~", rhs)), binomial, data = d,
                control = glm.control(epsilon = 1e-15, maxit = 100))
    co <- coef(summary(full))
    beta <- co["arm", 1]; se <- co["arm", 2]
    gamma <- unname(co[names(cs$x), 1]); zeta <- -co["(Intercept)", 1] + sum(gamma * xbar)
    ll <- as.numeric(logLik(full)); lr <- null$deviance - full$deviance
    src <- "glm"
  }
  cat(sprintf("%s: %s, k = %d, K = %d, beta = %.6f (se %.6f), LR %.4f\n", case, src, k, K,
              beta, se, lr))
  cov_rows[[paste(case, src)]] <- data.frame(case = case, source = src, failed = 0L, k = k,
                                 covariates = K, n0 = n0, n1 = n1, beta = fmt(beta),
                                 se = fmt(se), lr = fmt(lr), loglik = fmt(ll),
                                 zeta = paste(fmt(zeta), collapse = ";"),
                                 gamma = paste(fmt(gamma), collapse = ";"))
}
wr(do.call(rbind, cov_data), "po_cov_data.csv")
wr(do.call(rbind, cov_rows), "po_cov_ref.csv")

# ---- simulation: power and size of the Wald and LR tests -------------------------------
# Design: control = TREASURE placebo day-90 mRS (renormalised from 99.9 %), msc by
# proportional odds with OR 1.67 (power) or 1 (size), 150 per arm, REPS trials each,
# analysed with polr on the aggregated counts (weights; the same MLE as per-patient rows,
# default reltol tightened to 1e-10 so decisions are not blurred by convergence error).
# Whitehead (1993, Stat Med 12:2257-2271, eq. 9) for 1:1 allocation: per-arm
#   n = 6 (z_a + z_b)^2 / ((log OR)^2 (1 - sum pbar_k^3)),  pbar = (p_control + p_msc) / 2,
# inverted for power: Phi(sqrt(n (log OR)^2 (1 - sum pbar^3) / 6) - z_a), z_a =
# qnorm(1 - alpha / sides). It is a large-sample, small-effect approximation.
#
# For OR = 1 the formula gives alpha / sides (it has no far tail); only the power design's
# value is compared with simulation.
#
# Recorded run (R 4.2.2, MASS 7.3-58.2, set.seed(20240613), 20000 trials per design,
# 4.6 min), MCSE = sqrt(rate (1 - rate) / REPS), no failed fits:
#   power (OR 1.67): Wald 0.6968 (two-sided 0.05) / 0.6967 (one-sided 0.025), LR 0.6989 /
#                    0.6988, MCSE 0.0033; Whitehead 0.7007.
#   size (OR 1):     Wald 0.0517 / 0.0259, LR 0.0520 / 0.0260, MCSE 0.0016 / 0.0011.
if ("--sim" %in% commandArgs(trailingOnly = TRUE)) {
  REPS <- 20000
  N <- 150
  set.seed(20240613)
  whitehead <- function(or, alpha, sides) {
    pbar <- (p_control + po_probs(p_control, or)) / 2
    pnorm(sqrt(N * log(or)^2 * (1 - sum(pbar^3)) / 6) - qnorm(1 - alpha / sides))
  }
  sim_rows <- list()
  for (design in c("power", "size")) {
    or <- if (design == "power") 1.67 else 1
    p1 <- po_probs(p_control, or)
    z <- lr <- rep(NA_real_, REPS)
    t0 <- proc.time()[["elapsed"]]
    for (r in seq_len(REPS)) {
      n0 <- drop(rmultinom(1, N, p_control)); n1 <- drop(rmultinom(1, N, p1))
      keep <- (n0 + n1) > 0
      dd <- data.frame(y = factor(rep(mrs_y[keep], 2), levels = mrs_y[keep]),
                       arm = rep(0:1, each = sum(keep)), w = c(n0[keep], n1[keep]))
      dd <- dd[dd$w > 0, ]
      fit <- tryCatch(polr(y ~ arm, data = dd, weights = w, Hess = TRUE,
                           control = list(reltol = 1e-10)), error = function(e) NULL)
      if (is.null(fit)) next  # counted as not rejected
      b <- unname(coef(fit))
      z[r] <- b / sqrt(vcov(fit)[1, 1])
      lr[r] <- sign(b) * sqrt(max(0, -2 * null_loglik(n0[keep], n1[keep]) - fit$deviance))
    }
    cat(sprintf("%s: %d fits in %.0f s, %d failed\n", design, REPS,
                proc.time()[["elapsed"]] - t0, sum(is.na(z))))
    for (sides in 2:1) {
      alpha <- if (sides == 2) 0.05 else 0.025
      stat_p <- list(
        wald = if (sides == 2) 2 * pnorm(-abs(z)) else pnorm(z, lower.tail = FALSE),
        lr = if (sides == 2) pchisq(lr^2, 1, lower.tail = FALSE) else
          pnorm(lr, lower.tail = FALSE))
      for (test in names(stat_p)) {
        rej <- sum(!is.na(stat_p[[test]]) & stat_p[[test]] < alpha)
        rate <- rej / REPS
        sim_rows[[length(sim_rows) + 1]] <- data.frame(
          design = design, or = sprintf("%.15g", or), n_per_arm = N,
          alpha = sprintf("%.15g", alpha), sides = sides, test = test, reps = REPS,
          rejections = rej, rate = fmt(rate), mcse = fmt(sqrt(rate * (1 - rate) / REPS)),
          whitehead = fmt(whitehead(or, alpha, sides)))
      }
    }
  }
  print(do.call(rbind, sim_rows))
  wr(do.call(rbind, sim_rows), "po_power_ref.csv")
}
