# Assurance and posterior probability of success, the reference for tests/test_assurance.c.
# Run from the repository root: Rscript tests/ref/make_assurance_ref.R (Debian: r-base-core).
# Writes tests/ref/assurance_ref.csv (case, value). Every value is computed independently
# of mscsim, by numerical integration (R's integrate, QUADPACK) of exact power functions:
#
# t: Student's t test, sd 10 in both arms, 30 + 30 patients, two-sided alpha 0.05; a
#    success is a rejection in favour of msc, P(T > t_{0.975, 58}) under the noncentral t
#    with ncp = delta / (10 sqrt(2 / 30)); assurance = its integral over the design prior on
#    delta (= [msc] mean, [control] mean 0).
# chisq: Pearson's chi-square without continuity correction, 40 + 40 patients, control p
#    0.3; the exact power by enumeration of both binomials (a table with a zero margin
#    fails: no success), a success is X^2 > qchisq(0.95, 1) with msc ahead; assurance = its
#    integral over beta(6, 9) on [msc] p.
# posterior: the normal model (delta 5, sd 10, 30 + 30, Student's estimate and pooled SE,
#    no design prior); success when P(effect > t | data) >= q under the conjugate normal
#    posterior on (estimate, se), and with an mcid the same at (mcid, q2). Given the
#    pooled variance s^2, the estimate is N(delta, 10^2 (2/30)) and success is
#    estimate >= c(se), se = s sqrt(2/30); P(success) = E over 58 s^2 / 100 ~ chisq(58)
#    of P(estimate >= c(se)), an exact one-dimensional integral.
# beta: the binary model, 20 + 20, p 0.3 and 0.55, beta(1, 1) on each arm, success when
#    P(p1 - p0 > 0 | data) >= 0.95: enumeration of all 21 x 21 tables, each posterior
#    probability by integrate of f0(u) P(p1 > u).
rows <- list()
add <- function(case, value) rows[[length(rows) + 1]] <<- data.frame(case = case, value = value)

n <- 30; df <- 2 * n - 2; crit <- qt(0.975, df)
tpow <- function(d) pt(crit, df, ncp = d / (10 * sqrt(2 / n)), lower.tail = FALSE)
assure <- function(dens, lo, hi) integrate(function(d) tpow(d) * dens(d), lo, hi, rel.tol = 1e-10)$value
add("t_normal_5_3", assure(function(d) dnorm(d, 5, 3), -Inf, Inf))
add("t_uniform_0_8", assure(function(d) dunif(d, 0, 8), 0, 8))
tn <- function(d) dnorm(d, 4, 4) / pnorm(0, 4, 4, lower.tail = FALSE)
add("t_truncnormal_4_4_0_inf", assure(tn, 0, Inf))

m <- 40; crit2 <- qchisq(0.95, 1)
chipow <- function(p1, p0 = 0.3) {
  x <- 0:m
  w <- outer(dbinom(x, m, p0), dbinom(x, m, p1))
  rej <- outer(x, x, function(x0, x1) {
    pbar <- (x0 + x1) / (2 * m)
    x2 <- ((x1 - x0) / m)^2 / (pbar * (1 - pbar) * (2 / m))
    ok <- pbar > 0 & pbar < 1
    ifelse(ok, x2 > crit2 & x1 > x0, FALSE)
  })
  sum(w * rej)
}
add("chisq_beta_6_9", integrate(function(p) sapply(p, chipow) * dbeta(p, 6, 9), 0, 1,
                                 rel.tol = 1e-10)$value)

se_of <- function(s) s * sqrt(2 / n)
psucc <- function(cut) integrate(function(u) {
  s <- sqrt(u * 100 / df)
  pnorm(cut(se_of(s)), 5, 10 * sqrt(2 / n), lower.tail = FALSE) * dchisq(u, df)
}, 0, Inf, rel.tol = 1e-10)$value
# Flat prior: estimate >= t + qnorm(q) se.
add("posterior_flat_0_0.975", psucc(function(se) 0 + qnorm(0.975) * se))
# Normal prior N(m0, tau^2): posterior mean v (m0 / tau^2 + est / se^2), v = 1 / (1/tau^2 +
# 1/se^2); P(effect > t) >= q  <=>  est >= se^2 ((t + qnorm(q) sqrt(v)) / v - m0 / tau^2).
cut_normal <- function(m0, tau, t, q) function(se) {
  v <- 1 / (1 / tau^2 + 1 / se^2)
  se^2 * ((t + qnorm(q) * sqrt(v)) / v - m0 / tau^2)
}
add("posterior_normal_0_5_2_0.9", psucc(cut_normal(0, 5, 2, 0.9)))
# Dual criterion: both cuts.
dual <- function(se) pmax(cut_normal(0, 10, 0, 0.975)(se), cut_normal(0, 10, 3, 0.5)(se))
add("posterior_dual_0_10_mcid_3", psucc(dual))

k <- 20
prd <- function(x0, x1) {
  a0 <- 1 + x0; b0 <- 1 + k - x0; a1 <- 1 + x1; b1 <- 1 + k - x1
  integrate(function(u) dbeta(u, a0, b0) * pbeta(u, a1, b1, lower.tail = FALSE), 0, 1,
            rel.tol = 1e-12)$value
}
x <- 0:k
succ <- outer(x, x, Vectorize(function(x0, x1) prd(x0, x1) >= 0.95))
add("beta_1_1_0.95", sum(outer(dbinom(x, k, 0.3), dbinom(x, k, 0.55)) * succ))

out <- do.call(rbind, rows)
write.csv(out, "tests/ref/assurance_ref.csv", row.names = FALSE, quote = FALSE)
print(out, digits = 15)
