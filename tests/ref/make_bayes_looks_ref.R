# Bayesian rules at interim looks, the reference for tests/test_bayes_looks.c: an
# independent patient-level simulation in R of the normal model (each arm N(mean, 10^2),
# 1:1, no dropout) analysed by Student's t at each look on the first m_k = round(t_k n)
# patients (m_k / 2 per arm), with the rules written out here from their definitions:
#   posterior(q): P(theta > threshold | data) under the analysis prior (conjugate normal on
#     the estimate and SE, flat: N(est, se^2)), efficacy when >= q (and the mcid criterion),
#     futility when < q;
#   predictive(q): the predictive probability of final success, from the score statistic's
#     independent increment: S_K - S_k ~ N(theta (I_K - I_k), I_K - I_k), I = 1 / se^2,
#     I_K = I_k / t_k, integrated over the current posterior of theta in closed form;
#   the last look: the test (one-sided Student p <= the bound's nominal p) or the posterior
#     criteria (rule = posterior).
# Writes tests/ref/bayes_looks_ref.csv: per case the share of trials that succeed at each
# look (reject), stop for futility there, and overall power. Run from the repository root:
# Rscript tests/ref/make_bayes_looks_ref.R (about a minute; r-base-core, r-cran-rpact for
# the O'Brien-Fleming bounds of case obf_posterior_futility).
set.seed(20261202)
reps <- 20000
post_prob <- function(est, se, m0, s0, thr) {
  if (is.infinite(s0)) return(pnorm(thr, est, se, lower.tail = FALSE))
  w <- 1 / se^2; w0 <- 1 / s0^2
  pnorm(thr, (w * est + w0 * m0) / (w + w0), 1 / sqrt(w + w0), lower.tail = FALSE)
}
# The final estimate that just meets the posterior criterion at final SE seK (solved
# linearly: posterior mean - thr = qnorm(p) * posterior sd).
post_bound <- function(seK, m0, s0, thr, p) {
  IK <- 1 / seK^2; w0 <- if (is.infinite(s0)) 0 else 1 / s0^2; m0 <- if (w0 == 0) 0 else m0
  ((thr + qnorm(p) / sqrt(IK + w0)) * (IK + w0) - w0 * m0) / IK
}
predictive <- function(est, se, t, d) {
  Ik <- 1 / se^2; IK <- Ik / t
  if (is.infinite(d$s0)) { m <- est; v <- se^2 } else {
    w0 <- 1 / d$s0^2; v <- 1 / (Ik + w0); m <- v * (Ik * est + w0 * d$m0)
  }
  # S_K = S_k + increment; final estimate = S_K / I_K
  mean_SK <- est * Ik + m * (IK - Ik)
  var_SK <- (IK - Ik) + (IK - Ik)^2 * v
  seK <- 1 / sqrt(IK)
  b <- if (d$rule == "test") d$final_z * seK else {
    x <- post_bound(seK, d$m0, d$s0, d$thr, d$prob)
    if (is.finite(d$mcid)) pmax(x, post_bound(seK, d$m0, d$s0, d$mcid, d$mprob)) else x
  }
  pnorm(b * IK, mean_SK, sqrt(var_SK), lower.tail = FALSE)
}
rule_value <- function(kind, est, se, t, d) {
  if (kind == "posterior") post_prob(est, se, d$m0, d$s0, d$thr) else predictive(est, se, t, d)
}
simulate <- function(d) {
  n <- d$n; half <- n / 2; K <- length(d$looks)
  m <- round(d$looks * n) / 2
  y0 <- matrix(rnorm(reps * half, 0, 10), reps); y1 <- matrix(rnorm(reps * half, d$delta, 10), reps)
  stopped <- rep(FALSE, reps)
  reject <- futile <- numeric(K)
  for (k in 1:K) {
    mk <- m[k]
    a0 <- y0[, 1:mk, drop = FALSE]; a1 <- y1[, 1:mk, drop = FALSE]
    est <- rowMeans(a1) - rowMeans(a0)
    ss <- rowSums((a0 - rowMeans(a0))^2) + rowSums((a1 - rowMeans(a1))^2)
    df <- 2 * mk - 2
    se <- sqrt(ss / df * (2 / mk))
    p <- pt(est / se, df, lower.tail = FALSE)
    if (k < K) {
      eff <- if (d$efficacy == "obf") p <= pnorm(-d$obf[k]) else {
        e <- rule_value(d$efficacy, est, se, d$looks[k], d) >= d$eq
        if (d$efficacy == "posterior" && is.finite(d$mcid))
          e <- e & post_prob(est, se, d$m0, d$s0, d$mcid) >= d$mprob
        e
      }
      fut <- !eff & rule_value(d$futility, est, se, d$looks[k], d) < d$fq
    } else {
      eff <- if (d$rule == "test") p <= pnorm(-d$final_z) else {
        e <- post_prob(est, se, d$m0, d$s0, d$thr) >= d$prob
        if (is.finite(d$mcid)) e <- e & post_prob(est, se, d$m0, d$s0, d$mcid) >= d$mprob
        e
      }
      fut <- rep(FALSE, reps)
    }
    reject[k] <- sum(!stopped & eff) / reps
    futile[k] <- sum(!stopped & fut) / reps
    stopped <- stopped | eff | fut
  }
  list(reject = reject, futile = futile)
}
obf <- rpact::getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1,
                                       typeOfDesign = "asOF",
                                       informationRates = c(0.333333, 0.666667, 1))$criticalValues
