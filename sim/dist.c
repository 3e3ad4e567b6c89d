/*
 * Random variate samplers on an explicit PCG32 generator (include/mscsim/dist.h).
 *
 * DESCRIPTION
 *   Normal, exponential, truncated normal, gamma, chi-squared, binomial, hypergeometric
 *   and categorical variates.
 *   Every sampler takes the generator as an argument and keeps no state of its own;
 *   the only tables are the constant ziggurat tables below and a table of log-factorials
 *   filled once (call_once), so everything is thread-safe. Nothing here uses Rmath's generators (unif_rand, norm_rand, r*), which
 *   keep global state (tests/check_symbols.sh enforces this).
 *
 * METHODS AND REFERENCES
 *   Normal: exact ziggurat with 256 layers.
 *     G. Marsaglia and W. W. Tsang (2000), "The ziggurat method for generating random
 *     variables", Journal of Statistical Software 5(8). Layer i (i >= 1) is the
 *     rectangle [0, X[i]] x [f(X[i]), f(X[i+1])] with f(x) = exp(-x^2/2) and
 *     X[1] = r > X[2] > ... > X[256] = 0; layer 0 is the base strip [0, X[0]] x
 *     [0, f(r)] with X[0] = V/f(r), which also stands for the tail beyond r. All layers
 *     have area V, so a layer is picked uniformly.
 *     Unlike the paper's RNOR, one attempt uses a full 64-bit draw: bits 0-7 pick the
 *     layer, bit 8 the sign, bits 11-63 a 53-bit magnitude. With 32 bits the layer index
 *     is taken from the bits that also form the value, which correlates the two:
 *     J. A. Doornik (2005), "An improved ziggurat method to generate normal random
 *     samples", University of Oxford; see also P. H. W. Leong et al. (2005), "A comment
 *     on the implementation of the ziggurat method", JSS 12(7).
 *     Tail (|x| > r): G. Marsaglia (1964), "Generating a variable from the tail of the
 *     normal distribution", Technometrics 6(1), 101-102 (two exponentials).
 *   Exponential: inversion, -log(U) with U on the (0, 1) grid of mscsim_rng_uniform_pos.
 *     Exact up to that grid: the largest value is -log of the smallest grid point (about
 *     37, i.e. the tail beyond it, of probability about 2^-53, is cut). Inversion is
 *     monotone in U, which keeps common random numbers meaningful.
 *   Truncated normal: C. P. Robert (1995), "Simulation of truncated normal variables",
 *     Statistics and Computing 5(2), 121-125: translated-exponential proposal with the
 *     optimal rate for tails, uniform proposal for narrow intervals, plain normal
 *     rejection for wide intervals around the mean, choosing by the paper's efficiency
 *     comparisons.
 *   Gamma: G. Marsaglia and W. W. Tsang (2000), "A simple method for generating gamma
 *     variables", ACM TOMS 26(3), 363-372, with the shape < 1 boost
 *     G(a) = G(a + 1) U^(1/a) from the same paper. Chi-squared(df) = Gamma(df/2, 2).
 *   Binomial: sequential inversion from 0 (Devroye 1986, "Non-Uniform Random Variate
 *     Generation", X.4.1) while the mean is small; above, Knuth's beta splitting (TAOCP
 *     vol. 2, 3rd ed., 3.4.1, after Ahrens and Dieter): the order statistic U_(a) of n
 *     uniforms is Beta(a, n + 1 - a), drawn from two Marsaglia-Tsang gammas, and splits
 *     the count into a smaller binomial. Exact: no normal or Poisson approximation.
 *   Hypergeometric: inversion from the mode, A. W. Kemp (1986), "A modal method for
 *     generating binomial variables", Communications in Statistics - Theory and Methods
 *     15(3), 805-813 (the same search on the hypergeometric pmf), with the pmf at the mode
 *     from log-factorials (lgammafn) or Rmath's dhyper (C. Loader (2000), "Fast and
 *     accurate computation of binomial probabilities"). Multivariate hypergeometric: one
 *     hypergeometric per category, each on what the earlier ones left (the chain rule of
 *     the joint pmf). Small urns (at most 4 items per category) are drawn one item at a
 *     time, each uniform over the items left: the definition itself.
 *   Categorical: alias method. A. J. Walker (1977), "An efficient method for generating
 *     discrete random variables with general distributions", ACM TOMS 3(3), 253-256;
 *     set-up by M. D. Vose (1991), "A linear algorithm for generating random numbers
 *     with a given distribution", IEEE TSE 17(9), 972-975.
 */
#include "mscsim/dist.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#include "internal.h"
#include "mathlib.h"
#include "tolerance.h"

/* {==================================================================================
 * Ziggurat tables for the standard normal
 * ===================================================================================
 *
 * Generated once by the R code below (R 4.2.2) and pasted verbatim; %a prints the exact
 * binary value, so the tables are identical on every platform. r is found by bisection
 * to the last bit so that the 256 layers of area V close at x = 0. In double precision
 * the layer areas agree with V to a relative 1e-13 (the top layer 1.4e-13), far below
 * anything a simulation could detect. k[i] = floor(2^53 X[i+1]/X[i]) is the fast-path
 * acceptance bound for the 53-bit magnitude (k[255] = 0: the top layer always tests its
 * wedge), w[i] = X[i] 2^-53 turns the magnitude into x, and zig_f[i] = f(X[i]) with
 * zig_f[256] = f(0) = 1. tests/test_dist.c re-checks the equal-area property.
 *
 *   C <- 256                                  # layers
 *   f <- function(x) exp(-0.5 * x * x)        # unnormalised normal density
 *   vol <- function(r) r * f(r) + sqrt(2 * pi) * pnorm(r, lower.tail = FALSE)
 *   top <- function(r) {                      # > 0 while r is too small
 *     v <- vol(r); x <- r
 *     for (i in 2:(C - 1)) {
 *       y <- f(x) + v / x
 *       if (y >= 1) return(1)
 *       x <- sqrt(-2 * log(y))
 *     }
 *     f(x) + v / x - 1
 *   }
 *   lo <- 3; hi <- 4                          # bisect to the last bit
 *   repeat { mid <- (lo + hi) / 2; if (mid == lo || mid == hi) break
 *            if (top(mid) > 0) lo <- mid else hi <- mid }
 *   r <- if (abs(top(lo)) < abs(top(hi))) lo else hi
 *   v <- vol(r)
 *   X <- c(v / f(r), r, numeric(C - 1))
 *   for (i in 3:C) X[i] <- sqrt(-2 * log(f(X[i - 1]) + v / X[i - 1]))
 *   emit <- function(decl, s) cat(decl, " = {\n", paste0("    ", sapply(split(s,
 *     ceiling(seq_along(s) / 3)), paste, collapse = ", "), collapse = ",\n"), "\n};\n", sep = "")
 *   cat(sprintf("#define ZIG_R %a // %.17g\n#define ZIG_V %a // %.17g\n", r, r, v, v))
 *   emit("SIM_API const uint64_t mscsim_zig_norm_k[256]",
 *        sprintf("UINT64_C(%.0f)", floor(2^53 * X[-1] / X[-(C + 1)])))
 *   emit("SIM_API const double mscsim_zig_norm_w[256]", sprintf("%a", X[-(C + 1)] * 2^-53))
 *   emit("static const double zig_f[257]", sprintf("%a", f(X)))
 *
 * The values of r and V match Marsaglia and Tsang's 3.6541528853610088 and
 * 4.92867323399e-3 for 256 layers.
 */

