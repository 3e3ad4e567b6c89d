# Posterior probabilities of a risk difference under independent beta priors, the reference
# for tests/test_posterior.c. Run from the repository root: Rscript tests/ref/make_posterior_ref.R
# (Debian: r-base-core). P(p1 - p0 > d | data) by R's integrate (QUADPACK) at rel.tol 1e-12
# on the control posterior's probability scale, checked against the density form where
# QUADPACK takes it, and, where the msc posterior's first shape is a whole number and
# d = 0, by the closed form of the same probability as a finite sum (Evan Miller's formula,
# P(p1 > p0) = sum_{i=0}^{A1-1} B(A0 + i, B0 + B1) / ((B1 + i) B(1 + i, B1) B(A0, B0))) to
# check the integration itself. Writes tests/ref/posterior_ref.csv.
# Primary: on the control posterior's probability scale, a bounded integrand,
#   P = int_0^1 S1(Q0(w) + d) dw,
# on 400 panels (so a step near w = 0 or 1 is not missed).
prob_w <- function(a0, b0, a1, b1, d) {
  g <- function(w) pbeta(pmin(pmax(qbeta(w, a0, b0) + d, 0), 1), a1, b1, lower.tail = FALSE)
  cuts <- seq(0, 1, length.out = 401)
  sum(sapply(1:400, function(i) integrate(g, cuts[i], cuts[i + 1], rel.tol = 1e-12,
                                            abs.tol = 1e-17)$value))
}
# Check: the density form f0(u) S1(u + d) on panels of equal control mass, where QUADPACK
# accepts every panel (NA where a singular density at an end defeats it).
prob_u <- function(a0, b0, a1, b1, d) {
  below <- if (d < 0) pbeta(-d, a0, b0) else 0
  lo <- max(0, -d); hi <- min(1, 1 - d)
  cuts <- sort(unique(c(lo, qbeta(seq(0, 1, length.out = 201)[2:200], a0, b0), hi)))
  cuts <- cuts[cuts >= lo & cuts <= hi]
  f <- function(u) dbeta(u, a0, b0) * pbeta(u + d, a1, b1, lower.tail = FALSE)
  tryCatch(below + sum(sapply(seq_len(length(cuts) - 1), function(i)
    integrate(f, cuts[i], cuts[i + 1], rel.tol = 1e-12, abs.tol = 1e-17)$value)),
    error = function(e) NA)
}
closed <- function(A0, B0, A1, B1) {
  i <- 0:(A1 - 1)
  sum(exp(lbeta(A0 + i, B0 + B1) - log(B1 + i) - lbeta(1 + i, B1) - lbeta(A0, B0)))
}
priors <- list(c(1, 1), c(0.5, 0.5), c(2, 8))
designs <- list(c(10, 3, 10, 6), c(50, 12, 50, 20), c(300, 75, 300, 96), c(2000, 520, 2000, 560),
                c(30, 0, 30, 2), c(40, 40, 40, 38), c(103, 10, 103, 12))
rows <- list()
checked <- 0
for (pr in priors) for (ds in designs) for (d in c(-0.1, 0, 0.05, 0.2)) {
  a0 <- pr[1] + ds[2]; b0 <- pr[2] + ds[1] - ds[2]
  a1 <- pr[1] + ds[4]; b1 <- pr[2] + ds[3] - ds[4]
  p <- prob_w(a0, b0, a1, b1, d)
  pu <- prob_u(a0, b0, a1, b1, d)
  if (!is.na(pu) && abs(p - pu) > 1e-10) stop(sprintf("the two integrations differ: %.12g vs %.12g", p, pu))
  checked <- checked + !is.na(pu)
  if (d == 0 && a1 == round(a1)) {
    q <- closed(a0, b0, a1, b1)
    if (abs(p - q) > 1e-10) stop(sprintf("integrate and the closed form differ: %g vs %g", p, q))
  }
  rows[[length(rows) + 1]] <- data.frame(a = pr[1], b = pr[2], n0 = ds[1], x0 = ds[2],
                                         n1 = ds[3], x1 = ds[4], threshold = d,
                                         p = sprintf("%.15g", p))
}
cat(sprintf("%d cases, %d checked by the density form\n", length(rows), checked))
write.csv(do.call(rbind, rows), "tests/ref/posterior_ref.csv", row.names = FALSE, quote = FALSE)
