# make_power_ref.R: exact power references for the engine test (tests/test_engine.c).
#
# Run from the repository root (R >= 4.2 with the pwr package; r-cran-pwr):
#   Rscript tests/ref/make_power_ref.R
# Optional Monte Carlo cross-checks of the formulas (about a minute):
#   MSCSIM_POWER_SIM=1 Rscript tests/ref/make_power_ref.R
# It (re)writes tests/ref/power_ref.csv, one row per design, with a header row:
#   id,test,model,n_control,n_msc,mean_control,mean_msc,sd,rho,p_control,p_msc,dropout,
#   alpha,sides,power,method
# "NA" marks a column that does not apply (means, sd and rho for binary rows; proportions
# for normal rows). Design values are written with 15 significant digits (0.8, not
# 0.80000000000000004; both read back as the same double), power with 17. method names how
# the row was computed (no commas in it). The CSV cannot carry comments; this header and
# tests/ref/README.md are its provenance. Every power is exact (numerical integration or
# enumeration), not simulated.
#
# Conventions shared with the simulator (sim/analysis_*.c):
# - effect = mean_msc - mean_control (normal) or p_msc - p_control (binary; 1 = event);
# - sides 2 rejects when the two-sided p < alpha; sides 1 tests H1: msc > control;
# - a trial whose analysis cannot be computed (an arm with < 2 analysed patients for the
#   t tests, a zero margin for chisq) counts as not rejected;
# - dropout: each patient independently has no primary outcome with that probability
#   (MCAR), so the analysed arm sizes are m_a ~ Binomial(n_a, 1 - dropout).
#
# Models:
# - normal: y ~ N(mean_arm, sd^2) independently.
# - normal with baseline (ancova rows): within each arm (x, y) bivariate normal with
#   correlation rho and sd(y) = sd; x has the same distribution in both arms
#   (randomisation), so y | x has residual SD sd * sqrt(1 - rho^2). The baseline's own mean
#   and SD do not matter (ANCOVA is invariant to affine changes of x).
# - binary: events ~ Binomial(n_arm, p_arm).

options(warn = 1)
suppressPackageStartupMessages(library(pwr))
out <- file.path("tests", "ref", "power_ref.csv")
if (!dir.exists(dirname(out))) stop("run from the repository root")
alpha <- 0.05
rows <- list()
add <- function(id, test, model, n0, n1, mean0 = NA, mean1 = NA, sd = NA, rho = NA,
                p0 = NA, p1 = NA, dropout = 0, sides = 2, power, method) {
  stopifnot(!grepl("[,\"]", method), power >= 0, power <= 1)
  # Design parameters with 15 digits (the shortest form of literals such as 0.8, which
  # strtod reads back to the same double); power with 17 (round-trip).
  f <- function(v) if (is.na(v)) "NA" else sprintf("%.15g", v)
  rows[[length(rows) + 1]] <<- data.frame(
    id = id, test = test, model = model, n_control = n0, n_msc = n1, mean_control = f(mean0),
    mean_msc = f(mean1), sd = f(sd), rho = f(rho), p_control = f(p0), p_msc = f(p1),
    dropout = f(dropout), alpha = f(alpha), sides = sides, power = sprintf("%.17g", power),
    method = method)
}

# ---- Student's t: noncentral t ----------------------------------------------------------
# Under y ~ N(mu_a, sd^2), T is noncentral t on n0 + n1 - 2 df with ncp
# delta / (sd sqrt(1/n0 + 1/n1)); power = P(T > q) + P(T < -q) (two-sided) or P(T > q).
power_t <- function(n0, n1, delta, sd = 1, sides = 2) {
  if (n0 < 2 || n1 < 2) return(0)  # the analysis fails: not rejected
  df <- n0 + n1 - 2
  ncp <- delta / (sd * sqrt(1 / n0 + 1 / n1))
  q <- qt(alpha / sides, df, lower.tail = FALSE)
  up <- pt(q, df, ncp = ncp, lower.tail = FALSE)
  if (sides == 1) up else up + pt(-q, df, ncp = ncp)
}
student <- list(c(10, 10, 0.8), c(32, 32, 0.5), c(50, 50, 0.3), c(20, 40, 0.5),
                c(33, 67, 0.4), c(25, 25, 0), c(40, 40, 0.2))
