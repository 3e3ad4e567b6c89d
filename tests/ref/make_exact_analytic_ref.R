# make_exact_analytic_ref.R: reference values for the exact analytic powers of welch,
# ancova, chisq and rd_z (tests/test_analytic.c, sim/analytic.c), computed independently of
# mscsim's quadrature (R's integrate(), adaptive Gauss-Kronrod) and enumeration.
#
# Run from the repository root (R >= 4.2, base R only):
#   Rscript tests/ref/make_exact_analytic_ref.R
# It (re)writes tests/ref/exact_analytic_ref.csv, one power per row:
#   id,method,n0,n1,delta,sd0,sd1,covariates,p0,p1,alpha,sides,dropout0,dropout1,power,mcse,
#   source
# Arm 0 is control, arm 1 msc; n0, n1 randomized; "NA" = not applicable. mcse is NA for
# the exact rows, the Monte Carlo SE for the simulated ones (set.seed(20261202)).
#
# Methods:
#   welch_exact   Welch's t test with sample variances s_a^2 ~ sd_a^2 chi^2_{n_a-1}/(n_a-1),
#                 independent of the mean difference D ~ N(delta, sd0^2/n0 + sd1^2/n1): the
#                 rejection probability given both variances is
#                   P(D > c) + P(D < -c),  c = qt(1 - alpha/sides, nu_hat) sqrt(v_hat),
#                 nu_hat the Welch-Satterthwaite df of the sample variances (one-sided:
#                 P(D > c)); integrated over both variances by nested integrate() on their
#                 chi-square probability scales (u_a = pchisq; where integrate() gives up
#                 at the ends, over the chi-square density), rel.tol 1e-10.
#   ancova_exact  lm(y ~ arm + x_1..x_K) with jointly normal covariates: given them the arm t
#                 is noncentral t on n - 2 - K df with ncp = delta / (sd_e sqrt(h (1 + T))),
#                 h = 1/n0 + 1/n1, T = D' W^-1 D = K / (m - K + 1) F, F ~ F(K, m - K + 1),
#                 m = n - 2 (Hotelling's T^2); integrate() over F's probability scale.
#                 (For K = 1 this is make_power_ref.R's integral.)
#   ancova_sim    the same design simulated with lm() (K = 2): checks the Hotelling
#                 derivation itself, not only the quadrature.
#   welch_sim     Welch simulated with t.test(): checks the 2-D conditioning argument.
#   chisq_exact, rd_z_exact  enumeration of both binomials; chisq decided by
#                 chisq.test(correct = FALSE) (prop.test(alternative = "greater") one-sided),
#                 rd_z by the unpooled Wald z; a table the test cannot compute (zero margin,
#                 SE = 0) does not reject.
# Dropout (MCAR): analysed m_a ~ Binomial(n_a, 1 - dropout_a); the power is
#   sum over m0 = 0..n0, m1 = 0..n1 of dbinom(m0) dbinom(m1) power(m0, m1),
# power 0 when an arm has < 2 patients (t tests) or n <= K + 2 (ANCOVA), or is empty
# (proportions); pairs of sizes of probability below 1e-17 are skipped (< 1e-13 in all).

options(warn = 1)
rows <- list()
add <- function(id, method, n0, n1, power, source, delta = NA, sd0 = NA, sd1 = NA,
                covariates = NA, p0 = NA, p1 = NA, alpha = 0.05, sides = 2, dropout0 = 0,
                dropout1 = 0, mcse = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    id = id, method = method, n0 = n0, n1 = n1, delta = delta, sd0 = sd0, sd1 = sd1,
    covariates = covariates, p0 = p0, p1 = p1, alpha = alpha, sides = sides,
    dropout0 = dropout0, dropout1 = dropout1, power = power, mcse = mcse, source = source)
}

mixture <- function(n0, n1, d0, d1, f) {
  total <- 0
  for (m0 in 0:n0) for (m1 in 0:n1) {
    w <- dbinom(m0, n0, 1 - d0) * dbinom(m1, n1, 1 - d1)
    if (w > 1e-17) total <- total + w * f(m0, m1)  # the rest: < 1e-13 in all
  }
  total
}

