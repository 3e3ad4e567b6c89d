# Predictive probabilities of final success at an interim look, the reference for
# tests/test_posterior.c (mscsim_predictive_normal, mscsim_predictive_rd). Run from the
# repository root: Rscript tests/ref/make_predictive_ref.R (Debian: r-base-core). Writes
# tests/ref/predictive_normal_ref.csv and tests/ref/predictive_rd_ref.csv.
#
# Normal approximation, computed as a numerical integral (not the closed form the C code
# uses): PP = int p(theta | interim) P(final estimate >= b | theta, interim) dtheta, the
# posterior of theta conjugate normal (flat: N(est, se^2)), the final estimate given theta
# N(t est + (1 - t) theta, (1 - t) t se^2), and the bound b the smallest final estimate that
# succeeds, found by uniroot on the final posterior probability itself (or z_K se_K for the
# test), at rel.tol 1e-13.
post_prob <- function(est, se, m0, s0, thr) {  # P(theta > thr | est), prior N(m0, s0^2) or flat
  if (is.infinite(s0)) return(pnorm(thr, est, se, lower.tail = FALSE))
  w <- 1 / se^2; w0 <- 1 / s0^2
  pnorm(thr, (w * est + w0 * m0) / (w + w0), 1 / sqrt(w + w0), lower.tail = FALSE)
}
final_bound <- function(seK, m0, s0, final_z, thr, prob, mcid, mprob) {
  if (!is.na(final_z)) return(final_z * seK)
  crit <- function(t, p) uniroot(function(e) post_prob(e, seK, m0, s0, t) - p,
                                 c(-1e3, 1e3), tol = 1e-14)$root
  b <- crit(thr, prob)
  if (is.finite(mcid)) b <- max(b, crit(mcid, mprob))
  b
}
pp_normal <- function(est, se, t, m0, s0, final_z, thr, prob, mcid, mprob) {
  seK <- se * sqrt(t)
  b <- final_bound(seK, m0, s0, final_z, thr, prob, mcid, mprob)
  if (is.infinite(s0)) { pm <- est; ps <- se } else {
    w <- 1 / se^2; w0 <- 1 / s0^2; pm <- (w * est + w0 * m0) / (w + w0); ps <- 1 / sqrt(w + w0)
  }
  f <- function(th) dnorm(th, pm, ps) *
    pnorm(b, t * est + (1 - t) * th, sqrt((1 - t) * t) * se, lower.tail = FALSE)
  integrate(f, pm - 12 * ps, pm + 12 * ps, rel.tol = 1e-13, abs.tol = 1e-16,
            subdivisions = 1000)$value
}
nc <- list(
  # est, se, t, prior mean, prior sd, final z (NA: posterior), thr, prob, mcid, mcid prob
  c(2.0, 1.5, 0.5, 0, Inf, 1.959964, 0, 0.975, -Inf, 0.5),
  c(0.5, 2.0, 0.333333, 0, Inf, 2.5, 0, 0.975, -Inf, 0.5),
  c(4.0, 2.0, 0.666667, 0, 10, 1.959964, 0, 0.975, -Inf, 0.5),
  c(3.0, 2.5, 0.5, 0, 5, NA, 1, 0.95, -Inf, 0.5),
  c(3.0, 2.5, 0.5, 0, 5, NA, 1, 0.95, 3, 0.7),
  c(-1.0, 1.2, 0.25, 2, 3, NA, 0, 0.9, 1.5, 0.6),
  c(6.0, 1.0, 0.8, 0, Inf, NA, 0, 0.975, 5, 0.5),
  c(0.1, 0.05, 0.4, 0, 0.2, NA, 0.05, 0.8, -Inf, 0.5),
  c(1.0, 3.0, 0.1, -1, 2, 1.644854, 0, 0.975, -Inf, 0.5))
