# MMRM and cLDA references for tests/test_mmrm.c (sim/longitudinal/mmrm.c). Run from the
# repository root: Rscript tests/ref/make_mmrm_ref.R (Debian: r-base-core r-cran-nlme
# r-cran-mass). Deterministic (fixed seed). Writes
#   tests/ref/mmrm_data.csv  dataset,patient,arm,baseline,visit_index,y  (missing visits are
#                            absent rows; visit_index 1..V)
#   tests/ref/mmrm_ref.csv   one row per dataset, model and visit: the arm effect at that
#                            visit, its SE, the REML log-likelihood, Satterthwaite df (observed
#                            and expected information), nlme's df N - p, Sigma (row-major,
#                            ';'-separated, %.17g), all at the polished REML maximum (below);
#                            and gls's own estimate, SE and log-likelihood (*_gls), and the
#                            largest gradient entry x its standard error at the polished point.
# Models, fitted by nlme::gls with REML and tight tolerances (optimiser "optim": the default
# nlminb stops ~5e-6 short in the estimate), then polished by three Newton steps on the dense
# REML log-likelihood below (nlme's own convergence leaves ~1e-7 relative in Sigma):
#   mmrm  y ~ visit * arm + visit * baseline, corSymm(~ visit_index | patient),
#         varIdent(~ 1 | visit): unstructured Sigma over the post-baseline visits.
#   clda  the baseline as the response at visit 0 (visit_index 1 in the gls data, the
#         post-baseline visits shifted by one), mean: one column per visit plus arm at each
#         post-baseline visit (a common baseline mean for both arms); unstructured Sigma over
#         baseline and all visits. The effect at visit v is the arm coefficient there.
# Satterthwaite df = 2 f^2 / (g' A g), f = var(effect), computed here independently of
# nlme's and mmrm.c's algebra: the REML log-likelihood and f are evaluated densely (the
# marginal covariance, patient by patient) as functions of the distinct entries of Sigma; g is their
# numerical gradient and A the inverse of the numerical Hessian of -loglik (observed
# information), both by central differences with one Richardson step; the expected
# information 1/2 tr(P V_j P V_k) is computed densely from its formula.
suppressMessages({library(nlme); library(MASS)})
set.seed(20261201)

# n patients, V visits; alloc = P(arm = 1); slope = baseline effect; dropout: "mar"
# (monotone, more likely after a poor visit), "mcar" (intermittent, prob miss), "none".
simulate <- function(id, n, V, alloc, slope, dropout, miss) {
  arm <- rbinom(n, 1, alloc)
  arm[1:2] <- c(0, 1)
  base <- rnorm(n, 40, 8)
  sd <- seq(6, 9, length.out = V)
  R <- 0.6^abs(outer(1:V, 1:V, "-"))
  S <- diag(sd) %*% R %*% diag(sd)
  mu <- outer(rep(1, n), 2 * (1:V)) + outer(arm, 1.5 * (1:V)) + slope * (base - 40)
  y <- mu + mvrnorm(n, rep(0, V), S)
  obs <- matrix(TRUE, n, V)
  for (i in 1:n) {
    if (dropout == "mar") {
      for (v in 2:V) if (!obs[i, v - 1] || runif(1) < plogis(-2.5 - 0.08 * (y[i, v - 1] - mu[i, v - 1])))
        obs[i, v] <- FALSE
    } else if (dropout == "mcar") {
      obs[i, ] <- runif(V) > miss
      if (!any(obs[i, ])) obs[i, 1] <- TRUE
    } else if (dropout == "few" && runif(1) < miss) {
      obs[i, sample(V, 1)] <- FALSE
    }
  }
  rows <- which(obs, arr.ind = TRUE)
  rows <- rows[order(rows[, 1], rows[, 2]), , drop = FALSE]
  data.frame(dataset = id, patient = rows[, 1], arm = arm[rows[, 1]], baseline = base[rows[, 1]],
             visit_index = rows[, 2], y = y[rows])
}

datasets <- list(
  simulate(1, 100, 3, 0.5, 0.5, "mar", 0),
  simulate(2, 60, 4, 0.5, 0.4, "mcar", 0.15),
  simulate(3, 40, 2, 0.5, 0.6, "mar", 0),
  simulate(4, 90, 3, 2 / 3, 0.5, "mar", 0),
  simulate(5, 80, 3, 0.5, 2.5, "mar", 0),
  simulate(6, 120, 5, 0.5, 0.5, "few", 0.05))

ctrl <- glsControl(maxIter = 500, msMaxIter = 500, tolerance = 1e-12, msTol = 1e-14, opt = "optim",
                   returnObject = FALSE)