# ---- Welch --------------------------------------------------------------------------
welch_exact <- function(n0, n1, delta, sd0, sd1, alpha = 0.05, sides = 2) {
  if (n0 < 2 || n1 < 2) return(0)
  t0 <- sd0^2 / n0; t1 <- sd1^2 / n1; sigma <- sqrt(t0 + t1)
  cond <- function(v0, v1) {
    v <- v0 + v1
    w <- ifelse(v > 0, v0 / v, 0.5)  # shares of v: no under- or overflow of v^2
    nu <- 1 / (w^2 / (n0 - 1) + (1 - w)^2 / (n1 - 1))
    c <- qt(1 - alpha / sides, nu) * sqrt(v)
    p <- pnorm((delta - c) / sigma)
    if (sides == 2) p <- p + pnorm((-c - delta) / sigma)
    # u = 1 rounds qchisq to Inf (an infinite SE: no rejection); a set of measure < 1e-16.
    ifelse(is.finite(v), p, 0)
  }
  # One variance's integral, on the chi-square probability scale (smooth for df >= 2 except
  # at the ends) or, where integrate() gives up there, over the chi-square density split at
  # its median (the same integral, another parametrisation).
  one <- function(g, nu) {
    r <- try(integrate(function(u) g(qchisq(u, nu) / nu), 0, 1, rel.tol = 1e-10,
                       subdivisions = 2000L)$value, silent = TRUE)
    if (!inherits(r, "try-error")) return(r)
    med <- qchisq(0.5, nu)
    f <- function(x) g(x / nu) * dchisq(x, nu)
    integrate(f, 0, med, rel.tol = 1e-10, subdivisions = 2000L)$value +
      integrate(f, med, Inf, rel.tol = 1e-10, subdivisions = 2000L)$value
  }
  inner <- function(x0) sapply(x0, function(a) one(function(x1) cond(t0 * a, t1 * x1), n1 - 1))
  one(inner, n0 - 1)
}
welch_src <- "nested integrate() over both sample variances"
for (s in list(c(20, 40, 0.6, 1, 2, 2), c(30, 30, 0.5, 1, 1, 2), c(15, 30, 1, 2, 1, 1),
               c(8, 8, 1.5, 1, 1.5, 2), c(25, 12, 0, 1, 3, 2), c(200, 100, 0.3, 1, 1.4, 2))) {
  add(sprintf("welch_%d_%d_d%g_sd%g_%g_%dsided", s[1], s[2], s[3], s[4], s[5], s[6]),
      "welch_exact", s[1], s[2], welch_exact(s[1], s[2], s[3], s[4], s[5], sides = s[6]),
      welch_src, delta = s[3], sd0 = s[4], sd1 = s[5], sides = s[6])
}
# (Welch with dropout: the mixture of 2-D integrals exceeds mscsim's cost bound at every
# size where it is worth testing; the mixture itself is checked with ANCOVA below.)

# ---- ANCOVA -------------------------------------------------------------------------
ancova_exact <- function(n0, n1, delta, sd_e, K, alpha = 0.05, sides = 2) {
  n <- n0 + n1
  if (n0 < 1 || n1 < 1 || n <= K + 2) return(0)
  m <- n - 2; df <- n - 2 - K; h <- 1 / n0 + 1 / n1
  q <- qt(1 - alpha / sides, df)
  cond <- function(f) {
    ncp <- delta / (sd_e * sqrt(h * (1 + K * f / (m - K + 1))))
    up <- pt(q, df, ncp = ncp, lower.tail = FALSE)
    if (sides == 1) up else up + pt(-q, df, ncp = ncp)
  }
  integrate(function(u) cond(qf(u, K, m - K + 1)), 0, 1, rel.tol = 1e-12,
            subdivisions = 2000L)$value
}
ancova_src <- "integrate() over F(K; n-1-K) of the noncentral t power given the imbalance"
for (s in list(c(30, 30, 0.5, sqrt(0.75), 1, 2), c(20, 40, 0.4, sqrt(0.75), 1, 2),
               c(12, 24, 0.8, 1, 2, 2), c(50, 50, 0.4, 0.8, 2, 1), c(10, 10, 1, 1, 3, 2),
               c(400, 200, 0.2, 1, 1, 2))) {
  add(sprintf("ancova_%d_%d_d%g_sde%.4g_k%d_%dsided", s[1], s[2], s[3], s[4], s[5], s[6]),
      "ancova_exact", s[1], s[2], ancova_exact(s[1], s[2], s[3], s[4], s[5], sides = s[6]),
      ancova_src, delta = s[3], sd0 = s[4], sd1 = s[4], covariates = s[5], sides = s[6])
}
add("mix_ancova_10_10_d1_sde0.8_k1_drop0.1", "ancova_exact", 10, 10,
    mixture(10, 10, 0.1, 0.1, function(m0, m1) ancova_exact(m0, m1, 1, 0.8, 1)),
    paste(ancova_src, "summed over the analysed sizes"), delta = 1, sd0 = 0.8, sd1 = 0.8,
    covariates = 1, dropout0 = 0.1, dropout1 = 0.1)

# ---- Simulations of the two conditioning arguments ----------------------------------
set.seed(20261202)
reps <- 20000
sim_ancova <- function(n0, n1, delta, sd_e, K) {
  arm <- rep(0:1, c(n0, n1))
  rej <- replicate(reps, {
    x <- matrix(rnorm((n0 + n1) * K), ncol = K) %*% chol(matrix(0.3, K, K) + diag(0.7, K))
    y <- delta * arm + x %*% seq_len(K) + rnorm(n0 + n1, 0, sd_e)
    summary(lm(y ~ arm + x))$coefficients["arm", 4] < 0.05
  })
  mean(rej)
}
p <- sim_ancova(12, 24, 0.8, 1, 2)
add("sim_ancova_12_24_d0.8_sde1_k2", "ancova_sim", 12, 24, p,
    "20000 lm() fits; correlated normal covariates (corr 0.3)", delta = 0.8, sd0 = 1, sd1 = 1,
    covariates = 2, mcse = sqrt(p * (1 - p) / reps))