rows <- lapply(nc, function(v) {
  p <- pp_normal(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10])
  data.frame(estimate = v[1], se = v[2], fraction = v[3], prior_mean = v[4],
             prior_sd = ifelse(is.infinite(v[5]), "inf", v[5]),
             final_z = ifelse(is.na(v[6]), "NA", v[6]), threshold = v[7], probability = v[8],
             mcid = ifelse(is.infinite(v[9]), "-inf", v[9]), mcid_probability = v[10],
             pp = sprintf("%.15g", p))
})
write.csv(do.call(rbind, rows), "tests/ref/predictive_normal_ref.csv", row.names = FALSE,
          quote = FALSE)

# Beta-binomial risk difference: PP = sum over all future event counts y0, y1 of their
# beta-binomial probabilities times 1[the final posterior criteria hold], every final
# posterior P(p1 - p0 > d) by integrate on the control posterior's probability scale (as in
# make_posterior_ref.R). A case is refused when some final posterior lies within 1e-7 of
# its criterion (the indicator would be decided by integration error).
prob_w <- function(a0, b0, a1, b1, d) {
  g <- function(w) pbeta(pmin(pmax(qbeta(w, a0, b0) + d, 0), 1), a1, b1, lower.tail = FALSE)
  cuts <- seq(0, 1, length.out = 41)
  sum(sapply(1:40, function(i) integrate(g, cuts[i], cuts[i + 1], rel.tol = 1e-12,
                                          abs.tol = 1e-17)$value))
}
dbb <- function(y, m, al, be) exp(lchoose(m, y) + lbeta(y + al, m - y + be) - lbeta(al, be))
pp_rd <- function(a, b, n0, x0, n1, x1, m0, m1, thr, prob, mcid, mprob) {
  total <- 0
  for (y0 in 0:m0) for (y1 in 0:m1) {
    A0 <- a + x0 + y0; B0 <- b + n0 + m0 - x0 - y0
    A1 <- a + x1 + y1; B1 <- b + n1 + m1 - x1 - y1
    p <- prob_w(A0, B0, A1, B1, thr)
    if (abs(p - prob) < 1e-7) stop("a final posterior at its criterion")
    ok <- p >= prob
    if (ok && is.finite(mcid)) {
      q <- prob_w(A0, B0, A1, B1, mcid)
      if (abs(q - mprob) < 1e-7) stop("a final posterior at its mcid criterion")
      ok <- q >= mprob
    }
    if (ok) total <- total + dbb(y0, m0, a + x0, b + n0 - x0) * dbb(y1, m1, a + x1, b + n1 - x1)
  }
  total
}
rc <- list(
  # a, b, n0, x0, n1, x1, more0, more1, thr, prob, mcid, mcid prob
  c(1, 1, 20, 5, 20, 9, 20, 20, 0, 0.975, -Inf, 0.5),
  c(1, 1, 15, 4, 15, 4, 15, 15, 0, 0.95, -Inf, 0.5),
  c(0.5, 0.5, 10, 2, 10, 6, 25, 25, 0, 0.9, 0.1, 0.5),
  c(2, 8, 30, 6, 30, 12, 10, 12, 0.05, 0.8, -Inf, 0.5),
  c(1, 1, 12, 3, 12, 7, 0, 5, -0.05, 0.975, 0.1, 0.6),
  c(1, 1, 25, 10, 25, 9, 25, 25, 0, 0.975, -Inf, 0.5))
rows <- lapply(rc, function(v) {
  p <- pp_rd(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12])
  data.frame(a = v[1], b = v[2], n0 = v[3], x0 = v[4], n1 = v[5], x1 = v[6], more0 = v[7],
             more1 = v[8], threshold = v[9], probability = v[10],
             mcid = ifelse(is.infinite(v[11]), "-inf", v[11]), mcid_probability = v[12],
             pp = sprintf("%.15g", p))
})
write.csv(do.call(rbind, rows), "tests/ref/predictive_rd_ref.csv", row.names = FALSE,
          quote = FALSE)
cat(sprintf("%d normal and %d beta-binomial cases\n", length(nc), length(rc)))
