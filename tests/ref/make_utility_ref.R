# Reference values for the utility-weighted mRS endpoint (tests/test_endpoint_utility.c).
#
# Run from the repository root: Rscript tests/ref/make_utility_ref.R
# Writes, deterministically (set.seed):
#   utility_data.csv  case,arm,mrs: mRS 0..6 per patient (arm 0 control, 1 msc) of 6 data
#                     sets drawn as multinomial samples of TREASURE's day-90 arms (Houkin
#                     et al. 2024, Table 2: placebo 3, 8, 12, 17, 39, 20, 3 of 102;
#                     MultiStem 5, 9, 20, 15, 31, 18, 6 of 104), with arm sizes from 5 to 150.
#   utility_ref.csv   case,analysis,statistic,p_value,estimate: on the utilities
#                     u = (1, 0.91, 0.76, 0.65, 0.33, 0, 0)[mrs + 1] (Chaisinanunkul 2015):
#                     t.test(u1, u0, var.equal = TRUE) (student), t.test(u1, u0) (welch),
#                     statistic t, estimate the mean difference; wilcox.test(u1, u0,
#                     exact = FALSE, correct = TRUE) (wilcoxon), statistic W, estimate
#                     W / (n0 n1) - 1/2. Two-sided p-values.
#   utility_power_ref.csv  n_control,n_msc,analysis,reps,power: the share of REPS trials of
#                     multinomial TREASURE arms whose two-sided test (alpha 0.05) rejects,
#                     for welch and wilcoxon on the same trials.
u <- c(1, 0.91, 0.76, 0.65, 0.33, 0, 0)
p0 <- c(3, 8, 12, 17, 39, 20, 3) / 102
p1 <- c(5, 9, 20, 15, 31, 18, 6) / 104
set.seed(20150701)
sizes <- list(c(5, 7), c(20, 20), c(35, 40), c(60, 30), c(103, 103), c(150, 150))
data <- NULL
ref <- NULL
for (case in seq_along(sizes)) {
  n <- sizes[[case]]
  m0 <- sample(0:6, n[1], replace = TRUE, prob = p0)
  m1 <- sample(0:6, n[2], replace = TRUE, prob = p1)
  data <- rbind(data, data.frame(case = case, arm = c(rep(0, n[1]), rep(1, n[2])),
                                 mrs = c(m0, m1)))
  u0 <- u[m0 + 1]
  u1 <- u[m1 + 1]
  st <- t.test(u1, u0, var.equal = TRUE)
  we <- t.test(u1, u0)
  wi <- suppressWarnings(wilcox.test(u1, u0, exact = FALSE, correct = TRUE))
  ref <- rbind(ref,
    data.frame(case = case, analysis = "student", statistic = unname(st$statistic),
               p_value = st$p.value, estimate = mean(u1) - mean(u0)),
    data.frame(case = case, analysis = "welch", statistic = unname(we$statistic),
               p_value = we$p.value, estimate = mean(u1) - mean(u0)),
    data.frame(case = case, analysis = "wilcoxon", statistic = unname(wi$statistic),
               p_value = wi$p.value,
               estimate = unname(wi$statistic) / (n[1] * n[2]) - 0.5))
}
fmt <- function(df) {
  for (k in names(df)) if (is.double(df[[k]])) df[[k]] <- sprintf("%.17g", df[[k]])
  df
}
write.csv(data, "tests/ref/utility_data.csv", row.names = FALSE, quote = FALSE)
write.csv(fmt(ref), "tests/ref/utility_ref.csv", row.names = FALSE, quote = FALSE)

REPS <- 20000
power <- NULL
for (n in list(c(103, 103), c(300, 300))) {
  rej <- c(welch = 0, wilcoxon = 0)
  for (r in seq_len(REPS)) {
    u0 <- u[sample(0:6, n[1], replace = TRUE, prob = p0) + 1]
    u1 <- u[sample(0:6, n[2], replace = TRUE, prob = p1) + 1]
    rej["welch"] <- rej["welch"] + (t.test(u1, u0)$p.value < 0.05)
    rej["wilcoxon"] <- rej["wilcoxon"] +
      (wilcox.test(u1, u0, exact = FALSE, correct = TRUE)$p.value < 0.05)
  }
  power <- rbind(power, data.frame(n_control = n[1], n_msc = n[2],
                                   analysis = names(rej), reps = REPS,
                                   power = sprintf("%.17g", unname(rej) / REPS)))
}
write.csv(power, "tests/ref/utility_power_ref.csv", row.names = FALSE, quote = FALSE)