for (s in c(lapply(student, c, 2), list(c(30, 30, 0.5, 1)))) {
  n0 <- s[1]; n1 <- s[2]; d <- s[3]; sides <- s[4]
  p_pwr <- pwr.t2n.test(n1 = n0, n2 = n1, d = d, sig.level = alpha,
                        alternative = if (sides == 2) "two.sided" else "greater")$power
  p_nct <- power_t(n0, n1, d, sides = sides)
  # pwr.t2n.test evaluates the same noncentral t expression: agreement to rounding.
  stopifnot(abs(p_pwr - p_nct) < 1e-12)
  add(sprintf("student_%d_%d_%g%s", n0, n1, d, if (sides == 1) "_1sided" else ""),
      "student", "normal", n0, n1, 0, d, 1, 0, sides = sides, power = p_pwr,
      method = "pwr::pwr.t2n.test (equals the noncentral t formula with pt(ncp=) to 1e-12)")
}

# ---- Student's t with MCAR dropout: binomial mixture over analysed arm sizes -------------
power_t_dropout <- function(n0, n1, delta, dropout, sides = 2) {
  keep <- 1 - dropout
  tot <- 0
  for (m0 in 0:n0) for (m1 in 0:n1)
    tot <- tot + dbinom(m0, n0, keep) * dbinom(m1, n1, keep) * power_t(m0, m1, delta, sides = sides)
  tot
}
for (s in list(c(40, 40, 0.5), c(20, 40, 0.5))) {
  add(sprintf("student_%d_%d_%g_drop0.1", s[1], s[2], s[3]), "student", "normal", s[1], s[2],
      0, s[3], 1, 0, dropout = 0.1,
      power = power_t_dropout(s[1], s[2], s[3], 0.1),
      method = paste("exact mixture: sum over m0 ~ Bin(n0;0.9) and m1 ~ Bin(n1;0.9) of",
                     "noncentral t power; 0 when an arm has < 2"))
}

# ---- ANCOVA: unconditional power by integrating over the covariate imbalance ----------
# Conditional on the baselines, the arm coefficient of lm(y ~ arm + x) is normal with
# variance s_e^2 (1/n0 + 1/n1 + (xbar1 - xbar0)^2 / SSx), s_e = sd sqrt(1 - rho^2), SSx the
# pooled within-arm sum of squares of x, and its t statistic is noncentral t on n - 3 df.
# For normal x with common variance s_x^2 in both arms: xbar1 - xbar0 ~
# N(0, s_x^2 (1/n0 + 1/n1)) and SSx ~ s_x^2 chi^2_{n-2}, independent, so
#   (xbar1 - xbar0)^2 / SSx = (1/n0 + 1/n1) Z^2 / chi^2_{n-2} = (1/n0 + 1/n1) F / (n - 2)
# with F = Z^2 / (chi^2_{n-2} / (n - 2)) ~ F(1, n - 2). Hence
#   power = E_F[ P(|t_{n-3}(ncp(F))| > q) ],
#   ncp(F) = delta / (s_e sqrt((1/n0 + 1/n1) (1 + F / (n - 2)))).
# (The same result as O'Brien & Muller 1993 / Shieh 2020 for one normal covariate.)
power_ancova <- function(n0, n1, delta, rho, sd = 1, sides = 2) {
  n <- n0 + n1
  df <- n - 3
  q <- qt(alpha / sides, df, lower.tail = FALSE)
  se <- sd * sqrt(1 - rho^2)
  cond <- function(f) {
    ncp <- delta / (se * sqrt((1 / n0 + 1 / n1) * (1 + f / (n - 2))))
    up <- pt(q, df, ncp = ncp, lower.tail = FALSE)
    if (sides == 1) up else up + pt(-q, df, ncp = ncp)
  }
  # On the probability scale u = pF(f): a smooth integrand on (0, 1), no 1/sqrt(f) spike.
  a <- integrate(function(u) cond(qf(u, 1, n - 2)), 0, 1, rel.tol = 1e-12,
                 subdivisions = 1000L)
  b <- integrate(function(f) cond(f) * df(f, 1, n - 2), 0, Inf, rel.tol = 1e-12,
                 subdivisions = 1000L)
  stopifnot(abs(a$value - b$value) < 1e-9)  # the two parametrisations agree
  a$value
}
for (s in list(c(30, 30, 0.5), c(20, 40, 0.4), c(30, 30, 0))) {
  add(sprintf("ancova_%d_%d_%g", s[1], s[2], s[3]), "ancova", "normal", s[1], s[2], 0, s[3],
      1, 0.5, power = power_ancova(s[1], s[2], s[3], 0.5),
      method = paste("exact: integrate() over F ~ F(1;n-2) of noncentral t power on n-3 df",
                     "with ncp = effect/(sd sqrt(1-rho^2) sqrt((1/n0+1/n1)(1+F/(n-2))))"))
}