# The unstructured covariance of a gls fit, V x V, in visit order.
gls_sigma <- function(fit, V) {
  cs <- coef(fit$modelStruct$corStruct, unconstrained = FALSE)
  Rm <- diag(V)
  Rm[lower.tri(Rm)] <- cs  # corSymm lists (1,2), (1,3), ..., column-major lower triangle
  Rm <- t(Rm)
  Rm[lower.tri(Rm)] <- t(Rm)[lower.tri(Rm)]
  w <- coef(fit$modelStruct$varStruct, unconstrained = FALSE, allCoef = TRUE)
  s <- fit$sigma * w[as.character(1:V)]
  diag(s) %*% Rm %*% diag(s)
}

# REML pieces at Sigma for data d (visit_index 1..V) and fixed-effects design X, patient by
# patient (the marginal covariance is block diagonal): log-likelihood, C = (X'WX)^-1 and, if
# asked, the N x N projection P = W - W X C X' W.
dense <- function(Sigma, d, X, want_P = FALSE) {
  N <- nrow(d)
  blocks <- split(seq_len(N), d$patient)
  Wb <- lapply(blocks, function(r) solve(Sigma[d$visit_index[r], d$visit_index[r], drop = FALSE]))
  logdetV <- sum(sapply(blocks, function(r) determinant(Sigma[d$visit_index[r], d$visit_index[r], drop = FALSE])$modulus))
  WX <- X; Wy <- d$y
  for (b in seq_along(blocks)) {
    r <- blocks[[b]]
    WX[r, ] <- Wb[[b]] %*% X[r, , drop = FALSE]
    Wy[r] <- Wb[[b]] %*% d$y[r]
  }
  XWX <- crossprod(X, WX)
  C <- solve(XWX)
  beta <- C %*% crossprod(X, Wy)
  res <- d$y - X %*% beta
  Wr <- Wy - WX %*% beta
  ll <- -0.5 * ((N - ncol(X)) * log(2 * pi) + logdetV + determinant(XWX)$modulus + sum(res * Wr))
  P <- NULL
  if (want_P) {
    P <- -WX %*% C %*% t(WX)
    for (b in seq_along(blocks)) { r <- blocks[[b]]; P[r, r] <- P[r, r] + Wb[[b]] }
  }
  list(ll = as.numeric(ll), C = C, P = P, blocks = blocks, beta = beta)
}

# The distinct entries of Sigma, (1,1), (1,2), ..., (1,V), (2,2), ...: row by row, upper
# triangle (the order mmrm.c uses) <-> Sigma.
pairs_of <- function(V) {
  ij <- which(upper.tri(diag(V), diag = TRUE), arr.ind = TRUE)
  ij[order(ij[, 1], ij[, 2]), , drop = FALSE]
}
sigma_of <- function(theta, V) {
  ij <- pairs_of(V)
  S <- matrix(0, V, V)
  S[ij] <- theta
  S[ij[, 2:1, drop = FALSE]] <- theta
  S
}

# Central differences with one Richardson step (error O(h^4)).
num_grad <- function(f, x, h) {
  sapply(seq_along(x), function(j) {
    d <- function(hh) { e <- replace(numeric(length(x)), j, hh); (f(x + e) - f(x - e)) / (2 * hh) }
    (4 * d(h[j] / 2) - d(h[j])) / 3
  })
}
num_hess <- function(f, x, h) {
  k <- length(x)
  H <- matrix(0, k, k)
  for (j in 1:k) for (l in j:k) {
    d <- function(s) {
      ej <- replace(numeric(k), j, s * h[j]); el <- replace(numeric(k), l, s * h[l])
      (f(x + ej + el) - f(x + ej - el) - f(x - ej + el) + f(x - ej - el)) / (4 * s * s * h[j] * h[l])
    }
    H[j, l] <- H[l, j] <- (4 * d(0.5) - d(1)) / 3
  }
  H
}

