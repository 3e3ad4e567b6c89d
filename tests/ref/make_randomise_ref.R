# Minimisation (Pocock & Simon 1975), implemented here independently of mscsim, the reference
# for tests/test_randomise.c. Run from the repository root: Rscript tests/ref/make_randomise_ref.R
# (Debian: r-base-core). Design: 60 patients, allocation 1:2 (control:msc), two factors with
# level probabilities (0.2, 0.5, 0.3) and (0.6, 0.4), drawn independently per patient;
# minimisation probability 0.8. Imbalance of an arm choice = sum over factors, at the new
# patient's levels, of |n_msc / 2 - n_control / 1| after the assignment; ties broken with the
# allocation's probabilities. Writes the mean and sd of the final msc arm size and the mean
# final total marginal imbalance over 40000 trials to tests/ref/randomise_ref.csv.
set.seed(1975)
trials <- 40000; n <- 60; alloc <- c(1, 2); p_min <- 0.8
probs <- list(c(0.2, 0.5, 0.3), c(0.6, 0.4))
msc <- numeric(trials); imb <- numeric(trials)
for (r in 1:trials) {
  lv <- sapply(probs, function(p) sample.int(length(p), n, replace = TRUE, prob = p))
  cnt <- list(matrix(0, 3, 2), matrix(0, 2, 2))
  for (i in 1:n) {
    score <- sapply(1:2, function(a) {
      s <- 0
      for (f in 1:2) {
        c0 <- cnt[[f]][lv[i, f], 1] + (a == 1); c1 <- cnt[[f]][lv[i, f], 2] + (a == 2)
        s <- s + abs(c1 / alloc[2] - c0 / alloc[1])
      }
      s
    })
    if (score[1] == score[2]) a <- if (runif(1) < alloc[2] / sum(alloc)) 2 else 1
    else {
      best <- which.min(score)
      a <- if (runif(1) < p_min) best else 3 - best
    }
    for (f in 1:2) cnt[[f]][lv[i, f], a] <- cnt[[f]][lv[i, f], a] + 1
  }
  msc[r] <- sum(cnt[[1]][, 2])
  imb[r] <- sum(sapply(1:2, function(f) sum(abs(cnt[[f]][, 2] / 2 - cnt[[f]][, 1]))))
}
out <- data.frame(trials = trials, mean_msc = mean(msc), sd_msc = sd(msc),
                  mean_imbalance = mean(imb), sd_imbalance = sd(imb))
write.csv(out, "tests/ref/randomise_ref.csv", row.names = FALSE, quote = FALSE)
print(out)