/* r: where the tail starts; V: the common area of every layer (unnormalised density). */
#define ZIG_R 0x1.d3bb48209ad33p+1 // 3.6541528853610088
#define ZIG_V 0x1.43016a5a43734p-8 // 0.0049286732339746571
SIM_API const uint64_t mscsim_zig_norm_k[256] = {
    UINT64_C(8416190284947147), UINT64_C(8502199523358868), UINT64_C(8670250209927257),
    UINT64_C(8747665408408568), UINT64_C(8792993062619951), UINT64_C(8823034015404263),
    UINT64_C(8844529650149480), UINT64_C(8860736633794676), UINT64_C(8873429784348122),
    UINT64_C(8883662533319237), UINT64_C(8892101391295331), UINT64_C(8899189566881597),
    UINT64_C(8905233768484696), UINT64_C(8910453300650020), UINT64_C(8915009316506134),
    UINT64_C(8919023015271943), UINT64_C(8922587382248682), UINT64_C(8925775002338565),
    UINT64_C(8928643402399270), UINT64_C(8931238791116794), UINT64_C(8933598732090709),
    UINT64_C(8935754090079061), UINT64_C(8937730471677791), UINT64_C(8939549307766312),
    UINT64_C(8941228677835438), UINT64_C(8942783945492985), UINT64_C(8944228253918007),
    UINT64_C(8945572916116590), UINT64_C(8946827725236400), UINT64_C(8948001203479808),
    UINT64_C(8949100803387013), UINT64_C(8950133071831292), UINT64_C(8951103784572849),
    UINT64_C(8952018057380868), UINT64_C(8952880438367562), UINT64_C(8953694985152383),
    UINT64_C(8954465329697408), UINT64_C(8955194733061077), UINT64_C(8955886131859916),
    UINT64_C(8956542177872812), UINT64_C(8957165271944786), UINT64_C(8957757593128775),
    UINT64_C(8958321123830900), UINT64_C(8958857671586797), UINT64_C(8959368887986122),
    UINT64_C(8959856285173325), UINT64_C(8960321250280622), UINT64_C(8960765058090450),
    UINT64_C(8961188882176662), UINT64_C(8961593804734268), UINT64_C(8961980825275013),
    UINT64_C(8962350868339128), UINT64_C(8962704790351139), UINT64_C(8963043385728929),
    UINT64_C(8963367392339560), UINT64_C(8963677496382147), UINT64_C(8963974336766971),
    UINT64_C(8964258509050608), UINT64_C(8964530568978818), UINT64_C(8964791035682152),
    UINT64_C(8965040394563440), UINT64_C(8965279099911272), UINT64_C(8965507577269383),
    UINT64_C(8965726225588143), UINT64_C(8965935419181125), UINT64_C(8966135509507071),
    UINT64_C(8966326826795094), UINT64_C(8966509681528940), UINT64_C(8966684365804314),
    UINT64_C(8966851154571666), UINT64_C(8967010306775528), UINT64_C(8967162066400166),
    UINT64_C(8967306663430395), UINT64_C(8967444314735320), UINT64_C(8967575224882070),
    UINT64_C(8967699586885774), UINT64_C(8967817582901427), UINT64_C(8967929384862729),
    UINT64_C(8968035155072430), UINT64_C(8968135046748318), UINT64_C(8968229204528542),
    UINT64_C(8968317764939628), UINT64_C(8968400856830226), UINT64_C(8968478601773311),
    UINT64_C(8968551114439357), UINT64_C(8968618502942718), UINT64_C(8968680869163280),
    UINT64_C(8968738309045243), UINT64_C(8968790912874739), UINT64_C(8968838765537835),
    UINT64_C(8968881946760306), UINT64_C(8968920531330503), UINT64_C(8968954589306461),
    UINT64_C(8968984186208330), UINT64_C(8969009383197108), UINT64_C(8969030237240582),
    UINT64_C(8969046801267273), UINT64_C(8969059124309160), UINT64_C(8969067251633852),
    UINT64_C(8969071224866847), UINT64_C(8969071082104440), UINT64_C(8969066858017813),
    UINT64_C(8969058583948787), UINT64_C(8969046287997665), UINT64_C(8969029995103575),
    UINT64_C(8969009727117660), UINT64_C(8968985502869480), UINT64_C(8968957338226871),
    UINT64_C(8968925246149590), UINT64_C(8968889236736949), UINT64_C(8968849317269667),
    UINT64_C(8968805492246150), UINT64_C(8968757763413349), UINT64_C(8968706129792371),
    UINT64_C(8968650587698947), UINT64_C(8968591130758901), UINT64_C(8968527749918690),
    UINT64_C(8968460433451099), UINT64_C(8968389166956162), UINT64_C(8968313933357325),
    UINT64_C(8968234712892903), UINT64_C(8968151483102841), UINT64_C(8968064218810743),
    UINT64_C(8967972892101192), UINT64_C(8967877472292288), UINT64_C(8967777925903373),
    UINT64_C(8967674216617865), UINT64_C(8967566305241128), UINT64_C(8967454149653247),
    UINT64_C(8967337704756646), UINT64_C(8967216922418341), UINT64_C(8967091751406756),
    UINT64_C(8966962137322855), UINT64_C(8966828022525448), UINT64_C(8966689346050448),
    UINT64_C(8966546043523844), UINT64_C(8966398047068112), UINT64_C(8966245285201850),
    UINT64_C(8966087682732252), UINT64_C(8965925160640153), UINT64_C(8965757635957254),
    UINT64_C(8965585021635152), UINT64_C(8965407226405742), UINT64_C(8965224154632550),
    UINT64_C(8965035706152490), UINT64_C(8964841776107517), UINT64_C(8964642254765601),
    UINT64_C(8964437027330408), UINT64_C(8964225973738984), UINT64_C(8964008968446765),
    UINT64_C(8963785880199078), UINT64_C(8963556571788329), UINT64_C(8963320899795920),
    UINT64_C(8963078714317947), UINT64_C(8962829858673567), UINT64_C(8962574169094904),
    UINT64_C(8962311474397223), UINT64_C(8962041595628019), UINT64_C(8961764345693544),
    UINT64_C(8961479528961174), UINT64_C(8961186940835877), UINT64_C(8960886367308921),
    UINT64_C(8960577584476735), UINT64_C(8960260358027743), UINT64_C(8959934442694707),
    UINT64_C(8959599581669978), UINT64_C(8959255505980745), UINT64_C(8958901933821175),
    UINT64_C(8958538569837994), UINT64_C(8958165104365771), UINT64_C(8957781212607811),
    UINT64_C(8957386553758166), UINT64_C(8956980770059834), UINT64_C(8956563485793772),
    UINT64_C(8956134306192761), UINT64_C(8955692816273609), UINT64_C(8955238579580533),
    UINT64_C(8954771136831768), UINT64_C(8954290004460678), UINT64_C(8953794673041731),
    UINT64_C(8953284605590642), UINT64_C(8952759235726852), UINT64_C(8952217965685221),
    UINT64_C(8951660164162389), UINT64_C(8951085163981553), UINT64_C(8950492259557617),
    UINT64_C(8949880704142610), UINT64_C(8949249706828835), UINT64_C(8948598429284589),
    UINT64_C(8947925982194248), UINT64_C(8947231421371063), UINT64_C(8946513743507049),
    UINT64_C(8945771881519868), UINT64_C(8945004699451477), UINT64_C(8944210986867348),
    UINT64_C(8943389452698380), UINT64_C(8942538718459684), UINT64_C(8941657310771539),
    UINT64_C(8940743653097266), UINT64_C(8939796056600728), UINT64_C(8938812710012082),
    UINT64_C(8937791668373988), UINT64_C(8936730840521343), UINT64_C(8935627975125085),
    UINT64_C(8934480645104286), UINT64_C(8933286230179526), UINT64_C(8932041897303840),
    UINT64_C(8930744578663738), UINT64_C(8929390946891002), UINT64_C(8927977387063714),
    UINT64_C(8926499965000766), UINT64_C(8924954391264535), UINT64_C(8923335980178341),
    UINT64_C(8921639603034391), UINT64_C(8919859634508241), UINT64_C(8917989891100771),
    UINT64_C(8916023560188888), UINT64_C(8913953117970087), UINT64_C(8911770234218738),
    UINT64_C(8909465661313597), UINT64_C(8907029104421025), UINT64_C(8904449068992971),
    UINT64_C(8901712680817248), UINT64_C(8898805472680243), UINT64_C(8895711130186632),
    UINT64_C(8892411187316276), UINT64_C(8888884659731722), UINT64_C(8885107600469320),
    UINT64_C(8881052558154847), UINT64_C(8876687911860131), UINT64_C(8871977048556688),
    UINT64_C(8866877337950383), UINT64_C(8861338844010460), UINT64_C(8855302690818585),
    UINT64_C(8848698969554158), UINT64_C(8841444029032842), UINT64_C(8833436927226396),
    UINT64_C(8824554724436406), UINT64_C(8814646152042479), UINT64_C(8803522963567843),
    UINT64_C(8790947915098638), UINT64_C(8776617738084788), UINT64_C(8760138492431290),
    UINT64_C(8740989007474595), UINT64_C(8718465117489459), UINT64_C(8691591814786375),
    UINT64_C(8658979550349098), UINT64_C(8618578446273200), UINT64_C(8567234683180583),
    UINT64_C(8499835136411983), UINT64_C(8407514496210278), UINT64_C(8273463477792492),
    UINT64_C(8061537608785339), UINT64_C(7677520153084497), UINT64_C(6774628847946946),
    UINT64_C(0)
};
SIM_API const double mscsim_zig_norm_w[256] = {
    0x1.f493b7815d982p-52, 0x1.d3bb48209ad33p-52, 0x1.b981f3878fdbp-52,
    0x1.a8fdc78947759p-52, 0x1.9cbee014057abp-52, 0x1.92ee0946f4496p-52,
    0x1.8ab0fbfaa7c14p-52, 0x1.839030529f234p-52, 0x1.7d42df4d6ce8cp-52,
    0x1.7799556090673p-52, 0x1.72728f05f7a34p-52, 0x1.6db6b8d09e232p-52,
    0x1.69540be9fe5c3p-52, 0x1.653ce7b006aeap-52, 0x1.61669cf861e4cp-52,
    0x1.5dc8a243ad0fep-52, 0x1.5a5c08b718dd9p-52, 0x1.571b1a94ae41bp-52,
    0x1.54011523a7e42p-52, 0x1.5109f53e9ac41p-52, 0x1.4e3250dcd8902p-52,
    0x1.4b7739d6b5a27p-52, 0x1.48d62759c43bcp-52, 0x1.464ce44a73a15p-52,
    0x1.43d9815545e93p-52, 0x1.417a49cb9e5d9p-52, 0x1.3f2dbaa60f473p-52,
    0x1.3cf27b31704a4p-52, 0x1.3ac7570ae88f8p-52, 0x1.38ab392564108p-52,
    0x1.369d27a33a83ep-52, 0x1.349c405ae12a1p-52, 0x1.32a7b5e68a4a1p-52,
    0x1.30becd256aeecp-52, 0x1.2ee0db1a978f4p-52, 0x1.2d0d43196db96p-52,
    0x1.2b437532a0a51p-52, 0x1.2982ecd770e77p-52, 0x1.27cb2faa8592dp-52,
    0x1.261bcc77658dfp-52, 0x1.24745a4ac9c23p-52, 0x1.22d477a6fd3eep-52,
    0x1.213bc9d04cc81p-52, 0x1.1fa9fc2e2d9p-52, 0x1.1e1ebfbe4ae38p-52,
    0x1.1c99ca971a693p-52, 0x1.1b1ad777f2f8dp-52, 0x1.19a1a564eebabp-52,
    0x1.182df74d2126p-52, 0x1.16bf93b9deef2p-52, 0x1.1556448602e3ap-52,
    0x1.13f1d69c4096cp-52, 0x1.129219bbb5d34p-52, 0x1.1136e0420704p-52,
    0x1.0fdffefa69fb5p-52, 0x1.0e8d4cf116591p-52, 0x1.0d3ea34aa3d2ep-52,
    0x1.0bf3dd1eed445p-52, 0x1.0aacd7571c0c1p-52, 0x1.0969708e8a251p-52,
    0x1.082988f632e14p-52, 0x1.06ed023a72665p-52, 0x1.05b3bf6adb37bp-52,
    0x1.047da4e3ef5c4p-52, 0x1.034a983a902a8p-52, 0x1.021a8028fc944p-52,
    0x1.00ed447d3a072p-52, 0x1.ff859c118f605p-53, 0x1.fd360d22fe77fp-53,
    0x1.faebb187122b9p-53, 0x1.f8a660489977cp-53, 0x1.f665f20c90162p-53,
    0x1.f42a40fb74d67p-53, 0x1.f1f328ac2531ap-53, 0x1.efc086101eca2p-53,
    0x1.ed9237610a732p-53, 0x1.eb681c0f76fp-53, 0x1.e94214b2abf01p-53,
    0x1.e72002f97fe1bp-53, 0x1.e501c99c1d17ep-53, 0x1.e2e74c4ea46ebp-53,
    0x1.e0d06fb49d211p-53, 0x1.debd195522e2cp-53, 0x1.dcad2f8fc4904p-53,
    0x1.daa0999206e67p-53, 0x1.d8973f4d7fb9dp-53, 0x1.d691096e7f11bp-53,
    0x1.d48de1533c64p-53, 0x1.d28db1037ef1ap-53, 0x1.d0906328b8f68p-53,
    0x1.ce95e3068e031p-53, 0x1.cc9e1c73bd689p-53, 0x1.caa8fbd36a2a4p-53,
    0x1.c8b66e0eba61p-53, 0x1.c6c6608ec86ffp-53, 0x1.c4d8c136e0d17p-53,
    0x1.c2ed7e5f07a28p-53, 0x1.c10486cec169bp-53, 0x1.bf1dc9b81ae7ep-53,
    0x1.bd3936b2ec09ep-53, 0x1.bb56bdb85256ap-53, 0x1.b9764f1e5f739p-53,
    0x1.b797db93f8925p-53, 0x1.b5bb541ce3d01p-53, 0x1.b3e0aa0e00bfdp-53,
    0x1.b207cf09a9858p-53, 0x1.b030b4fc3a117p-53, 0x1.ae5b4e18bb334p-53,
    0x1.ac878cd5af5ccp-53, 0x1.aab563e9ff107p-53, 0x1.a8e4c64a0313cp-53,
    0x1.a715a724aa9a4p-53, 0x1.a547f9e0bbb88p-53, 0x1.a37bb21a2c85bp-53,
    0x1.a1b0c39f93692p-53, 0x1.9fe7226fad24ap-53, 0x1.9e1ec2b6f7411p-53,
    0x1.9c5798cd5d92cp-53, 0x1.9a919933f99bfp-53, 0x1.98ccb892e2a31p-53,
    0x1.9708ebb70d5eep-53, 0x1.954627903a28ap-53, 0x1.9384612ef0afcp-53,
    0x1.91c38dc288347p-53, 0x1.9003a2973b58fp-53, 0x1.8e44951446a27p-53,
    0x1.8c865aba10c9cp-53, 0x1.8ac8e9205c043p-53, 0x1.890c35f47f72dp-53,
    0x1.875036f7a7ec5p-53, 0x1.8594e1fd1f5bdp-53, 0x1.83da2ce899f15p-53,
    0x1.82200dac88676p-53, 0x1.80667a486ea1fp-53, 0x1.7ead68c73dee7p-53,
    0x1.7cf4cf3db22fbp-53, 0x1.7b3ca3c8b1409p-53, 0x1.7984dc8babd93p-53,
    0x1.77cd6faeff449p-53, 0x1.7616535e5731fp-53, 0x1.745f7dc70eedcp-53,
    0x1.72a8e516914c6p-53, 0x1.70f27f78b68ebp-53, 0x1.6f3c43161f854p-53,
    0x1.6d8626128d352p-53, 0x1.6bd01e8b343bbp-53, 0x1.6a1a22950b2b1p-53,
    0x1.6864283b13136p-53, 0x1.66ae257c99671p-53, 0x1.64f8104b7260ap-53,
    0x1.6341de8a2b0a1p-53, 0x1.618b860a31fc2p-53, 0x1.5fd4fc89f5e36p-53,
    0x1.5e1e37b2f8cd1p-53, 0x1.5c672d17d733bp-53, 0x1.5aafd23241b56p-53,
    0x1.58f81c60e8511p-53, 0x1.574000e555f75p-53, 0x1.558774e1bb2c4p-53,
    0x1.53ce6d56a664bp-53, 0x1.5214df20a8b57p-53, 0x1.505abef5e555ep-53,
    0x1.4ea001638a601p-53, 0x1.4ce49acb311d8p-53, 0x1.4b287f6024159p-53,
    0x1.496ba32488f2bp-53, 0x1.47adf9e66c333p-53, 0x1.45ef773cac75ap-53,
    0x1.44300e83c30a1p-53, 0x1.426fb2da6745ap-53, 0x1.40ae571e09e71p-53,
    0x1.3eebede725a8p-53, 0x1.3d28698561ddep-53, 0x1.3b63bbfb83d01p-53,
    0x1.399dd6fb2b262p-53, 0x1.37d6abe055868p-53, 0x1.360e2baca52d3p-53,
    0x1.3444470265e9fp-53, 0x1.3278ee1f4b92ep-53, 0x1.30ac10d6e48d5p-53,
    0x1.2edd9e8cba98bp-53, 0x1.2d0d862e1b85p-53, 0x1.2b3bb62b82ed7p-53,
    0x1.29681c719d719p-53, 0x1.2792a661dd37dp-53, 0x1.25bb40ca96bfap-53,
    0x1.23e1d7de9c31ep-53, 0x1.2206572c4c6e8p-53, 0x1.2028a9940a09ep-53,
    0x1.1e48b93e0d42bp-53, 0x1.1c666f8f82ac8p-53, 0x1.1a81b51ee6d84p-53,
    0x1.189a71a78da3p-53, 0x1.16b08bfc42019p-53, 0x1.14c3e9f8e913cp-53,
    0x1.12d4707310fb9p-53, 0x1.10e20329515e9p-53, 0x1.0eec84b160867p-53,
    0x1.0cf3d664bcc7bp-53, 0x1.0af7d84bc610fp-53, 0x1.08f869071f408p-53,
    0x1.06f565b72a00ep-53, 0x1.04eea9e16a5fap-53, 0x1.02e40f5398f98p-53,
    0x1.00d56e04234eap-53, 0x1.fd8537dfa2ea9p-54, 0x1.f956d9e87d7aap-54,
    0x1.f51f654d8f684p-54, 0x1.f0de784f06222p-54, 0x1.ec93abdf982cap-54,
    0x1.e83e9337a6efdp-54, 0x1.e3debb5d2edfap-54, 0x1.df73aa9f1764ep-54,
    0x1.dafce0023b8bfp-54, 0x1.d679d29e41f0bp-54, 0x1.d1e9f0e80b743p-54,
    0x1.cd4c9fe722686p-54, 0x1.c8a13a5323b5cp-54, 0x1.c3e70f9594eefp-54,
    0x1.bf1d62abf822fp-54, 0x1.ba4368e529f37p-54, 0x1.b558487427a26p-54,
    0x1.b05b16d136c99p-54, 0x1.ab4ad6e10162cp-54, 0x1.a62676d77cd56p-54,
    0x1.a0eccdca4a728p-54, 0x1.9b9c98e38c543p-54, 0x1.96347822c1ee7p-54,
    0x1.90b2ea94ecf94p-54, 0x1.8b1649e7b7694p-54, 0x1.855cc53430a72p-54,
    0x1.7f845ad46f53ep-54, 0x1.798ad10b32a73p-54, 0x1.736dad346f8a3p-54,
    0x1.6d2a29200056cp-54, 0x1.66bd261a37c39p-54, 0x1.60231cfd97ee5p-54,
    0x1.59580a707ce9p-54, 0x1.52575621ad36cp-54, 0x1.4b1bb363dfe9fp-54,
    0x1.439ef8dff9b4bp-54, 0x1.3bd9ec1a2b123p-54, 0x1.33c3fc05791e9p-54,
    0x1.2b52e3863d874p-54, 0x1.227a28f7a1ae8p-54, 0x1.192a69741366ap-54,
    0x1.0f5053b025d36p-54, 0x1.04d32278ebbap-54, 0x1.f32482d4cd5a3p-55,
    0x1.dac2f5a74724ep-55, 0x1.c004d2f3861cfp-55, 0x1.a230c2e4cd08cp-55,
    0x1.801fce82fa6d3p-55, 0x1.57cb938443b1bp-55, 0x1.250af3c2c5b55p-55,
    0x1.b8d0be3fdf595p-56
};
static const double zig_f[257] = {
    0x1.f4a946f138436p-12, 0x1.4a605b6b9f70fp-10, 0x1.55f9f43c1b072p-9,
    0x1.08a1f03b0b205p-8, 0x1.69ea8d90cb85dp-8, 0x1.ce160f8ec6837p-8,
    0x1.1a59229952f92p-7, 0x1.4eb96421acfep-7, 0x1.841040d8da478p-7,
    0x1.ba48d274f8facp-7, 0x1.f152a4f72dd49p-7, 0x1.1490334603012p-6,
    0x1.30d388dab5e13p-6, 0x1.4d6eaf2fbb064p-6, 0x1.6a5daf40bbf82p-6,
    0x1.879d1b600c10ap-6, 0x1.a529f4e22ebf8p-6, 0x1.c301983cd091ap-6,
    0x1.e121adb828c75p-6, 0x1.ff881d718a5c4p-6, 0x1.0f1982e968011p-5,
    0x1.1e9059f1f6abcp-5, 0x1.2e27ce83df497p-5, 0x1.3ddf2ce98eecbp-5,
    0x1.4db5d0e112764p-5, 0x1.5dab23cf2adddp-5, 0x1.6dbe9b398d072p-5,
    0x1.7defb77af272dp-5, 0x1.8e3e02a68b5bbp-5, 0x1.9ea90f9295573p-5,
    0x1.af30790385f81p-5, 0x1.bfd3e0f282a3ep-5, 0x1.d092efeadf171p-5,
    0x1.e16d547b25194p-5, 0x1.f262c2b6c6e41p-5, 0x1.01b979e30e49dp-4,
    0x1.0a4ed2c159629p-4, 0x1.12f14d0f217a2p-4, 0x1.1ba0cbe978982p-4,
    0x1.245d344dd0d96p-4, 0x1.2d266cf9b3115p-4, 0x1.35fc5e4d93e7p-4,
    0x1.3edef23269a86p-4, 0x1.47ce1401b2219p-4, 0x1.50c9b06fa2bb4p-4,
    0x1.59d1b577466a9p-4, 0x1.62e6124854d1dp-4, 0x1.6c06b73694a52p-4,
    0x1.753395aaa117bp-4, 0x1.7e6ca013eefdcp-4, 0x1.87b1c9dbf2858p-4,
    0x1.9103075a4a0b4p-4, 0x1.9a604dc9d5b1fp-4, 0x1.a3c9933ea628dp-4,
    0x1.ad3ece9caf63dp-4, 0x1.b6bff78f2e241p-4, 0x1.c04d0680b1027p-4,
    0x1.c9e5f493b7423p-4, 0x1.d38abb9bd91fap-4, 0x1.dd3b56176e8a9p-4,
    0x1.e6f7bf29aa562p-4, 0x1.f0bff29520e33p-4, 0x1.fa93ecb6b2244p-4,
    0x1.0239d54067d38p-3, 0x1.072f94bb8bf91p-3, 0x1.0c2b33d5209c7p-3,
    0x1.112cb1da26ec6p-3, 0x1.16340e5a82d7p-3, 0x1.1b41492757d4fp-3,
    0x1.2054625183c41p-3, 0x1.256d5a2835ec4p-3, 0x1.2a8c3137a0728p-3,
    0x1.2fb0e847c2a73p-3, 0x1.34db805b4ab99p-3, 0x1.3a0bfaae8d7fep-3,
    0x1.3f4258b6931c2p-3, 0x1.447e9c20375e9p-3, 0x1.49c0c6cf5ce44p-3,
    0x1.4f08dade31fdap-3, 0x1.5456da9c8684fp-3, 0x1.59aac88f31d89p-3,
    0x1.5f04a76f88414p-3, 0x1.64647a2adf1b9p-3, 0x1.69ca43e21f275p-3,
    0x1.6f3607e96472dp-3, 0x1.74a7c9c7ab5bcp-3, 0x1.7a1f8d368a338p-3,
    0x1.7f9d5621f7187p-3, 0x1.852128a819a49p-3, 0x1.8aab09192816cp-3,
    0x1.903afbf74fa7bp-3, 0x1.95d105f6a7c3ap-3, 0x1.9b6d2bfd2fe6fp-3,
    0x1.a10f7322d7e5p-3, 0x1.a6b7e0b19268ep-3, 0x1.ac667a2571816p-3,
    0x1.b21b452ccd149p-3, 0x1.b7d647a8731b9p-3, 0x1.bd9787abe18afp-3,
    0x1.c35f0b7d89d53p-3, 0x1.c92cd9971df5fp-3, 0x1.cf00f8a5e6fd5p-3,
    0x1.d4db6f8b25156p-3, 0x1.dabc455c7901p-3, 0x1.e0a381645718dp-3,
    0x1.e6912b2283ce6p-3, 0x1.ec854a4c99c4dp-3, 0x1.f27fe6ce998d8p-3,
    0x1.f88108cb8323bp-3, 0x1.fe88b89df93c7p-3, 0x1.024b7f6c7747fp-2,
    0x1.0555f2242e9d9p-2, 0x1.0863b8f904336p-2, 0x1.0b74d88b242dap-2,
    0x1.0e895598709c4p-2, 0x1.11a134fcf2423p-2, 0x1.14bc7bb34ee67p-2,
    0x1.17db2ed5454e8p-2, 0x1.1afd539c2f05p-2, 0x1.1e22ef6188116p-2,
    0x1.214c079f7cc9ep-2, 0x1.2478a1f17de89p-2, 0x1.27a8c414db11ep-2,
    0x1.2adc73e963fddp-2, 0x1.2e13b77210766p-2, 0x1.314e94d5af62fp-2,
    0x1.348d125f9d19ep-2, 0x1.37cf368081379p-2, 0x1.3b1507cf143aep-2,
    0x1.3e5e8d08ed2dbp-2, 0x1.41abcd1357a19p-2, 0x1.44fccefc324fep-2,
    0x1.485199fad6ad4p-2, 0x1.4baa357109ca2p-2, 0x1.4f06a8ebf6d92p-2,
    0x1.5266fc2533bedp-2, 0x1.55cb3703d01p-2, 0x1.5933619d6eebep-2,
    0x1.5c9f84376c244p-2, 0x1.600fa7480d2c8p-2, 0x1.6383d377be515p-2,
    0x1.66fc11a25cbe2p-2, 0x1.6a786ad88de21p-2, 0x1.6df8e86124caap-2,
    0x1.717d93ba9614cp-2, 0x1.7506769c7b1edp-2, 0x1.78939af9252ebp-2,
    0x1.7c250aff414b1p-2, 0x1.7fbad11b8d913p-2, 0x1.8354f7faa0ddbp-2,
    0x1.86f38a8ac5ab8p-2, 0x1.8a9693fde918bp-2, 0x1.8e3e1fcb9f119p-2,
    0x1.91ea39b33cb1bp-2, 0x1.959aedbe09f98p-2, 0x1.995048418c0ccp-2,
    0x1.9d0a55e1e93e5p-2, 0x1.a0c9239468445p-2, 0x1.a48cbea20c056p-2,
    0x1.a85534aa4d889p-2, 0x1.ac2293a5f5aa5p-2, 0x1.aff4e9ea1855ap-2,
    0x1.b3cc462b331d2p-2, 0x1.b7a8b78071324p-2, 0x1.bb8a4d6716d9ap-2,
    0x1.bf7117c616a1fp-2, 0x1.c35d26f1d2cbfp-2, 0x1.c74e8bb00d7cep-2,
    0x1.cb45573c0a84ep-2, 0x1.cf419b4ae5b75p-2, 0x1.d3436a1021086p-2,
    0x1.d74ad6426de39p-2, 0x1.db57f320b56b6p-2, 0x1.df6ad47763a0ep-2,
    0x1.e3838ea5f9b89p-2, 0x1.e7a236a4ec3cap-2, 0x1.ebc6e20bd1f59p-2,
    0x1.eff1a717e8f9ap-2, 0x1.f4229cb2f7af8p-2, 0x1.f859da7a900cfp-2,
    0x1.fc9778c7bbda8p-2, 0x1.006dc85b8cac8p-1, 0x1.02931e18b822dp-1,
    0x1.04bbcafa63f3p-1, 0x1.06e7dccf03c38p-1, 0x1.091761d995d82p-1,
    0x1.0b4a68d70d9afp-1, 0x1.0d810104142a1p-1, 0x1.0fbb3a2325915p-1,
    0x1.11f9248311f3bp-1, 0x1.143ad105ea9ap-1, 0x1.16805128639dep-1,
    0x1.18c9b709b3c55p-1, 0x1.1b171573fd117p-1, 0x1.1d687fe54996fp-1,
    0x1.1fbe0a9929627p-1, 0x1.2217ca92ff7f7p-1, 0x1.2475d5a90db89p-1,
    0x1.26d84290504f2p-1, 0x1.293f28e93cd1ap-1, 0x1.2baaa14d7954dp-1,
    0x1.2e1ac55ea3bfp-1, 0x1.308fafd6438f1p-1, 0x1.33097c9703a38p-1,
    0x1.358848bf550ebp-1, 0x1.380c32bda00d7p-1, 0x1.3a955a662cd1p-1,
    0x1.3d23e10af31a5p-1, 0x1.3fb7e99585b84p-1, 0x1.425198a355fe5p-1,
    0x1.44f114a49367bp-1, 0x1.479685fdf5014p-1, 0x1.4a42172dc527bp-1,
    0x1.4cf3f4f494ec3p-1, 0x1.4fac4e820b66ap-1, 0x1.526b55a656cd8p-1,
    0x1.55313f08d9e49p-1, 0x1.57fe4264c8d92p-1, 0x1.5ad29acc85c8bp-1,
    0x1.5dae86f4aff6cp-1, 0x1.6092498802667p-1, 0x1.637e298550c1ap-1,
    0x1.667272a92e325p-1, 0x1.696f75e513b2cp-1, 0x1.6c7589e635a8bp-1,
    0x1.6f850baea7afp-1, 0x1.729e5f43f6d14p-1, 0x1.75c1f0770d858p-1,
    0x1.78f033ca0b0d8p-1, 0x1.7c29a779c685bp-1, 0x1.7f6ed4b20e2cep-1,
    0x1.82c050f56cf71p-1, 0x1.861ebfc37bcadp-1, 0x1.898ad48badf04p-1,
    0x1.8d0554fe60aaap-1, 0x1.908f1bd317151p-1, 0x1.94291c21b7a4ap-1,
    0x1.97d4657617ac4p-1, 0x1.9b9228d240685p-1, 0x1.9f63bee651fdcp-1,
    0x1.a34aafdf5af14p-1, 0x1.a748bd550c9e7p-1, 0x1.ab5fef17a250ap-1,
    0x1.af92a3f6ce8a8p-1, 0x1.b3e3a8234dd16p-1, 0x1.b85653a8ff558p-1,
    0x1.bceeb4ee1dc88p-1, 0x1.c1b1cd9eebafp-1, 0x1.c6a5ecea97886p-1,
    0x1.cbd33a8a72df3p-1, 0x1.d144978a119e4p-1, 0x1.d70920657bcfbp-1,
    0x1.dd36fa704de9fp-1, 0x1.e3f11e027f082p-1, 0x1.eb7545b6ca922p-1,
    0x1.f446ac979f097p-1, 0x1p+0
};
/* }================================================================================== */

