# make_refmi_ref.R: reference values for the reference-based imputation of
# sim/trial/impute_reference.c, checked in tests/test_impute.c. No R package implements it
# here (mice has no reference-based methods), so this script is an independent
# implementation of Carpenter, Roger & Kenward (2013, J Biopharm Stat 23:1352-1371,
# section 4.3), written from the paper: the joint covariance of each method is built
# explicitly (for J2R and CIR through the precision matrix, as the paper does) and the
# conditional distributions are taken from its blocks; the C code takes a shortcut (the
# reference's own conditional), so agreement checks the algebra too.
#
# Run from the repository root (base R only): Rscript tests/ref/make_refmi_ref.R
# Writes, deterministic (set.seed), numbers with %.17g:
#   tests/ref/refmi_data.csv   arm (0 control, 1 msc), patient, baseline, y1, y2, y3 (NA
#                              once missing: monotone dropout), 50 + 50 patients;
#   tests/ref/refmi_model.csv  per arm the joint normal of visits 1..3 given the baseline at
#                              the least-squares estimates: mean m0 + m1 b (m0, m1) and
#                              covariance sigma (row-major), ';'-separated;
#   tests/ref/refmi_cond.csv   per msc patient with a missing visit and per method (mar,
#                              jump_to_reference, copy_reference, copy_increments), the
#                              dropout visit k (0-based), the conditional mean and covariance
#                              of visits k..3 given visits before k and the baseline;
#   tests/ref/refmi_pool.csv   per method, over M = 20000 proper imputations drawn here
#                              (sequential Bayesian regression draws per arm, as van Buuren
#                              algorithm 3.1, then the method's conditional draw), the mean and
#                              variance of the estimate msc - control mean of the completed
#                              visit 3.
#
# MODEL. Per arm, visit v regressed on (1, baseline, visits before v) over the patients
# observed at v: y = c + B y + e, so the joint normal given b has mean (I - B)^-1 (c0 + c1 b)
# and covariance (I - B)^-1 diag(s^2) (I - B)^-T.
# METHODS (own arm a = msc, reference r = control; pre = visits before dropout visit k):
#   mar  mean mu_a, Sigma_a;
#   j2r  mean mu_a before k, mu_r from k; Sigma with precision
#        [[S_a11^-1 + R_r12 R_r22^-1 R_r21, R_r12], [R_r21, R_r22]], R_r = Sigma_r^-1;
#   cr   mean mu_r everywhere, Sigma_r;
#   cir  mean mu_a before k, mu_a[k-1] + mu_r[t] - mu_r[k-1] from k (mu_r when k = 0); Sigma
#        as j2r.
options(warn = 1)
set.seed(20261202)
f17 <- function(v) sprintf("%.17g", v)
out <- "tests/ref"

V <- 3
n <- 50
make_arm <- function(arm) {
  b <- round(runif(n, 0, 49), 2)
  e <- matrix(rnorm(n * V), n, V)
  y <- matrix(0, n, V)
  gain <- c(6, 11, 14) * (1 + 0.35 * arm)
  y[, 1] <- b + gain[1] + 3 * e[, 1]
  y[, 2] <- b + gain[2] + 0.6 * (y[, 1] - b - gain[1]) + 3.5 * e[, 2]
  y[, 3] <- b + gain[3] + 0.7 * (y[, 2] - b - gain[2]) + 4 * e[, 3]
  y <- round(y, 2)
  d <- rep(V, n)              # dropout visit 0..V-1, or V = complete
  drop <- sample(n, 15)
  d[drop] <- sample(0:(V - 1), 15, replace = TRUE, prob = c(0.2, 0.4, 0.4))
  for (i in seq_len(n)) if (d[i] < V) y[i, (d[i] + 1):V] <- NA
  data.frame(arm = arm, patient = seq_len(n), baseline = b, y1 = y[, 1], y2 = y[, 2],
             y3 = y[, 3], d = d)
}
dat <- rbind(make_arm(0), make_arm(1))
write.csv(dat[, 1:6], file.path(out, "refmi_data.csv"), row.names = FALSE, na = "NA",
          quote = FALSE)

# Regression of visit v (1-based) within arm data x: design and response.
design <- function(x, v) {
  obs <- !is.na(x[[paste0("y", v)]])
  X <- cbind(1, x$baseline[obs])
  if (v > 1) X <- cbind(X, as.matrix(x[obs, paste0("y", seq_len(v - 1)), drop = FALSE]))
  list(X = X, y = x[[paste0("y", v)]][obs])
}
# The joint normal from coefficient vectors coefs[[v]] (intercept, baseline, earlier
# visits) and residual variances s2[v].
compose <- function(coefs, s2) {
  Bm <- matrix(0, V, V); c0 <- c1 <- numeric(V)
  for (v in 1:V) {
    c0[v] <- coefs[[v]][1]; c1[v] <- coefs[[v]][2]
    if (v > 1) Bm[v, 1:(v - 1)] <- coefs[[v]][-(1:2)]
  }
  A <- solve(diag(V) - Bm)
  list(m0 = drop(A %*% c0), m1 = drop(A %*% c1), S = A %*% diag(s2) %*% t(A))
}
fit_arm <- function(x, draw = FALSE) {
  coefs <- list(); s2 <- numeric(V)
  for (v in 1:V) {
    dz <- design(x, v)
    XtX <- crossprod(dz$X)
    bh <- solve(XtX, crossprod(dz$X, dz$y))
    sse <- sum((dz$y - dz$X %*% bh)^2)
    nu <- nrow(dz$X) - ncol(dz$X)
    if (draw) {
      s2[v] <- sse / rchisq(1, nu)
      coefs[[v]] <- drop(bh + t(chol(s2[v] * solve(XtX))) %*% rnorm(ncol(dz$X)))
    } else {
      s2[v] <- sse / nu
      coefs[[v]] <- drop(bh)
    }
  }
  compose(coefs, s2)
}
arm_data <- function(a) dat[dat$arm == a, ]

