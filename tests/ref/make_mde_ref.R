# Reference values for the detectable-effect search (tests/test_mde.c): the smallest effect
# reaching 80 % power at a fixed n.
#   Rscript tests/ref/make_mde_ref.R > tests/ref/mde_ref.csv
# case,n_control,n_msc,control,target,value
#   student_64_64, student_40_80: pwr::pwr.t2n.test(n1, n2, power = 0.8, d = NULL) with
#     sd 1, alpha 0.05 two-sided: the standardised mean difference d (Student's t, exact).
#     pwr's own uniroot stops at tol = eps^0.25 (d to about 1e-5), so d is solved here
#     from pwr.t2n.test's power with uniroot(tol = 1e-12), starting from pwr's answer.
#   fisher_50_50: control p = 0.3, 50 patients per arm, fisher.test two-sided at alpha 0.05:
#     the msc p above 0.3 whose exact power (both binomials enumerated, each of the 51 x 51
#     tables decided by fisher.test) is 0.8, by uniroot to 1e-12.
suppressPackageStartupMessages(library(pwr))
out <- function(case, n0, n1, control, value)
  cat(sprintf("%s,%d,%d,%.17g,0.8,%.17g\n", case, n0, n1, control, value))
cat("case,n_control,n_msc,control,target,value\n")
for (n in list(c(64, 64), c(40, 80))) {
  d0 <- pwr.t2n.test(n1 = n[1], n2 = n[2], power = 0.8, sig.level = 0.05, d = NULL)$d
  d <- uniroot(function(d) pwr.t2n.test(n1 = n[1], n2 = n[2], d = d, sig.level = 0.05)$power - 0.8,
               c(d0 - 0.01, d0 + 0.01), tol = 1e-12)$root
  out(sprintf("student_%d_%d", n[1], n[2]), n[1], n[2], 0, d)
}
n0 <- 50; n1 <- 50; p0 <- 0.3
reject <- outer(0:n0, 0:n1, Vectorize(function(x0, x1)
  fisher.test(matrix(c(x1, x0, n1 - x1, n0 - x0), 2))$p.value < 0.05))
power <- function(p1) sum(outer(dbinom(0:n0, n0, p0), dbinom(0:n1, n1, p1)) * reject)
p1 <- uniroot(function(p) power(p) - 0.8, c(0.31, 0.99), tol = 1e-12)$root
out("fisher_50_50", n0, n1, p0, p1)