# ---- Welch: exact rejection probability by a one-dimensional integral -------------------
# With a common sd, write U = (n0-1) S0^2 / sd^2 ~ chi^2_{n0-1}, V = (n1-1) S1^2 / sd^2 ~
# chi^2_{n1-1}, W = U + V ~ chi^2_{n-2} and B = U / W ~ Beta((n0-1)/2, (n1-1)/2),
# independent of W (and both of the means). Then S0^2/n0 + S1^2/n1 = sd^2 W c(B) with
# c(B) = B / ((n0-1) n0) + (1-B) / ((n1-1) n1), the Welch df nu(B) depends on B only, and
# with h = 1/n0 + 1/n1, Z' = (ybar1 - ybar0) / (sd sqrt(h)) ~ N(lambda, 1),
# lambda = delta / (sd sqrt(h)):
#   two-sided: |T| > q(nu)  <=>  Z'^2 / (W / (n-2)) > q(nu)^2 (n-2) c(B) / h, and
#              Z'^2 / (W / (n-2)) ~ F(1, n-2, ncp = lambda^2) given B;
#   one-sided: T > q(nu)    <=>  Z' / sqrt(W / (n-2)) > q(nu) sqrt((n-2) c(B) / h), a
#              noncentral t(n-2, lambda) given B.
# So the power is a 1-D integral over B of pf / pt: exact up to quadrature, no simulation.
welch_nu <- function(b, n0, n1) {
  v0 <- b / ((n0 - 1) * n0)
  v1 <- (1 - b) / ((n1 - 1) * n1)
  (v0 + v1)^2 / (v0^2 / (n0 - 1) + v1^2 / (n1 - 1))
}
power_welch <- function(n0, n1, delta, sd = 1, sides = 2) {
  n <- n0 + n1
  h <- 1 / n0 + 1 / n1
  lambda <- delta / (sd * sqrt(h))
  cond <- function(b) {
    cb <- b / ((n0 - 1) * n0) + (1 - b) / ((n1 - 1) * n1)
    q <- qt(alpha / sides, welch_nu(b, n0, n1), lower.tail = FALSE)
    if (sides == 2) {
      pf(q^2 * (n - 2) * cb / h, 1, n - 2, ncp = lambda^2, lower.tail = FALSE)
    } else {
      pt(q * sqrt((n - 2) * cb / h), n - 2, ncp = lambda, lower.tail = FALSE)
    }
  }
  a0 <- (n0 - 1) / 2
  a1 <- (n1 - 1) / 2
  # Integrate over the Beta probability scale, where the integrand is smooth.
  integrate(function(u) sapply(qbeta(u, a0, a1), cond), 0, 1, rel.tol = 1e-11,
            subdivisions = 1000L)$value
}
welch_method <- paste("exact: integrate() over B = SS0/(SS0+SS1) ~ Beta((n0-1)/2;(n1-1)/2)",
                      "of the noncentral F (t) rejection probability given the Welch df")
for (s in list(c(30, 30, 0), c(20, 40, 0), c(30, 30, 0.5), c(20, 40, 0.5))) {
  p <- power_welch(s[1], s[2], s[3])
  if (s[3] == 0) stopifnot(abs(p - alpha) < 0.001)  # Welch is approximate: near-nominal here
  add(sprintf("welch_%d_%d_%g", s[1], s[2], s[3]), "welch", "normal", s[1], s[2], 0, s[3], 1,
      0, power = p, method = welch_method)
}