/* Bits of the 64-bit draw used by the ziggurat (see the file header). */
#define ZIG_LAYER_MASK 0xffu     /* bits 0-7: one of 256 layers */
#define ZIG_SIGN_BIT 0x100u      /* bit 8: the sign */
#define TOP53_SHIFT 11           /* bits 11-63: a 53-bit magnitude, the double mantissa */

/* Marsaglia (1964): for x = E1/r, y = E2 with E1, E2 standard exponential, r + x given
 * 2y > x^2 has the normal tail density beyond r. Acceptance exceeds 0.9 at r = 3.65. */
static double normal_tail(mscsim_rng *rng, double r)
{
    for (;;) {
        double x = -log(mscsim_rng_uniform_pos(rng)) / r;
        double y = -log(mscsim_rng_uniform_pos(rng));
        if (y + y >= x * x)
            return r + x;
    }
}

SIM_API double mscsim_rnorm_std_slow(mscsim_rng *rng, uint64_t u)
{
    for (;;) {
        unsigned layer = (unsigned)(u & ZIG_LAYER_MASK);
        uint64_t j = u >> TOP53_SHIFT;
        double x = (double)(int64_t)j * mscsim_zig_norm_w[layer];
        int negative = (u & ZIG_SIGN_BIT) != 0;

        if (j < mscsim_zig_norm_k[layer])
            return negative ? -x : x; /* inside the layer's core (second and later tries) */
        if (layer == 0) {
            /* Base strip: x uniform on [0, V/f(r)]; the part beyond r stands for the tail,
             * whose area is exactly the strip's excess over r f(r). */
            if (x >= ZIG_R)
                x = normal_tail(rng, ZIG_R);
            return negative ? -x : x;
        }
        /* Wedge: x lies in [X[i+1], X[i]); accept if a uniform height in
         * [f(X[i]), f(X[i+1])] falls under the density. */
        double y = zig_f[layer] + mscsim_rng_uniform(rng) * (zig_f[layer + 1] - zig_f[layer]);
        if (y < exp(-0.5 * x * x))
            return negative ? -x : x;
        u = mscsim_rng_next_u64(rng);
    }
}

