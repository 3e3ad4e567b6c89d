# Generates tests/data/pilot.csv: a SYNTHETIC pilot data set for the empirical-distribution
# tests (tests/test_population.c). No real patient is in it. The numbers are only meant to
# look like a subacute ischemic stroke cohort of the kind in configs/EVIDENCE.md section 1:
#   - age in years, about 63 +- 11, truncated to 30-85, one decimal;
#   - baseline NIHSS, whole numbers 1-30, median about 10, worse with age;
#   - days from onset to randomization, lognormal with median about 18 days (STARTING-2
#     randomized a mean 20.2 days after onset), whole days 3-90, later when more severe;
#   - FMA upper extremity 0-66, lower when NIHSS is higher (rank correlation about -0.7).
# A latent severity ties the columns together so the joint distribution is not trivial.
# Every (age, nihss, onset_days, fma_ue) tuple is distinct, so a test can tell rows apart.
#
# Run from the repository root:  Rscript tests/data/make_pilot.R
set.seed(20250701)
n <- 200
age <- numeric(0)
while (length(age) < n) {                      # truncated normal by rejection
  a <- rnorm(n, 63, 11)
  age <- c(age, a[a >= 30 & a <= 85])
}
age <- round(age[1:n], 1)
age_z <- (age - 63) / 11
severity <- 0.2 * age_z + sqrt(1 - 0.2^2) * rnorm(n)
nihss <- pmin(pmax(round(exp(log(10) + 0.45 * severity)), 1), 30)
onset_days <- pmin(pmax(round(exp(log(18) + 0.6 * (0.25 * severity +
                                                  sqrt(1 - 0.25^2) * rnorm(n)))), 3), 90)
fma_ue <- pmin(pmax(round(66 * plogis(1.0 - 1.3 * severity + 1.1 * rnorm(n))), 0), 66)
pilot <- data.frame(id = seq_len(n), age = age, nihss = nihss, onset_days = onset_days,
                    fma_ue = fma_ue)
stopifnot(!anyDuplicated(pilot[, c("age", "nihss", "onset_days", "fma_ue")]))
out <- file.path("tests", "data", "pilot.csv")
write.csv(pilot, out, row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %s: %d rows; cor(nihss, fma_ue) = %.2f (Spearman %.2f)\n", out, n,
            cor(nihss, fma_ue), cor(nihss, fma_ue, method = "spearman")))
print(summary(pilot[, -1]))
