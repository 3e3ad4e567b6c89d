# make_impute_ref.R: reference values for tests/test_impute.c (sim/impute.c).
#
# Run from the repository root (R >= 4.2, base R only; mice is not needed):
#   Rscript tests/ref/make_impute_ref.R
# It prints C initialisers that are pasted verbatim into tests/test_impute.c (which names
# this script beside each block); nothing is written to disk. Deterministic (set.seed).
# Numbers use sprintf("%.17g") (exact round trip) except the data, which are rounded to
# two decimals and printed with "%.2f" (the script checks that this round-trips).
#
# 1. FIXED DATA. n = 40 patients, a baseline and 3 visits, rounded to 0.01; dropout visit
#    d (0, 1, 2, or 3 = complete): the score is missing at visits >= d (monotone).
# 2. REGRESSIONS. For each visit v, lm(s_v ~ baseline + s_0 + ... + s_{v-1}) on the
#    patients observed at v (d > v), which, the pattern being monotone, also have every
#    predictor observed: coef() (intercept first), sigma (= sqrt(SSE / df.residual)),
#    df.residual. These are the beta_hat and sigma_hat of van Buuren's algorithm 3.1.
# 3. POSTERIOR OF VISIT 2 (p = 4). (X'X)^-1 = summary(fit)$cov.unscaled; the SSE; and for
#    every patient missing only at visit 2 (d = 2, so x_i is observed data) the posterior
#    predictive mean x_i' beta_hat and leverage h_i = x_i' (X'X)^-1 x_i. The test checks
#    the draws against E[beta] = beta_hat, Cov(beta) = E[sigma^2] (X'X)^-1,
#    E[y_i] = x_i' beta_hat, Var(y_i) = E[sigma^2] (1 + h_i), with
#    E[sigma^2] = SSE / (nu - 2), nu = n_obs - p (mean of SSE / chi^2_nu).
# 4. RUBIN'S RULES written out in base R, as mice::pool computes them (mice 3.x,
#    R/pool.R: pool.fitlist, barnard.rubin):
#      qbar = mean(q), ubar = mean(u), b = var(q), t = ubar + (1 + 1/m) b,
#      lambda = (1 + 1/m) b / t, dfold = (m - 1) / lambda^2,
#      dfobs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lambda),
#      df = dfold if dfcom is infinite, else dfold * dfobs / (dfold + dfobs)
#    (Barnard & Rubin 1999, Biometrika 86, 948-955, eq. 1.5-1.6; for dfcom = Inf the
#    classic Rubin 1987 nu = (m - 1) (1 + 1/r)^2, r = (1 + 1/m) b / ubar, which equals
#    dfold). Two deliberate departures from mice, shared by sim/impute.c: mice floors
#    lambda at 1e-4 (the cases below all have lambda > 1e-4, so that floor is inactive),
#    and b = 0 gives df = dfcom exactly (mice: dfobs, slightly below dfcom).
# 5. MAR DESIGN. Logistic dropout P(missing | x) = plogis(a + 1.5 x) with x ~ N(0, 1):
#    a solves E[plogis(a + 1.5 X)] = 0.4 (integrate + uniroot). The complete-case mean of
#    y = mu + 0.7 x + sqrt(1 - 0.49) e is then biased by 0.7 E[X | observed], printed too.

options(warn = 1)
set.seed(20240615)
f17 <- function(v) sprintf("%.17g", v)

# ---- 1. fixed data ----------------------------------------------------------------------
n <- 40
base <- round(rnorm(n, 20, 5), 2)
s0 <- round(4 + 0.8 * base + rnorm(n, 0, 3), 2)
s1 <- round(2 + 0.3 * base + 0.6 * s0 + rnorm(n, 0, 2.5), 2)
s2 <- round(1 + 0.2 * base + 0.3 * s0 + 0.5 * s1 + rnorm(n, 0, 2), 2)
d <- rep(3L, n)
d[c(3, 17, 29, 36)] <- 0L
d[c(5, 11, 22, 31, 38)] <- 1L
d[c(2, 8, 14, 20, 26, 33)] <- 2L
dat <- cbind(base, s0, s1, s2)
stopifnot(all(as.numeric(sprintf("%.2f", dat)) == dat))
cat("/* 1. data: baseline, visits 0-2, dropout visit (3 = complete) */\n")
for (i in seq_len(n))
  cat(sprintf("    {%.2f, {%.2f, %.2f, %.2f}, %d},\n", base[i], s0[i], s1[i], s2[i], d[i]))