SIM_API double mscsim_rexp_std(mscsim_rng *rng)
{
    return -log(mscsim_rng_uniform_pos(rng));
}

/* {==================================================================================
 * Truncated normal (Robert 1995)
 * =================================================================================== */

/* sqrt(2 pi): for an interval containing 0, the uniform proposal (acceptance >= the
 * mean of exp(-z^2/2) over the interval) beats normal rejection (acceptance
 * Phi(b) - Phi(a)) when b - a < sqrt(2 pi) (Robert 1995, section 2.2). */
#define TN_SQRT_2PI 2.5066282746310002

/* Interval width above which the translated exponential is more efficient than the
 * uniform proposal on [a, b], a >= 0 (Robert 1995, section 2.2), from
 * s = a + sqrt(a^2 + 4): 2 sqrt(e) / s * exp((a^2 - a sqrt(a^2 + 4)) / 4), with the
 * exponent rewritten as -a / s to avoid cancellation for large a. */
static double tn_exp_width(double a, double s)
{
    return 2.0 * 1.6487212707001282 /* sqrt(e) */ / s * exp(-a / s);
}

/* Standard normal truncated to [a, b] with 0 <= a < b <= inf. */
static double tn_right(mscsim_rng *rng, double a, double b)
{
    /* hypot avoids overflow for huge a; s serves the width and the rate. */
    double s = a + hypot(a, 2.0);
    if (b - a > tn_exp_width(a, s)) {
        /* z = a + E/alpha, accepted with probability exp(-(z - alpha)^2 / 2); draws
         * beyond b are rejected, which keeps the method exact for finite b. Robert's
         * optimal rate for [a, inf): alpha* = (a + sqrt(a^2 + 4)) / 2. */
        double alpha = 0.5 * s;
        for (;;) {
            double z = a + mscsim_rexp_std(rng) / alpha;
            double d = z - alpha;
            if (z <= b && mscsim_rng_uniform(rng) < exp(-0.5 * d * d))
                return z;
        }
    }
    /* Narrow interval: uniform proposal, acceptance exp((a^2 - z^2)/2) <= 1 because the
     * density is largest at a; (a - z)(a + z) avoids cancellation. */
    for (;;) {
        double z = a + (b - a) * mscsim_rng_uniform(rng);
        if (mscsim_rng_uniform(rng) < exp(0.5 * (a - z) * (a + z)))
            return z;
    }
}