sim_welch <- function(n0, n1, delta, sd0, sd1) {
  mean(replicate(reps, t.test(rnorm(n1, delta, sd1), rnorm(n0, 0, sd0))$p.value < 0.05))
}
p <- sim_welch(8, 8, 1.5, 1, 1.5)
add("sim_welch_8_8_d1.5_sd1_1.5", "welch_sim", 8, 8, p, "20000 t.test() fits",
    delta = 1.5, sd0 = 1, sd1 = 1.5, mcse = sqrt(p * (1 - p) / reps))

# ---- chisq and rd_z: enumeration with the dropout mixture ---------------------------
# Vectorised over all tables of one pair of sizes: chisq by the closed form of Pearson's
# X^2 (checked against chisq.test and prop.test below), rd_z by the unpooled Wald z.
binary_exact <- function(test, n0, n1, p0, p1, alpha = 0.05, sides = 2) {
  if (n0 < 1 || n1 < 1) return(0)
  g <- expand.grid(x0 = 0:n0, x1 = 0:n1)
  x0 <- g$x0; x1 <- g$x1
  if (test == "chisq") {
    ev <- x0 + x1; N <- n0 + n1
    cross <- x1 * (n0 - x0) - x0 * (n1 - x1)
    x2 <- N * cross^2 / (n0 * n1 * ev * (N - ev))
    ok <- ev > 0 & ev < N
    rej <- if (sides == 2) pchisq(x2, 1, lower.tail = FALSE) < alpha
           else pnorm(sign(cross) * sqrt(x2), lower.tail = FALSE) < alpha
  } else {
    q0 <- x0 / n0; q1 <- x1 / n1
    se <- sqrt(q0 * (1 - q0) / n0 + q1 * (1 - q1) / n1)
    z <- (q1 - q0) / se
    ok <- se > 0
    rej <- if (sides == 2) 2 * pnorm(-abs(z)) < alpha else pnorm(z, lower.tail = FALSE) < alpha
  }
  sum((dbinom(x0, n0, p0) * dbinom(x1, n1, p1))[ok & rej])
}
# The closed form is R's test: a few tables, both sides.
for (t in list(c(40, 12, 35, 20), c(17, 3, 33, 14), c(9, 9, 9, 1))) {
  tab <- matrix(c(t[4], t[2], t[3] - t[4], t[1] - t[2]), 2)
  x2 <- unname(chisq.test(tab, correct = FALSE)$statistic)
  N <- t[1] + t[3]; ev <- t[2] + t[4]
  cross <- t[4] * (t[1] - t[2]) - t[2] * (t[3] - t[4])
  stopifnot(abs(x2 - N * cross^2 / (t[1] * t[3] * ev * (N - ev))) < 1e-10 * x2)
  pg <- prop.test(c(t[4], t[2]), c(t[3], t[1]), alternative = "greater",
                  correct = FALSE)$p.value
  stopifnot(abs(pg - pnorm(sign(cross) * sqrt(x2), lower.tail = FALSE)) < 1e-12)
}
for (s in list(list("chisq", 40, 40, 0.3, 0.6, 0.1, 0.1, 2),
               list("rd_z", 40, 40, 0.3, 0.6, 0.15, 0, 1),
               list("chisq", 60, 60, 0.258, 0.4, 0, 0, 2),
               list("rd_z", 25, 50, 0.2, 0.45, 0.2, 0.1, 2))) {
  f <- function(m0, m1) binary_exact(s[[1]], m0, m1, s[[4]], s[[5]], sides = s[[8]])
  add(sprintf("%s_%d_%d_p%g_%g_drop%g_%g_%dsided", s[[1]], s[[2]], s[[3]], s[[4]], s[[5]],
              s[[6]], s[[7]], s[[8]]),
      paste0(s[[1]], "_exact"), s[[2]], s[[3]], mixture(s[[2]], s[[3]], s[[6]], s[[7]], f),
      "enumeration of all analysed sizes and tables with R's tests", p0 = s[[4]], p1 = s[[5]],
      sides = s[[8]], dropout0 = s[[6]], dropout1 = s[[7]])
}

out <- do.call(rbind, rows)
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.15g", x))
out$power <- sprintf("%.17g", out$power)
out$mcse <- ifelse(is.na(out$mcse), "NA", sprintf("%.17g", out$mcse))
for (col in c("delta", "sd0", "sd1", "covariates", "p0", "p1", "alpha", "dropout0",
              "dropout1"))
  out[[col]] <- fmt(out[[col]])
stopifnot(!any(grepl(",", out$source)))  # the CSV is written unquoted
write.csv(out, "tests/ref/exact_analytic_ref.csv", row.names = FALSE, quote = FALSE)