# ---- Binary: enumeration of all outcomes with R's own tests ------------------------------
# power = sum over x0 = 0..n0 and x1 = 0..n1 of dbinom(x0) dbinom(x1) 1{p < alpha}, p from
# chisq.test(correct = FALSE), prop.test(alternative = "greater", correct = FALSE) or
# fisher.test on matrix(c(x1, x0, n1 - x1, n0 - x0), 2); a NaN p (zero margin) rejects
# nothing. Also reports how close any p came to alpha (a p within rounding of alpha would
# make the reference fragile).
closest <- Inf
p_binary <- function(test, x0, n0, x1, n1, sides) {
  tab <- matrix(c(x1, x0, n1 - x1, n0 - x0), 2)
  if (test == "fisher") {
    return(fisher.test(tab, alternative = if (sides == 2) "two.sided" else "greater")$p.value)
  }
  if (sides == 2) return(suppressWarnings(chisq.test(tab, correct = FALSE))$p.value)
  suppressWarnings(prop.test(c(x1, x0), c(n1, n0), alternative = "greater",
                             correct = FALSE))$p.value
}
power_binary <- function(test, n0, n1, p0, p1, sides = 2) {
  tot <- 0
  for (x0 in 0:n0) for (x1 in 0:n1) {
    p <- p_binary(test, x0, n0, x1, n1, sides)
    if (!is.nan(p)) closest <<- min(closest, abs(p - alpha) / alpha)
    if (!is.nan(p) && p < alpha) tot <- tot + dbinom(x0, n0, p0) * dbinom(x1, n1, p1)
  }
  tot
}
binary <- list(c(30, 30, 0.3, 0.6), c(20, 40, 0.2, 0.5), c(40, 40, 0.4, 0.4),
               c(25, 25, 0.1, 0.4))
for (test in c("chisq", "fisher")) {
  for (s in binary) {
    add(sprintf("%s_%d_%d_%g_%g", test, s[1], s[2], s[3], s[4]), test, "binary", s[1], s[2],
        p0 = s[3], p1 = s[4], power = power_binary(test, s[1], s[2], s[3], s[4]),
        method = sprintf("exact enumeration of all tables with %s",
                         if (test == "chisq") "chisq.test(correct=FALSE)" else "fisher.test"))
  }
}
add("chisq_30_30_0.3_0.6_1sided", "chisq", "binary", 30, 30, p0 = 0.3, p1 = 0.6, sides = 1,
    power = power_binary("chisq", 30, 30, 0.3, 0.6, sides = 1),
    method = "exact enumeration of all tables with prop.test(alternative='greater';correct=FALSE)")

# Chisq with MCAR dropout: also enumerate the analysed sizes m_a ~ Bin(n_a, 0.9). The
# ~2.5e5 tables use the closed form of Pearson's X^2 (vectorised), checked here to give the
# same decisions as chisq.test(correct = FALSE) on every table of 16 size pairs.
pearson_reject <- function(x0, m0, x1, m1) {
  N <- m0 + m1
  e <- x0 + x1
  x2 <- N * (x1 * (m0 - x0) - x0 * (m1 - x1))^2 / (m0 * m1 * e * (N - e))
  p <- pchisq(x2, 1, lower.tail = FALSE)
  !is.na(p) & p < alpha
}
for (m0 in 27:30) for (m1 in 27:30) {
  g <- expand.grid(x0 = 0:m0, x1 = 0:m1)
  r <- mapply(function(a, b) {
    p <- p_binary("chisq", a, m0, b, m1, 2)
    !is.nan(p) && p < alpha
  }, g$x0, g$x1)
  stopifnot(identical(r, pearson_reject(g$x0, m0, g$x1, m1)))
}
power_chisq_dropout <- function(n0, n1, p0, p1, dropout) {
  keep <- 1 - dropout
  tot <- 0
  for (m0 in 0:n0) for (m1 in 0:n1) {
    if (m0 == 0 || m1 == 0) next  # an empty arm fails: not rejected
    g <- expand.grid(x0 = 0:m0, x1 = 0:m1)
    w <- dbinom(g$x0, m0, p0) * dbinom(g$x1, m1, p1)
    tot <- tot + dbinom(m0, n0, keep) * dbinom(m1, n1, keep) *
      sum(w[pearson_reject(g$x0, m0, g$x1, m1)])
  }
  tot
}
add("chisq_30_30_0.3_0.6_drop0.1", "chisq", "binary", 30, 30, p0 = 0.3, p1 = 0.6,
    dropout = 0.1, power = power_chisq_dropout(30, 30, 0.3, 0.6, 0.1),
    method = paste("exact enumeration of analysed sizes m ~ Bin(n;0.9) and all tables;",
                   "Pearson X^2 closed form checked against chisq.test(correct=FALSE)"))