# The method's mean and joint covariance for a patient (baseline b, dropout visit k, 0-based).
method_joint <- function(method, own, ref, b, k) {
  mo <- own$m0 + own$m1 * b; mr <- ref$m0 + ref$m1 * b
  pre <- seq_len(k); post <- if (k < V) (k + 1):V else integer(0)
  precision_mix <- function() {
    if (k == 0) return(ref$S)
    R <- solve(ref$S)
    P <- R
    P[pre, pre] <- solve(own$S[pre, pre, drop = FALSE]) +
      R[pre, post, drop = FALSE] %*% solve(R[post, post, drop = FALSE]) %*% R[post, pre, drop = FALSE]
    solve(P)
  }
  switch(method,
    mar = list(mu = mo, S = own$S),
    jump_to_reference = list(mu = c(mo[pre], mr[post]), S = precision_mix()),
    copy_reference = list(mu = mr, S = ref$S),
    copy_increments = list(mu = c(mo[pre], if (k == 0) mr[post] else mo[k] + mr[post] - mr[k]),
                           S = precision_mix()))
}
conditional <- function(j, x, k) {
  pre <- seq_len(k); post <- (k + 1):V
  if (k == 0) return(list(mean = j$mu, cov = j$S))
  A <- j$S[post, pre, drop = FALSE] %*% solve(j$S[pre, pre, drop = FALSE])
  list(mean = drop(j$mu[post] + A %*% (x - j$mu[pre])),
       cov = j$S[post, post, drop = FALSE] - A %*% j$S[pre, post, drop = FALSE])
}

models <- list(fit_arm(arm_data(0)), fit_arm(arm_data(1)))
write.csv(data.frame(arm = 0:1,
                     m0 = sapply(models, function(m) paste(f17(m$m0), collapse = ";")),
                     m1 = sapply(models, function(m) paste(f17(m$m1), collapse = ";")),
                     sigma = sapply(models, function(m) paste(f17(t(m$S)), collapse = ";"))),
          file.path(out, "refmi_model.csv"), row.names = FALSE, quote = FALSE)

methods <- c("mar", "jump_to_reference", "copy_reference", "copy_increments")
msc <- arm_data(1)
rows <- list()
for (i in seq_len(nrow(msc))) {
  k <- msc$d[i]
  if (k >= V) next
  x <- as.numeric(msc[i, paste0("y", seq_len(k))])
  for (m in methods) {
    cd <- conditional(method_joint(m, models[[2]], models[[1]], msc$baseline[i], k), x, k)
    rows[[length(rows) + 1]] <- data.frame(patient = msc$patient[i], method = m, k = k,
      mean = paste(f17(cd$mean), collapse = ";"), cov = paste(f17(t(cd$cov)), collapse = ";"))
  }
}
write.csv(do.call(rbind, rows), file.path(out, "refmi_cond.csv"), row.names = FALSE,
          quote = FALSE)

# Proper imputations: parameters drawn per arm, then each missing patient's visits from the
# method's conditional (control patients: mar from their own arm).
impute_once <- function(method) {
  dr <- list(fit_arm(arm_data(0), TRUE), fit_arm(arm_data(1), TRUE))
  last <- numeric(0)
  for (a in 0:1) {
    x <- arm_data(a)
    y3 <- x$y3
    for (i in which(x$d < V)) {
      k <- x$d[i]
      pre <- as.numeric(x[i, paste0("y", seq_len(k))])
      j <- method_joint(if (a == 0) "mar" else method, dr[[a + 1]], dr[[1]], x$baseline[i], k)
      cd <- conditional(j, pre, k)
      draw <- cd$mean + drop(t(chol(cd$cov)) %*% rnorm(length(cd$mean)))
      y3[i] <- draw[length(draw)]
    }
    last[a + 1] <- mean(y3)
  }
  last[2] - last[1]
}
M <- 20000
pool <- do.call(rbind, lapply(methods, function(m) {
  est <- replicate(M, impute_once(m))
  data.frame(method = m, imputations = M, mean = f17(mean(est)), var = f17(var(est)))
}))
write.csv(pool, file.path(out, "refmi_pool.csv"), row.names = FALSE, quote = FALSE)
print(pool)
