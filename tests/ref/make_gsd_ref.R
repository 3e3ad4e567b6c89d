# Group-sequential boundaries from rpact (getDesignGroupSequential), the reference for
# tests/test_gsd.c. Run from the repository root: Rscript tests/ref/make_gsd_ref.R
# (Debian: r-base-core r-cran-rpact). Writes tests/ref/gsd_ref.csv, one row per design and
# look: the z boundaries, rpact's futility bound (NA at the last look, where it equals the
# efficacy bound, and without futility), cumulative alpha and beta spent.
suppressMessages(library(rpact))
spacings <- list(
  c(0.5, 1), c(1/3, 2/3, 1), c(0.25, 0.5, 0.75, 1), c(0.2, 0.4, 0.6, 0.8, 1),
  c(0.3, 1), c(0.2, 0.5, 1), c(0.2, 0.5, 0.7, 1), c(0.1, 0.3, 0.5, 0.8, 1))
efficacy <- list(list("obrien_fleming", "asOF", NA), list("pocock", "asP", NA),
                 list("hsd", "asHSD", -4), list("hsd", "asHSD", -2), list("hsd", "asHSD", 1))
futility <- list(list("none", "none", NA), list("obrien_fleming", "bsOF", NA),
                 list("pocock", "bsP", NA), list("hsd", "bsHSD", -2))
rows <- list()
case <- 0
for (t in spacings) for (e in efficacy) for (sides in 1:2) for (f in futility)
  for (binding in c(FALSE, TRUE)) {
    if (f[[1]] == "none" && binding) next
    if (f[[1]] != "none" && sides == 2) next
    alpha <- if (sides == 1) 0.025 else 0.05
    args <- list(kMax = length(t), alpha = alpha, sided = sides, informationRates = t,
                 typeOfDesign = e[[2]])
    if (!is.na(e[[3]])) args$gammaA <- e[[3]]
    if (f[[1]] != "none") {
      args$typeBetaSpending <- f[[2]]
      args$beta <- 0.2
      args$bindingFutility <- binding
      if (!is.na(f[[3]])) args$gammaB <- f[[3]]
    }
    d <- do.call(getDesignGroupSequential, args)
    case <- case + 1
    k <- length(t)
    fut <- if (f[[1]] == "none") rep(NA, k) else c(d$futilityBounds, NA)
    beta_spent <- if (f[[1]] == "none") rep(0, k) else d$betaSpent
    for (j in 1:k)
      rows[[length(rows) + 1]] <- data.frame(
        case = case, looks = k, t = paste(format(t, digits = 15), collapse = ";"),
        alpha = alpha, sides = sides, efficacy = e[[1]],
        gamma_a = ifelse(is.na(e[[3]]), 0, e[[3]]), futility = f[[1]],
        gamma_b = ifelse(is.na(f[[3]]), 0, f[[3]]), beta = 0.2, binding = as.integer(binding),
        look = j, efficacy_z = sprintf("%.10f", d$criticalValues[j]),
        futility_z = ifelse(is.na(fut[j]), "NA", sprintf("%.10f", fut[j])),
        cumulative_alpha = sprintf("%.12g", d$alphaSpent[j]),
        cumulative_beta = sprintf("%.12g", beta_spent[j]))
  }
out <- do.call(rbind, rows)
write.csv(out, "tests/ref/gsd_ref.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("%d designs, %d rows\n", case, nrow(out)))

# Power and expected sample size of normal designs with looks (getPowerMeans, normal
# approximation: the canonical joint distribution), for tests/ref/gsd_power_ref.csv: a
# two-arm 1:1 trial of N patients, mean difference delta, common sd; drift
# delta / (sd sqrt(4 / N)).
designs <- list(
  list(t = c(1/3, 2/3, 1), e = "asOF", f = "none", binding = FALSE),
  list(t = c(0.5, 1), e = "asP", f = "none", binding = FALSE),
  list(t = c(1/3, 2/3, 1), e = "asOF", f = "bsOF", binding = FALSE),
  list(t = c(1/3, 2/3, 1), e = "asOF", f = "bsOF", binding = TRUE),
  list(t = c(0.25, 0.5, 0.75, 1), e = "asHSD", f = "bsP", binding = FALSE))
rows <- list()
for (i in seq_along(designs)) {
  g <- designs[[i]]
  args <- list(kMax = length(g$t), alpha = 0.025, sided = 1, informationRates = g$t,
               typeOfDesign = g$e)
  if (g$e == "asHSD") args$gammaA <- -4
  if (g$f != "none") { args$typeBetaSpending <- g$f; args$beta <- 0.2; args$bindingFutility <- g$binding }
  d <- do.call(getDesignGroupSequential, args)
  for (delta in c(0, 3, 5)) {
    p <- getPowerMeans(d, groups = 2, normalApproximation = TRUE, alternative = delta,
                       stDev = 10, maxNumberOfSubjects = 200)
    rows[[length(rows) + 1]] <- data.frame(
      design = i, t = paste(format(g$t, digits = 15), collapse = ";"), efficacy = g$e,
      futility = g$f, binding = as.integer(g$binding), n = 200, sd = 10, delta = delta,
      power = sprintf("%.10f", p$overallReject),
      expected_n = sprintf("%.8f", p$expectedNumberOfSubjects))
  }
}
write.csv(do.call(rbind, rows), "tests/ref/gsd_power_ref.csv", row.names = FALSE, quote = FALSE)

# Inflation factors (getDesignCharacteristics: the drift giving power 1 - beta with the
# looks, squared over (z_{1 - alpha / sides} + z_{1 - beta})^2; the maximum n of a design
# with looks is the fixed design's times it), for tests/ref/gsd_inflation_ref.csv:
# O'Brien-Fleming, Pocock and HSD(-4) alpha spending, 2 to 4 looks, one- and two-sided
# without futility (power 0.8 and 0.9), one-sided with O'Brien-Fleming or Pocock beta
# spending (non-binding and binding, power 0.8).
spacings <- list(c(0.5, 1), c(1/3, 2/3, 1), c(0.25, 0.5, 0.75, 1), c(0.3, 0.7, 1))
rows <- list()
for (t in spacings) for (e in efficacy[1:3]) for (sides in 1:2)
  for (f in futility[1:3]) for (binding in c(FALSE, TRUE)) for (beta in c(0.2, 0.1)) {
    if (f[[1]] == "none" && binding) next
    if (f[[1]] != "none" && (sides == 2 || beta != 0.2)) next
    alpha <- if (sides == 1) 0.025 else 0.05
    args <- list(kMax = length(t), alpha = alpha, sided = sides, informationRates = t,
                 typeOfDesign = e[[2]], beta = beta)
    if (!is.na(e[[3]])) args$gammaA <- e[[3]]
    if (f[[1]] != "none") {
      args$typeBetaSpending <- f[[2]]
      args$bindingFutility <- binding
    }
    d <- do.call(getDesignGroupSequential, args)
    ch <- getDesignCharacteristics(d)
    rows[[length(rows) + 1]] <- data.frame(
      looks = length(t), t = paste(format(t, digits = 15), collapse = ";"), alpha = alpha,
      sides = sides, efficacy = e[[1]], gamma_a = ifelse(is.na(e[[3]]), 0, e[[3]]),
      futility = f[[1]], beta = beta, binding = as.integer(binding),
      inflation_factor = sprintf("%.10f", ch$inflationFactor))
  }
write.csv(do.call(rbind, rows), "tests/ref/gsd_inflation_ref.csv", row.names = FALSE,
          quote = FALSE)