cat(sprintf("closest binary p-value to alpha: relative distance %.3g\n", closest))
stopifnot(closest > 1e-9)

res <- do.call(rbind, rows)
write.csv(res, out, row.names = FALSE, quote = FALSE)
cat("wrote", out, nrow(res), "rows\n")

# ---- Optional Monte Carlo cross-checks (MSCSIM_POWER_SIM=1) -----------------------------
# Recorded run (R 4.2.2, set.seed(1); Welch 4e5 trials each, ANCOVA 1e5 via lm.fit;
# z = (simulated - exact) / MCSE, all within +-1.3 MCSE):
#   welch_30_30_0     exact 0.04984  simulated 0.04964  (z = -0.58)
#   welch_20_40_0     exact 0.05007  simulated 0.05050  (z = +1.24)
#   welch_30_30_0.5   exact 0.47734  simulated 0.47773  (z = +0.49)
#   welch_20_40_0.5   exact 0.42838  simulated 0.42754  (z = -1.07)
#   ancova_30_30_0.5  exact 0.58684  simulated 0.58826  (z = +0.91)
#   ancova_20_40_0.4  exact 0.37616  simulated 0.37724  (z = +0.70)
# The Welch sizes are within 0.0002 of alpha = 0.05 (|0.04984 - 0.05|, |0.05007 - 0.05|).
if (Sys.getenv("MSCSIM_POWER_SIM") == "1") {
  set.seed(1)
  R <- 4e5
  sim_welch <- function(n0, n1, delta) {
    y0 <- matrix(rnorm(R * n0), R)
    y1 <- matrix(rnorm(R * n1, delta), R)
    v0 <- apply(y0, 1, var) / n0
    v1 <- apply(y1, 1, var) / n1
    t <- (rowMeans(y1) - rowMeans(y0)) / sqrt(v0 + v1)
    nu <- (v0 + v1)^2 / (v0^2 / (n0 - 1) + v1^2 / (n1 - 1))
    mean(2 * pt(-abs(t), nu) < alpha)
  }
  sim_ancova <- function(n0, n1, delta, rho) {
    hits <- 0
    for (i in seq_len(R)) {
      x <- rnorm(n0 + n1)
      arm <- rep(0:1, c(n0, n1))
      y <- delta * arm + rho * x + sqrt(1 - rho^2) * rnorm(n0 + n1)
      fit <- lm.fit(cbind(1, arm, x), y)
      s2 <- sum(fit$residuals^2) / (n0 + n1 - 3)
      XtX <- crossprod(cbind(1, arm, x))
      se <- sqrt(s2 * solve(XtX)[2, 2])
      hits <- hits + (2 * pt(-abs(fit$coefficients[2] / se), n0 + n1 - 3) < alpha)
    }
    hits / R
  }
  report <- function(id, exact, sim) {
    cat(sprintf("  %-22s exact %.5f  simulated %.5f  (z = %+.2f)\n", id, exact, sim,
                (sim - exact) / sqrt(exact * (1 - exact) / R)))
  }
  cat(sprintf("Monte Carlo checks, %g trials each, set.seed(1):\n", R))
  for (s in list(c(30, 30, 0), c(20, 40, 0), c(30, 30, 0.5), c(20, 40, 0.5)))
    report(sprintf("welch_%d_%d_%g", s[1], s[2], s[3]), power_welch(s[1], s[2], s[3]),
           sim_welch(s[1], s[2], s[3]))
  R <- 1e5
  for (s in list(c(30, 30, 0.5), c(20, 40, 0.4)))
    report(sprintf("ancova_%d_%d_%g", s[1], s[2], s[3]), power_ancova(s[1], s[2], s[3], 0.5),
           sim_ancova(s[1], s[2], s[3], 0.5))
}