fit_one <- function(d, model) {
  V <- max(d$visit_index)
  d$visit <- factor(d$visit_index, levels = 1:V)
  if (model == "mmrm") {
    fit <- gls(y ~ visit * arm + visit * baseline, data = d, method = "REML", control = ctrl,
               correlation = corSymm(form = ~ visit_index | patient),
               weights = varIdent(form = ~ 1 | visit))
    X <- model.matrix(~ visit * arm + visit * baseline, d)
    effect_col <- function(v) if (v == 1) "arm" else c("arm", paste0("visit", v, ":arm"))
    visits <- 1:V
  } else {
    b <- unique(d[, c("patient", "arm", "baseline")])
    d0 <- data.frame(dataset = b$patient * 0 + d$dataset[1], patient = b$patient, arm = b$arm,
                     baseline = b$baseline, visit_index = 0, y = b$baseline)
    d <- rbind(d0, d[, names(d0)])
    d <- d[order(d$patient, d$visit_index), ]
    d$visit_index <- d$visit_index + 1
    V <- V + 1
    d$visit <- factor(d$visit_index, levels = 1:V)
    Xv <- model.matrix(~ 0 + visit, d)
    X <- cbind(Xv, d$arm * Xv[, -1, drop = FALSE])
    colnames(X) <- c(paste0("mu", 1:V), paste0("arm", 2:V))
    d$X <- X
    fit <- gls(y ~ 0 + X, data = d, method = "REML", control = ctrl,
               correlation = corSymm(form = ~ visit_index | patient),
               weights = varIdent(form = ~ 1 | visit))
    effect_col <- function(v) paste0("Xarm", v + 1)
    visits <- 1:(V - 1)
  }
  S_gls <- gls_sigma(fit, V)
  ij <- pairs_of(V)
  theta <- S_gls[ij]
  ll_of <- function(th) dense(sigma_of(th, V), d, X)$ll
  # Steps: 1e-4 (gradients) and 1e-3 (Hessian) x the scale of each entry; the smaller one
  # keeps the O(h^4) error of the gradient below 1e-10 even with correlations near 0.96.
  scale <- sqrt(diag(S_gls)[ij[, 1]] * diag(S_gls)[ij[, 2]])
  h <- 1e-4 * scale
  # nlme's optimiser stops ~1e-7 (relative) short of the maximum; three Newton steps on the
  # dense log-likelihood polish it to rounding (the reference values are taken there).
  for (it in 1:3) {
    info <- -num_hess(ll_of, theta, 10 * h)
    theta <- theta + solve(info, num_grad(ll_of, theta, h))
  }
  info <- -num_hess(ll_of, theta, 10 * h)
  S <- sigma_of(theta, V)
  at <- dense(S, d, X)
  grad_max <- max(abs(num_grad(ll_of, theta, h)) * sqrt(diag(solve(info))))
  # Expected information 1/2 tr(P V_j P V_k), with P V_j formed block by block.
  at <- dense(S, d, X, want_P = TRUE)
  PV <- lapply(seq_len(nrow(ij)), function(j) {
    E <- matrix(0, V, V); E[ij[j, 1], ij[j, 2]] <- 1; E[ij[j, 2], ij[j, 1]] <- 1
    M <- matrix(0, nrow(d), nrow(d))
    for (r in at$blocks)
      M[, r] <- at$P[, r, drop = FALSE] %*% E[d$visit_index[r], d$visit_index[r], drop = FALSE]
    M
  })
  expected <- outer(seq_along(PV), seq_along(PV),
                    Vectorize(function(j, k) 0.5 * sum(PV[[j]] * t(PV[[k]]))))
  bnames <- names(coef(fit))
  out <- NULL
  for (v in visits) {
    cvec <- as.numeric(bnames %in% effect_col(v))
    f_of <- function(th) as.numeric(t(cvec) %*% dense(sigma_of(th, V), d, X)$C %*% cvec)
    f <- f_of(theta)
    g <- num_grad(f_of, theta, h)
    df_obs <- 2 * f^2 / as.numeric(t(g) %*% solve(info, g))
    df_exp <- 2 * f^2 / as.numeric(t(g) %*% solve(expected, g))
    out <- rbind(out, data.frame(
      dataset = d$dataset[1], model = model, visits = V, patients = length(unique(d$patient)),
      visit = v, estimate = sprintf("%.17g", sum(cvec * at$beta)), se = sprintf("%.17g", sqrt(f)),
      loglik = sprintf("%.17g", at$ll),
      df_satterthwaite = sprintf("%.17g", df_obs), df_satterthwaite_expected = sprintf("%.17g", df_exp),
      df_nlme = fit$dims$N - fit$dims$p,
      estimate_gls = sprintf("%.17g", sum(cvec * coef(fit))),
      se_gls = sprintf("%.17g", sqrt(as.numeric(t(cvec) %*% vcov(fit) %*% cvec))),
      loglik_gls = sprintf("%.17g", as.numeric(logLik(fit))), gradient_max = sprintf("%.3g", grad_max),
      sigma = paste(sprintf("%.17g", t(S)), collapse = ";")))
  }
  out
}

data <- do.call(rbind, datasets)
write.csv(data[, c("dataset", "patient", "arm", "baseline", "visit_index", "y")] |>
            transform(baseline = sprintf("%.17g", baseline), y = sprintf("%.17g", y)),
          "tests/ref/mmrm_data.csv", row.names = FALSE, quote = FALSE)
ref <- do.call(rbind, lapply(datasets, function(d) rbind(fit_one(d, "mmrm"), fit_one(d, "clda"))))
write.csv(ref, "tests/ref/mmrm_ref.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("%d datasets, %d patients-visits, %d reference rows\n", length(datasets), nrow(data), nrow(ref)))