/* Standard normal truncated to [a, b], a < b. */
static double tn_standard(mscsim_rng *rng, double a, double b)
{
    if (a >= 0.0)
        return tn_right(rng, a, b);
    if (b <= 0.0)
        return -tn_right(rng, -b, -a); /* mirror image */
    if (b - a < TN_SQRT_2PI) {
        /* 0 in (a, b), narrow: uniform proposal, acceptance exp(-z^2/2). */
        for (;;) {
            double z = a + (b - a) * mscsim_rng_uniform(rng);
            if (mscsim_rng_uniform(rng) < exp(-0.5 * z * z))
                return z;
        }
    }
    /* 0 in (a, b), wide: plain rejection accepts with probability >= 0.49. */
    for (;;) {
        double z = mscsim_rnorm_std(rng);
        if (z >= a && z <= b)
            return z;
    }
}

SIM_API double mscsim_rtruncnorm(mscsim_rng *rng, double mu, double sd, double lo, double hi)
{
    /* One test admits every call that draws (it is false for any NaN); of the others only
     * sd = 0 with a finite mu and lo < hi has a value. */
    if (!(sd > 0.0 && sd < HUGE_VAL && fabs(mu) < HUGE_VAL && lo < hi)) {
        if (sd == 0.0 && fabs(mu) < HUGE_VAL && lo < hi && lo <= mu && mu <= hi)
            return mu;
        return (double)NAN;
    }
    double z = tn_standard(rng, (lo - mu) / sd, (hi - mu) / sd);
    /* z is in [a, b] exactly; only the rounding of mu + sd z can step outside. The
     * comparisons give fmin(fmax(x, lo), hi) bit for bit (lo, hi not NaN; ties at +-0 return
     * the bound, as maxsd / minsd do) without two calls into libm on every draw. */
    double x = mu + sd * z, above = x > lo ? x : lo;
    return above < hi ? above : hi;
}

