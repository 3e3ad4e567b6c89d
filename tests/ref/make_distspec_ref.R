# Reference values for tests/test_distspec.c: moments and quantiles of distribution specs
# computed with R's own functions, independently of sim/distspec.c's formulas:
#   - moments by numerical integration, integrate(rel.tol = 1e-13), of x^k times the
#     density; truncated normal densities are scaled on the log scale,
#     exp(dnorm(x, log = TRUE) - log Z), so bounds far in a tail (Z ~ 1e-316) still work;
#   - lognormal moments also by integrate() (not the closed form the C code uses);
#   - quantiles: qnorm/qlnorm for the plain kinds; truncated normals by uniroot() on the
#     truncated CDF (p <= 1/2) or survival function (p > 1/2, against 1 - p) written with
#     pnorm(log.p = TRUE) in the nearer tail; tol 1e-300 and 200 iterations, which
#     converges to within a few ulps of the root;
#   - discrete moments as weighted sums.
# Prints C initializers that are pasted into tests/test_distspec.c (each block there names
# this script). Run: Rscript tests/ref/make_distspec_ref.R   (R 4.2; deterministic)
options(digits = 17)
f17 <- function(x) sprintf("%.17g", x)
cstr <- function(x) ifelse(is.infinite(x), ifelse(x > 0, "INFINITY", "-INFINITY"), f17(x))

# log of the truncated normal mass on standardized [a, b], stable in either tail
log_mass <- function(a, b) {
  if (a > 0) {
    la <- pnorm(a, lower.tail = FALSE, log.p = TRUE)
    lb <- pnorm(b, lower.tail = FALSE, log.p = TRUE)
    la + log(-expm1(lb - la))
  } else if (b < 0) {
    log_mass(-b, -a)
  } else {
    log(pnorm(b) - pnorm(a))
  }
}

tn_case <- function(mu, sd, lo, hi) {
  a <- (lo - mu) / sd; b <- (hi - mu) / sd
  lz <- log_mass(a, b)
  dens <- function(z) exp(dnorm(z, log = TRUE) - lz)
  # integrate over a finite range around the mass: beyond 40 sd of the nearest bound the
  # density is below 1e-300 of its peak
  za <- max(a, if (b < 0) b - 40 else -40); zb <- min(b, if (a > 0) a + 40 else 40)
  mom <- function(k, c = 0) integrate(function(z) (z - c)^k * dens(z), za, zb,
                                      rel.tol = 1e-13, subdivisions = 1000L)$value
  m1 <- mom(1)
  v <- mom(2, m1); m4 <- mom(4, m1)
  list(mean = mu + sd * m1, sd = sd * sqrt(v), var = sd^2 * v, mu4 = sd^4 * m4)
}

tn_quantile <- function(mu, sd, lo, hi, p) {
  a <- (lo - mu) / sd; b <- (hi - mu) / sd
  lz <- log_mass(a, b)
  # P(Z <= z) for p <= 1/2, P(Z > z) against 1 - p above, each from log_mass, which
  # picks the accurate tail itself
  f <- if (p <= 0.5) function(z) exp(log_mass(a, z) - lz) - p
       else function(z) (1 - p) - exp(log_mass(z, b) - lz)
  za <- if (is.finite(a)) a else if (is.finite(b)) b - 60 else -60
  zb <- if (is.finite(b)) b else if (is.finite(a)) a + 60 else 60
  z <- uniroot(f, c(za, zb), tol = 1e-300, maxiter = 200)$root
  mu + sd * z
}

ln_case <- function(ml, sl) {
  dens <- function(x) dlnorm(x, ml, sl)
  up <- qlnorm(1 - 1e-17, ml, sl) * 10
  mom <- function(k, c = 0) integrate(function(x) (x - c)^k * dens(x), 0, Inf,
                                      rel.tol = 1e-13, subdivisions = 1000L)$value
  m1 <- mom(1); v <- mom(2, m1); m4 <- mom(4, m1)
  list(mean = m1, sd = sqrt(v), var = v, mu4 = m4)
}

cat("/* moments: spec, mean, sd, variance, fourth central moment */\n")
tn <- list(c(12, 5, 6, 21), c(40, 15, 0, 49), c(0, 1, 5, Inf), c(-3, 2, -Inf, -20),
           c(0, 1, 38, 39), c(10, 2, -Inf, 9), c(0, 1, -1, Inf), c(2, 3, -Inf, Inf))
for (t in tn) {
  r <- tn_case(t[1], t[2], t[3], t[4])
  spec <- sprintf("truncnormal(%s, %s, %s, %s)", t[1], t[2],
                  ifelse(is.infinite(t[3]), "-inf", t[3]), ifelse(is.infinite(t[4]), "inf", t[4]))
  cat(sprintf("    {\"%s\", %s, %s, %s, %s},\n", spec, f17(r$mean), f17(r$sd), f17(r$var),
              f17(r$mu4)))
}
for (l in list(c(3, 0.25), c(0, 1.5))) {
  r <- ln_case(l[1], l[2])
  cat(sprintf("    {\"lognormal(%s, %s)\", %s, %s, %s, %s},\n", l[1], l[2], f17(r$mean), f17(r$sd),
              f17(r$var), f17(r$mu4)))
}
v <- 0:6; p <- c(0.029, 0.078, 0.118, 0.167, 0.382, 0.196, 0.030)
m <- sum(v * p); vv <- sum(p * (v - m)^2); m4 <- sum(p * (v - m)^4)
cat(sprintf("    {\"discrete(0:0.029, 1:0.078, 2:0.118, 3:0.167, 4:0.382, 5:0.196, 6:0.03)\", %s, %s, %s, %s},\n",
            f17(m), f17(sqrt(vv)), f17(vv), f17(m4)))

cat("/* quantiles: spec, p, q */\n")
ps <- c(1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 1e-10)
for (t in tn) {
  spec <- sprintf("truncnormal(%s, %s, %s, %s)", t[1], t[2],
                  ifelse(is.infinite(t[3]), "-inf", t[3]), ifelse(is.infinite(t[4]), "inf", t[4]))
  for (p in ps)
    cat(sprintf("    {\"%s\", %s, %s},\n", spec, f17(p), f17(tn_quantile(t[1], t[2], t[3], t[4], p))))
}
for (p in ps) cat(sprintf("    {\"normal(40, 15)\", %s, %s},\n", f17(p), f17(qnorm(p, 40, 15))))
for (l in list(c(3, 0.25), c(0, 1.5)))
  for (p in ps)
    cat(sprintf("    {\"lognormal(%s, %s)\", %s, %s},\n", l[1], l[2], f17(p), f17(qlnorm(p, l[1], l[2]))))