# ---- 2. regressions ---------------------------------------------------------------------
df <- data.frame(base, s0, s1, s2)
fits <- list(lm(s0 ~ base, df, subset = d > 0),
             lm(s1 ~ base + s0, df, subset = d > 1),
             lm(s2 ~ base + s0 + s1, df, subset = d > 2))
cat("/* 2. lm per visit: n_obs, sigma, coefficients (intercept, baseline, visits) */\n")
for (f in fits) {
  cf <- coef(f)
  cat(sprintf("    {%d, %s, {%s}},\n", length(resid(f)), f17(summary(f)$sigma),
              paste(f17(cf), collapse = ", ")))
}

# ---- 3. posterior of visit 2 ------------------------------------------------------------
f2 <- fits[[3]]
xtxi <- summary(f2)$cov.unscaled
cat("/* 3. visit 2: SSE, (X'X)^-1 row-major */\n")
cat(sprintf("    SSE %s\n", f17(sum(resid(f2)^2))))
for (j in 1:4) cat(sprintf("    {%s},\n", paste(f17(xtxi[j, ]), collapse = ", ")))
cat("/* 3. patients missing only at visit 2: index (0-based), x' beta_hat, h */\n")
for (i in which(d == 2)) {
  x <- c(1, base[i], s0[i], s1[i])
  cat(sprintf("    {%d, %s, %s},\n", i - 1, f17(sum(x * coef(f2))),
              f17(drop(t(x) %*% xtxi %*% x))))
}

# ---- 4. Rubin's rules -------------------------------------------------------------------
pool <- function(q, u, dfcom) {
  m <- length(q)
  qbar <- mean(q); ubar <- mean(u); b <- var(q); t <- ubar + (1 + 1 / m) * b
  if (b == 0) return(c(qbar, t, dfcom))
  lambda <- (1 + 1 / m) * b / t
  stopifnot(lambda > 1e-4)  # mice's floor inactive
  dfold <- (m - 1) / lambda^2
  dfobs <- (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lambda)
  c(qbar, t, if (is.infinite(dfcom)) dfold else dfold * dfobs / (dfold + dfobs))
}
cases <- list(
  list(q = c(1, 2, 3), u = c(1, 1, 1), dfcom = Inf),
  list(q = c(1, 2, 3), u = c(1, 1, 1), dfcom = 10),
  list(q = rnorm(5, 3, 0.2), u = rexp(5) * 0.05, dfcom = Inf),
  list(q = rnorm(20, -1, 0.05), u = 0.01 * (1 + runif(20)), dfcom = 50),
  list(q = rnorm(20, 10, 2), u = rep(0.5, 20), dfcom = 199),
  list(q = c(4, 4, 4, 4), u = c(0.2, 0.3, 0.1, 0.2), dfcom = 30))
cat("/* 4. Rubin: m, dfcom, q[], u[], qbar, T, df */\n")
for (k in cases) {
  r <- pool(k$q, k$u, k$dfcom)
  cat(sprintf("    {%d, %s, {%s}, {%s}, %s, %s, %s},\n", length(k$q),
              ifelse(is.infinite(k$dfcom), "INFINITY", f17(k$dfcom)),
              paste(f17(k$q), collapse = ", "), paste(f17(k$u), collapse = ", "),
              f17(r[1]), f17(r[2]), ifelse(is.infinite(r[3]), "INFINITY", f17(r[3]))))
}

# ---- 5. MAR design ----------------------------------------------------------------------
slope <- 1.5
pmiss <- function(a) integrate(function(x) plogis(a + slope * x) * dnorm(x), -Inf, Inf,
                               rel.tol = 1e-13)$value
a <- uniroot(function(a) pmiss(a) - 0.4, c(-5, 5), tol = 1e-15)$root
ex_obs <- integrate(function(x) x * plogis(a + slope * x, lower.tail = FALSE) * dnorm(x),
                    -Inf, Inf, rel.tol = 1e-13)$value / 0.6
cat("/* 5. MAR: intercept a, P(missing), E[X | observed], complete-case bias 0.7 E[X | obs] */\n")
cat(sprintf("    a %s pmiss %s ex_obs %s cc_bias %s\n", f17(a), f17(pmiss(a)), f17(ex_obs),
            f17(0.7 * ex_obs)))