/* {==================================================================================
 * Gamma and chi-squared (Marsaglia and Tsang 2000)
 * =================================================================================== */

/* Squeeze constant of Marsaglia and Tsang: 1 - 0.0331 x^4 lies below the acceptance
 * ratio for all x, so most draws are accepted without a logarithm. */
#define MT_SQUEEZE 0.0331

/* Gamma(shape, 1) for shape >= 1: d (1 + c x)^3 with x standard normal, d = shape - 1/3,
 * c = 1 / sqrt(9 d), accepted by the paper's log test (rate >= 0.95 for every shape). */
SIM_API void mscsim_gamma_setup_init(mscsim_gamma_setup *g, double shape)
{
    g->d = shape - 1.0 / 3.0;
    g->c = 1.0 / sqrt(9.0 * g->d);
}

SIM_API double mscsim_rgamma_setup(mscsim_rng *rng, const mscsim_gamma_setup *g)
{
    const double d = g->d, c = g->c;
    for (;;) {
        double x, v;
        do {
            x = mscsim_rnorm_std(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = mscsim_rng_uniform_pos(rng);
        double x2 = x * x;
        if (u < 1.0 - MT_SQUEEZE * x2 * x2)
            return d * v;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v;
    }
}

static double gamma_ge1(mscsim_rng *rng, double shape)
{
    mscsim_gamma_setup g;
    mscsim_gamma_setup_init(&g, shape);
    return mscsim_rgamma_setup(rng, &g);
}

SIM_API double mscsim_rgamma(mscsim_rng *rng, double shape, double scale)
{
    if (isnan(shape) || isnan(scale) || !isfinite(shape) || !isfinite(scale) || shape < 0.0 ||
        scale < 0.0)
        return (double)NAN;
    if (shape == 0.0 || scale == 0.0)
        return 0.0; /* point mass at 0, as R's rgamma */
    if (shape < 1.0) {
        /* Boost: if G ~ Gamma(a + 1) and U ~ U(0, 1), G U^(1/a) ~ Gamma(a). */
        double g = gamma_ge1(rng, shape + 1.0);
        return scale * g * pow(mscsim_rng_uniform_pos(rng), 1.0 / shape);
    }
    return scale * gamma_ge1(rng, shape);
}

SIM_API double mscsim_rchisq(mscsim_rng *rng, double df)
{
    if (isnan(df) || !isfinite(df) || df < 0.0)
        return (double)NAN;
    return mscsim_rgamma(rng, 0.5 * df, 2.0);
}

/* {==================================================================================
 * Binomial: inversion for small means, beta splitting above
 * =================================================================================== */

/* Below this mean (n min(p, 1 - p)) the binomial is drawn by inversion, whose expected
 * cost is about the mean in steps; above it one beta split (two gammas) at least halves n. */
#define BINOM_INVERSION_MEAN 16.0

/* Bin(n, p) for p <= 1/2 by sequential inversion: pmf(k) = pmf(k - 1) (g / k - r), with
 * r = p / q and g = r (n + 1), from pmf(0) = q^n. The mass the recurrence loses to
 * rounding beyond n is taken by a fresh uniform (a restart), so nothing is clipped. */
static long binom_inversion(mscsim_rng *rng, long n, double p)
{
    const double q = 1.0 - p, r = p / q, g = r * (double)(n + 1);
    const double f0 = exp((double)n * log1p(-p));
    for (;;) {
        double u = mscsim_rng_uniform(rng), f = f0;
        long k = 0;
        while (u >= f) {
            u -= f;
            if (++k > n)
                break;
            f *= g / (double)k - r;
        }
        if (k <= n)
            return k;
    }
}

SIM_API long mscsim_rbinom(mscsim_rng *rng, long n, double p)
{
    if (n < 0 || !(p >= 0.0 && p <= 1.0))
        return -1;
    /* The result is offset + sign X with X ~ Bin(n, p) still to draw: p > 1/2 draws the
     * failures instead, and a beta split fixes part of the count (Knuth, TAOCP 2, 3.4.1). */
    long offset = 0, sign = 1;
    for (;;) {
        if (p > 0.5) {
            offset += sign * n;
            sign = -sign;
            p = 1.0 - p;
        }
        if (n == 0 || p == 0.0)
            return offset;
        if ((double)n * p < BINOM_INVERSION_MEAN)
            return offset + sign * binom_inversion(rng, n, p);
        /* U_(a), the a-th smallest of n uniforms, is Beta(a, n + 1 - a). The uniforms
         * below p are among the a - 1 below U_(a) when U_(a) >= p, each below p with
         * probability p / U_(a); else they are these a and some of the n - a above. */
        long a = 1 + n / 2, b = n + 1 - a;
        double ga = mscsim_rgamma(rng, (double)a, 1.0), gb = mscsim_rgamma(rng, (double)b, 1.0);
        double x = ga / (ga + gb);
        if (x >= p) {
            n = a - 1;
            p = p / x;
        } else {
            offset += sign * a;
            n = b - 1;
            p = (p - x) / (1.0 - x);
        }
    }
}

/* {==================================================================================
 * Hypergeometric and multivariate hypergeometric
 * =================================================================================== */

/* Urns of up to HYPER_SEQUENTIAL items per category (and 2^11 in all) are drawn one item
 * at a time: cheaper than the pmf at the mode below that (measured on the nested table
 * path's small tree nodes, where the mRS has 9 categories). */
#define HYPER_SEQUENTIAL 4
#define HYPER_SEQUENTIAL_MAX 2048

/* The draws one at a time, each item floor(j total / 2^53) of the total left for a 53-bit
 * j (exact in integers: total <= 2^11), counted into out[0..k) (zeroed here). */
static void hyper_sequential(mscsim_rng *rng, const long *count, int k, long total, long draws,
                             long *out)
{
    for (int j = 0; j < k; j++)
        out[j] = 0;
    for (long i = 0; i < draws; i++, total--) {
        long t = (long)((mscsim_rng_next_u53(rng) * (uint64_t)total) >> 53);
        int j = 0;
        while ((t -= count[j] - out[j]) >= 0)
            j++;
        out[j]++;
    }
}

/* log(i!) for i <= LOG_FACT_MAX (32 KB), filled once (call_once: thread-safe) from Rmath's
 * lgammafn, accurate to the last bits: the pmf from nine of them is exp of a sum whose
 * rounding is about 1e-11 relative at these sizes. Larger totals use Rmath's dhyper
 * (Loader's saddle-point deviances: relative error near 1e-15 at any size). */
#define LOG_FACT_MAX 4096
static double log_fact[LOG_FACT_MAX + 1];
static once_flag log_fact_once = ONCE_FLAG_INIT;

static void log_fact_fill(void)
{
    for (int i = 0; i <= LOG_FACT_MAX; i++)
        log_fact[i] = lgammafn((double)i + 1.0);
}

/* The hypergeometric pmf at x (in its support). */
static double hyper_pmf(long x, long good, long bad, long draws)
{
    long total = good + bad;
    if (total > LOG_FACT_MAX)
        return dhyper((double)x, (double)good, (double)bad, (double)draws, 0);
    call_once(&log_fact_once, log_fact_fill);
    const double *f = log_fact;
    return exp(f[good] - f[x] - f[good - x] + f[bad] - f[draws - x] - f[bad - draws + x] -
               f[total] + f[draws] + f[total - draws]);
}

/* Hyper(good, bad, draws) above the sequential sizes by inversion from the mode (the
 * chop-down search of Kemp 1986, centred): u is compared with the pmf at the mode, then
 * alternately at the next value below and above, each pmf carried from its neighbour by
 *   f(x + 1) / f(x) = (good - x) (draws - x) / ((x + 1) (bad - draws + x + 1)).
 * The expected number of steps is about the standard deviation, and the mass the
 * recurrence loses to rounding is taken by a fresh uniform (a restart), as in
 * binom_inversion, so nothing is clipped. */
SIM_API long mscsim_rhyper(mscsim_rng *rng, long good, long bad, long draws)
{
    if (good < 0 || bad < 0 || draws < 0 || draws > good + bad)
        return -1;
    long lo_x = draws > bad ? draws - bad : 0, hi_x = draws < good ? draws : good;
    if (lo_x == hi_x)
        return lo_x;
    if (good + bad <= 2 * HYPER_SEQUENTIAL) {
        const long count[2] = {good, bad};
        long out[2];
        hyper_sequential(rng, count, 2, good + bad, draws, out);
        return out[0];
    }
    double g = (double)good, b = (double)bad, k = (double)draws;
    /* The mode: floor((draws + 1) (good + 1) / (good + bad + 2)). */
    long mode = (long)floor((k + 1.0) * (g + 1.0) / (g + b + 2.0));
    if (mode < lo_x)
        mode = lo_x;
    if (mode > hi_x)
        mode = hi_x;
    const double f_mode = hyper_pmf(mode, good, bad, draws);
    for (;;) {
        double u = mscsim_rng_uniform(rng) - f_mode;
        if (u < 0.0)
            return mode;
        long down = mode, up = mode;
        double f_down = f_mode, f_up = f_mode;
        while (down > lo_x || up < hi_x) {
            if (down > lo_x) { /* f(down - 1) = f(down) / ratio(down - 1) */
                double x = (double)(down - 1);
                f_down *= (x + 1.0) * (b - k + x + 1.0) / ((g - x) * (k - x));
                down--;
                if ((u -= f_down) < 0.0)
                    return down;
            }
            if (up < hi_x) {
                double x = (double)up;
                f_up *= (g - x) * (k - x) / ((x + 1.0) * (b - k + x + 1.0));
                up++;
                if ((u -= f_up) < 0.0)
                    return up;
            }
        }
    }
}

SIM_API long mscsim_rmvhyper(mscsim_rng *rng, const long *count, int k, long draws, long *out)
{
    long total = 0;
    for (int j = 0; j < k; j++) {
        if (count[j] < 0)
            return -1;
        total += count[j];
    }
    if (k < 1 || draws < 0 || draws > total)
        return -1;
    if (total <= HYPER_SEQUENTIAL * (long)k && total <= HYPER_SEQUENTIAL_MAX) {
        hyper_sequential(rng, count, k, total, draws, out);
        return draws;
    }
    /* Category j's share of what is left to draw from what is left of the categories. */
    long left = draws;
    for (int j = 0; j < k; j++) {
        total -= count[j];
        out[j] = left == 0 ? 0 : j + 1 == k ? left : mscsim_rhyper(rng, count[j], total, left);
        left -= out[j];
    }
    return draws;
}

/* {==================================================================================
 * Categorical: alias method (Walker 1977, Vose 1991)
 * =================================================================================== */

SIM_API int mscsim_categorical_init(mscsim_categorical *c, const double *p, int k,
                                       mscsim_error *err)
{
    if (!c || !p)
        return sim_error_set(err, MSCSIM_EINVAL, "categorical: %s is NULL",
                                !c ? "the sampler" : "the probability array");
    memset(c, 0, sizeof *c); /* k = 0 marks the sampler unusable until set-up succeeds */
    if (k < 1 || k > MSCSIM_CATEGORICAL_MAX)
        return sim_error_set(err, MSCSIM_EINVAL,
                                "categorical: number of categories %d must be in [1, %d]", k,
                                MSCSIM_CATEGORICAL_MAX);
    double sum = 0.0;
    for (int i = 0; i < k; i++) {
        if (!(p[i] >= 0.0) || !isfinite(p[i]))
            return sim_error_set(err, MSCSIM_EINVAL,
                                    "categorical: probability %d is %g; each must be a finite "
                                    "number >= 0",
                                    i + 1, p[i]);
        sum += p[i];
    }
    if (!sim_sums_to_one(sum))
        return sim_error_set(err, MSCSIM_EINVAL,
                                "categorical: probabilities sum to %.15g; they must sum to 1 "
                                "(within %g)",
                                sum, SIM_SUM_TO_ONE_TOL);

    /* Vose: scale to mean 1, then repeatedly fill a short column from a tall one. */
    double q[MSCSIM_CATEGORICAL_MAX];
    int small[MSCSIM_CATEGORICAL_MAX], large[MSCSIM_CATEGORICAL_MAX];
    int n_small = 0, n_large = 0;
    for (int i = 0; i < k; i++) {
        q[i] = p[i] / sum * k;
        if (q[i] < 1.0)
            small[n_small++] = i;
        else
            large[n_large++] = i;
    }
    while (n_small > 0 && n_large > 0) {
        int s = small[--n_small], g = large[--n_large];
        c->threshold[s] = q[s];
        c->alias[s] = g;
        q[g] = (q[g] + q[s]) - 1.0; /* Vose's order of operations loses least precision */
        if (q[g] < 1.0)
            small[n_small++] = g;
        else
            large[n_large++] = g;
    }
    /* What is left is full up to rounding: such columns always keep their own category. */
    while (n_large > 0) {
        int g = large[--n_large];
        c->threshold[g] = 1.0;
        c->alias[g] = g;
    }
    while (n_small > 0) {
        int s = small[--n_small];
        c->threshold[s] = 1.0;
        c->alias[s] = s;
    }
    c->k = k;
    return MSCSIM_OK;
}