base <- list(m0 = 0, s0 = Inf, thr = 0, prob = 0.975, mcid = -Inf, mprob = 0.5)
cases <- list(
  flat_posterior_predictive = modifyList(base, list(n = 100, looks = c(0.5, 1), delta = 4,
    efficacy = "posterior", eq = 0.99, futility = "predictive", fq = 0.1, rule = "test",
    final_z = qnorm(0.975))),
  flat_posterior_predictive_null = modifyList(base, list(n = 100, looks = c(0.5, 1), delta = 0,
    efficacy = "posterior", eq = 0.99, futility = "predictive", fq = 0.1, rule = "test",
    final_z = qnorm(0.975))),
  normal_prior_dual = modifyList(base, list(n = 150, looks = c(0.333333, 0.666667, 1),
    delta = 4, m0 = 0, s0 = 5, thr = 1, prob = 0.95, mcid = 2, mprob = 0.5,
    efficacy = "posterior", eq = 0.995, futility = "predictive", fq = 0.05, rule = "posterior")),
  predictive_efficacy = modifyList(base, list(n = 150, looks = c(0.333333, 0.666667, 1),
    delta = 3, m0 = 0, s0 = 10, prob = 0.975, efficacy = "predictive", eq = 0.95,
    futility = "posterior", fq = 0.3, rule = "posterior")),
  obf_posterior_futility = modifyList(base, list(n = 150, looks = c(0.333333, 0.666667, 1),
    delta = 3, efficacy = "obf", obf = obf, futility = "posterior", fq = 0.2, rule = "test",
    final_z = obf[3])))
rows <- list()
for (name in names(cases)) {
  r <- simulate(cases[[name]])
  K <- length(r$reject)
  rows[[length(rows) + 1]] <- data.frame(case = name, look = c(1:K, 0),
    reject = sprintf("%.6f", c(r$reject, sum(r$reject))),
    futility = sprintf("%.6f", c(r$futile, sum(r$futile))), reps = reps)
  cat(sprintf("%s: power %.4f, futility %.4f\n", name, sum(r$reject), sum(r$futile)))
}
write.csv(do.call(rbind, rows), "tests/ref/bayes_looks_ref.csv", row.names = FALSE, quote = FALSE)
