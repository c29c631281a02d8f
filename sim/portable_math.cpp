#include "sim/portable_math.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ecsim::sim {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^21 (kLn2Hi has 32 significant bits).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kSqrtHalf = 0.70710678118654752440;

// ---- log -----------------------------------------------------------------------------------------
//
// x = 2^e m with m in [sqrt(1/2), sqrt(2)), and m in one of 91 intervals of width 1/128 centred
// on c_j = 0.70703125 + (j + 1/2) / 128 (an exact binary fraction; c_37 = 1):
//   log x = e ln 2 + log c_j + log1p(r),   r = (m - c_j) / c_j,   |r| < 0.0056,
// m - c_j exact (Sterbenz), r rounded twice, log1p(r) by its Taylor series to r^8 (the next term
// is below 2^-54 r). log c_j is held as two doubles (hi + lo), so only r's rounding and the last
// sums remain: within 1 ulp. Near 1 (|m - 1| < 1/32) the result is small and r's relative error
// would show, so the atanh series below takes over there.
//
// The table: 1 / c_j rounded to nearest, and log c_j as the double nearest it plus the double
// nearest the rest, each computed to 80 significant digits (Python's decimal module).
struct LogEntry {
  double invc;
  double logc_hi;
  double logc_lo;
};
constexpr double kLogTableStart = 0.70703125;
constexpr LogEntry kLogTable[91] = {
    {0x1.6816816816817p+0, -0x1.5d5bddf595f30p-2, 0x1.6541148cbb8a2p-56},  // c = 0.71093750
    {0x1.642c8590b2164p+0, -0x1.522ae0738a3d8p-2, 0x1.8f7e9b38a6979p-57},  // c = 0.71875000
    {0x1.6058160581606p+0, -0x1.4718dc271c41bp-2, -0x1.8fb4c14c56eefp-60},  // c = 0.72656250
    {0x1.5c9882b931057p+0, -0x1.3c25277333184p-2, 0x1.2ad27e50a8ec6p-56},  // c = 0.73437500
    {0x1.58ed2308158edp+0, -0x1.314f1e1d35ce4p-2, 0x1.3d69909e5c3dcp-56},  // c = 0.74218750
    {0x1.5555555555555p+0, -0x1.269621134db92p-2, -0x1.e0efadd9db02bp-56},  // c = 0.75000000
    {0x1.51d07eae2f815p+0, -0x1.1bf99635a6b95p-2, 0x1.12aeb84249223p-57},  // c = 0.75781250
    {0x1.4e5e0a72f0539p+0, -0x1.1178e8227e47cp-2, 0x1.0e63a5f01c691p-57},  // c = 0.76562500
    {0x1.4afd6a052bf5bp+0, -0x1.07138604d5862p-2, -0x1.cdb16ed4e9138p-56},  // c = 0.77343750
    {0x1.47ae147ae147bp+0, -0x1.f991c6cb3b379p-3, -0x1.f665066f980a2p-57},  // c = 0.78125000
    {0x1.446f86562d9fbp+0, -0x1.e530effe71012p-3, -0x1.2276041f43042p-59},  // c = 0.78906250
    {0x1.4141414141414p+0, -0x1.d1037f2655e7bp-3, -0x1.60629242471a2p-57},  // c = 0.79687500
    {0x1.3e22cbce4a902p+0, -0x1.bd087383bd8adp-3, -0x1.dd355f6a516d7p-60},  // c = 0.80468750
    {0x1.3b13b13b13b14p+0, -0x1.a93ed3c8ad9e3p-3, -0x1.bcafa9de97203p-57},  // c = 0.81250000
    {0x1.3813813813814p+0, -0x1.95a5adcf7017fp-3, -0x1.142c507fb7a3dp-58},  // c = 0.82031250
    {0x1.3521cfb2b78c1p+0, -0x1.823c16551a3c2p-3, 0x1.1232ce70be781p-57},  // c = 0.82812500
    {0x1.323e34a2b10bfp+0, -0x1.6f0128b756abcp-3, 0x1.8de59c21e166cp-57},  // c = 0.83593750
    {0x1.2f684bda12f68p+0, -0x1.5bf406b543db2p-3, 0x1.1f5b44c0df7e7p-61},  // c = 0.84375000
    {0x1.2c9fb4d812ca0p+0, -0x1.4913d8333b561p-3, 0x1.0d5604930f135p-58},  // c = 0.85156250
    {0x1.29e4129e4129ep+0, -0x1.365fcb0159016p-3, -0x1.7d411a5b944adp-58},  // c = 0.85937500
    {0x1.27350b8812735p+0, -0x1.23d712a49c202p-3, 0x1.6e38161051d69p-57},  // c = 0.86718750
    {0x1.2492492492492p+0, -0x1.1178e8227e47cp-3, 0x1.0e63a5f01c691p-58},  // c = 0.87500000
    {0x1.21fb78121fb78p+0, -0x1.fe89139dbd566p-4, 0x1.ac9f4215f9393p-58},  // c = 0.88281250
    {0x1.1f7047dc11f70p+0, -0x1.da727638446a2p-4, -0x1.401fa71733019p-58},  // c = 0.89062500
    {0x1.1cf06ada2811dp+0, -0x1.b6ac88dad5b1cp-4, 0x1.0057eed1ca59fp-59},  // c = 0.89843750
    {0x1.1a7b9611a7b96p+0, -0x1.9335e5d594989p-4, 0x1.478a85704ccb7p-58},  // c = 0.90625000
    {0x1.1811811811812p+0, -0x1.700d30aeac0e1p-4, 0x1.72566212cdd05p-61},  // c = 0.91406250
    {0x1.15b1e5f75270dp+0, -0x1.4d3115d207eacp-4, -0x1.769f42c7842ccp-58},  // c = 0.92187500
    {0x1.135c81135c811p+0, -0x1.2aa04a44717a5p-4, 0x1.d15d38d2fa3f7p-58},  // c = 0.92968750
    {0x1.1111111111111p+0, -0x1.08598b59e3a07p-4, 0x1.dd7009902bf32p-58},  // c = 0.93750000
    {0x1.0ecf56be69c90p+0, -0x1.ccb73cdddb2ccp-5, 0x1.e48fb0500efd4p-59},  // c = 0.94531250
    {0x1.0c9714fbcda3bp+0, -0x1.894aa149fb343p-5, -0x1.a8be97660a23dp-60},  // c = 0.95312500
    {0x1.0a6810a6810a7p+0, -0x1.466aed42de3eap-5, 0x1.cdd6f7f4a137ep-59},  // c = 0.96093750
    {0x1.0842108421084p+0, -0x1.0415d89e74444p-5, -0x1.c05cf1d753622p-59},  // c = 0.96875000
    {0x1.0624dd2f1a9fcp+0, -0x1.8492528c8cabfp-6, 0x1.d192d0619fa67p-60},  // c = 0.97656250
    {0x1.0410410410410p+0, -0x1.0205658935847p-6, -0x1.27c8e8416e71fp-60},  // c = 0.98437500
    {0x1.0204081020408p+0, -0x1.010157588de71p-7, -0x1.46662d417ced0p-62},  // c = 0.99218750
    {0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0},  // c = 1.00000000
    {0x1.fc07f01fc07f0p-1, 0x1.fe02a6b106789p-8, -0x1.e44b7e3711ebfp-67},  // c = 1.00781250
    {0x1.f81f81f81f820p-1, 0x1.fc0a8b0fc03e4p-7, -0x1.83092c59642a1p-62},  // c = 1.01562500
    {0x1.f44659e4a4271p-1, 0x1.7b91b07d5b11bp-6, -0x1.5b602ace3a510p-60},  // c = 1.02343750
    {0x1.f07c1f07c1f08p-1, 0x1.f829b0e783300p-6, 0x1.33e3f04f1ef23p-60},  // c = 1.03125000
    {0x1.ecc07b301ecc0p-1, 0x1.39e87b9febd60p-5, -0x1.5bfa937f551bbp-59},  // c = 1.03906250
    {0x1.e9131abf0b767p-1, 0x1.77458f632dcfcp-5, 0x1.18d3ca87b9296p-59},  // c = 1.04687500
    {0x1.e573ac901e574p-1, 0x1.b42dd711971bfp-5, -0x1.eb9759c130499p-60},  // c = 1.05468750
    {0x1.e1e1e1e1e1e1ep-1, 0x1.f0a30c01162a6p-5, 0x1.85f325c5bbacdp-59},  // c = 1.06250000
    {0x1.de5d6e3f8868ap-1, 0x1.16536eea37ae1p-4, -0x1.79da3e8c22cdap-60},  // c = 1.07031250
    {0x1.dae6076b981dbp-1, 0x1.341d7961bd1d1p-4, -0x1.b599f227becbbp-58},  // c = 1.07812500
    {0x1.d77b654b82c34p-1, 0x1.51b073f06183fp-4, 0x1.a49e39a1a8be4p-58},  // c = 1.08593750
    {0x1.d41d41d41d41dp-1, 0x1.6f0d28ae56b4cp-4, -0x1.906d99184b992p-58},  // c = 1.09375000
    {0x1.d0cb58f6ec074p-1, 0x1.8c345d6319b21p-4, -0x1.4a697ab3424a9p-61},  // c = 1.10156250
    {0x1.cd85689039b0bp-1, 0x1.a926d3a4ad563p-4, 0x1.942f48aa70ea9p-58},  // c = 1.10937500
    {0x1.ca4b3055ee191p-1, 0x1.c5e548f5bc743p-4, 0x1.5d617ef8161b1p-60},  // c = 1.11718750
    {0x1.c71c71c71c71cp-1, 0x1.e27076e2af2e6p-4, -0x1.61578001e0162p-60},  // c = 1.12500000
    {0x1.c3f8f01c3f8f0p-1, 0x1.fec9131dbeabbp-4, -0x1.5746b9981b36cp-58},  // c = 1.13281250
    {0x1.c0e070381c0e0p-1, 0x1.0d77e7cd08e59p-3, 0x1.9a5dc5e9030acp-57},  // c = 1.14062500
    {0x1.bdd2b899406f7p-1, 0x1.1b72ad52f67a0p-3, 0x1.483023472cd74p-58},  // c = 1.14843750
    {0x1.bacf914c1bad0p-1, 0x1.29552f81ff523p-3, 0x1.301771c407dbfp-57},  // c = 1.15625000
    {0x1.b7d6c3dda338bp-1, 0x1.371fc201e8f74p-3, 0x1.de6cb62af18a0p-58},  // c = 1.16406250
    {0x1.b4e81b4e81b4fp-1, 0x1.44d2b6ccb7d1ep-3, 0x1.9f4f6543e1f88p-57},  // c = 1.17187500
    {0x1.b2036406c80d9p-1, 0x1.526e5e3a1b438p-3, -0x1.746ff8a470d3ap-57},  // c = 1.17968750
    {0x1.af286bca1af28p-1, 0x1.5ff3070a793d4p-3, -0x1.bc60efafc6f6ep-58},  // c = 1.18750000
    {0x1.ac5701ac5701bp-1, 0x1.6d60fe719d21dp-3, -0x1.caae268ecd179p-57},  // c = 1.19531250
    {0x1.a98ef606a63bep-1, 0x1.7ab890210d909p-3, 0x1.be36b2d6a0608p-59},  // c = 1.20312500
    {0x1.a6d01a6d01a6dp-1, 0x1.87fa06520c911p-3, -0x1.bf7fdbfa08d9ap-57},  // c = 1.21093750
    {0x1.a41a41a41a41ap-1, 0x1.9525a9cf456b4p-3, 0x1.d904c1d4e2e26p-57},  // c = 1.21875000
    {0x1.a16d3f97a4b02p-1, 0x1.a23bc1fe2b563p-3, 0x1.93711b07a998cp-59},  // c = 1.22656250
    {0x1.9ec8e951033d9p-1, 0x1.af3c94e80bff3p-3, -0x1.398cff3641985p-58},  // c = 1.23437500
    {0x1.9c2d14ee4a102p-1, 0x1.bc286742d8cd6p-3, 0x1.4fce744870f55p-58},  // c = 1.24218750
    {0x1.999999999999ap-1, 0x1.c8ff7c79a9a22p-3, -0x1.4f689f8434012p-57},  // c = 1.25000000
    {0x1.970e4f80cb872p-1, 0x1.d5c216b4fbb91p-3, 0x1.6e443597e4d40p-57},  // c = 1.25781250
    {0x1.948b0fcd6e9e0p-1, 0x1.e27076e2af2e6p-3, -0x1.61578001e0162p-59},  // c = 1.26562500
    {0x1.920fb49d0e229p-1, 0x1.ef0adcbdc5936p-3, 0x1.48637950dc20dp-57},  // c = 1.27343750
    {0x1.8f9c18f9c18fap-1, 0x1.fb9186d5e3e2bp-3, -0x1.caaae64f21acbp-57},  // c = 1.28125000
    {0x1.8d3018d3018d3p-1, 0x1.0402594b4d041p-2, -0x1.28ec217a5022dp-57},  // c = 1.28906250
    {0x1.8acb90f6bf3aap-1, 0x1.0a324e27390e3p-2, 0x1.7dcfde8061c03p-56},  // c = 1.29687500
    {0x1.886e5f0abb04ap-1, 0x1.1058bf9ae4ad5p-2, 0x1.89fa0ab4cb31dp-58},  // c = 1.30468750
    {0x1.8618618618618p-1, 0x1.1675cababa60ep-2, 0x1.ce63eab883717p-61},  // c = 1.31250000
    {0x1.83c977ab2beddp-1, 0x1.1c898c16999fbp-2, -0x1.0e5c62aff1c44p-60},  // c = 1.32031250
    {0x1.8181818181818p-1, 0x1.22941fbcf7966p-2, -0x1.76f5eb09628afp-56},  // c = 1.32812500
    {0x1.7f405fd017f40p-1, 0x1.2895a13de86a3p-2, 0x1.7ad24c13f040ep-56},  // c = 1.33593750
    {0x1.7d05f417d05f4p-1, 0x1.2e8e2bae11d31p-2, -0x1.8f4cdb95ebdf9p-56},  // c = 1.34375000
    {0x1.7ad2208e0ecc3p-1, 0x1.347dd9a987d55p-2, -0x1.4dd4c580919f8p-57},  // c = 1.35156250
    {0x1.78a4c8178a4c8p-1, 0x1.3a64c556945eap-2, -0x1.c68651945f97cp-57},  // c = 1.35937500
    {0x1.767dce434a9b1p-1, 0x1.404308686a7e4p-2, -0x1.0bcfb6082ce6dp-56},  // c = 1.36718750
    {0x1.745d1745d1746p-1, 0x1.4618bc21c5ec2p-2, 0x1.f42decdeccf1dp-56},  // c = 1.37500000
    {0x1.724287f46debcp-1, 0x1.4be5f957778a1p-2, -0x1.259b35b04813dp-57},  // c = 1.38281250
    {0x1.702e05c0b8170p-1, 0x1.51aad872df82dp-2, 0x1.3927ac19f55e3p-59},  // c = 1.39062500
    {0x1.6e1f76b4337c7p-1, 0x1.5767717455a6cp-2, 0x1.526adb283660cp-56},  // c = 1.39843750
    {0x1.6c16c16c16c17p-1, 0x1.5d1bdbf5809cap-2, 0x1.4236383dc7fe1p-56},  // c = 1.40625000
    {0x1.6a13cd1537290p-1, 0x1.62c82f2b9c795p-2, 0x1.7b7af915300e5p-57},  // c = 1.41406250
};

// c_j, exact.
constexpr std::array<double, 91> kLogCentre = [] {
  std::array<double, 91> c{};
  for (std::size_t j = 0; j < c.size(); ++j) c[j] = kLogTableStart + (static_cast<double>(j) + 0.5) / 128.0;
  return c;
}();

// log(m) for m in [sqrt(1/2), sqrt(2)) by 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the
// odd series 2 (s + s^3/3 + s^5/5 + ...) converges below 1e-17 by its 13th term.
double log_series(double m) {
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double sum = 0.0;
  for (int k = 25; k >= 3; k -= 2) sum = (sum + 1.0 / k) * s2;
  return 2.0 * s + 2.0 * s * sum;
}

// ---- exp -----------------------------------------------------------------------------------------
//
// x = (k + j / 128) ln 2 + r with |r| <= ln 2 / 256:  e^x = 2^k 2^(j/128) e^r, e^r - 1 by its
// Taylor series to r^5 (the next term is below 2^-60). 2^(j/128) is the double nearest it (80
// digits, Python's decimal module): within 1 ulp in all.
constexpr double kExpTable[128] = {
    0x1.0000000000000p+0,
    0x1.0163da9fb3335p+0,
    0x1.02c9a3e778061p+0,
    0x1.04315e86e7f85p+0,
    0x1.059b0d3158574p+0,
    0x1.0706b29ddf6dep+0,
    0x1.0874518759bc8p+0,
    0x1.09e3ecac6f383p+0,
    0x1.0b5586cf9890fp+0,
    0x1.0cc922b7247f7p+0,
    0x1.0e3ec32d3d1a2p+0,
    0x1.0fb66affed31bp+0,
    0x1.11301d0125b51p+0,
    0x1.12abdc06c31ccp+0,
    0x1.1429aaea92de0p+0,
    0x1.15a98c8a58e51p+0,
    0x1.172b83c7d517bp+0,
    0x1.18af9388c8deap+0,
    0x1.1a35beb6fcb75p+0,
    0x1.1bbe084045cd4p+0,
    0x1.1d4873168b9aap+0,
    0x1.1ed5022fcd91dp+0,
    0x1.2063b88628cd6p+0,
    0x1.21f49917ddc96p+0,
    0x1.2387a6e756238p+0,
    0x1.251ce4fb2a63fp+0,
    0x1.26b4565e27cddp+0,
    0x1.284dfe1f56381p+0,
    0x1.29e9df51fdee1p+0,
    0x1.2b87fd0dad990p+0,
    0x1.2d285a6e4030bp+0,
    0x1.2ecafa93e2f56p+0,
    0x1.306fe0a31b715p+0,
    0x1.32170fc4cd831p+0,
    0x1.33c08b26416ffp+0,
    0x1.356c55f929ff1p+0,
    0x1.371a7373aa9cbp+0,
    0x1.38cae6d05d866p+0,
    0x1.3a7db34e59ff7p+0,
    0x1.3c32dc313a8e5p+0,
    0x1.3dea64c123422p+0,
    0x1.3fa4504ac801cp+0,
    0x1.4160a21f72e2ap+0,
    0x1.431f5d950a897p+0,
    0x1.44e086061892dp+0,
    0x1.46a41ed1d0057p+0,
    0x1.486a2b5c13cd0p+0,
    0x1.4a32af0d7d3dep+0,
    0x1.4bfdad5362a27p+0,
    0x1.4dcb299fddd0dp+0,
    0x1.4f9b2769d2ca7p+0,
    0x1.516daa2cf6642p+0,
    0x1.5342b569d4f82p+0,
    0x1.551a4ca5d920fp+0,
    0x1.56f4736b527dap+0,
    0x1.58d12d497c7fdp+0,
    0x1.5ab07dd485429p+0,
    0x1.5c9268a5946b7p+0,
    0x1.5e76f15ad2148p+0,
    0x1.605e1b976dc09p+0,
    0x1.6247eb03a5585p+0,
    0x1.6434634ccc320p+0,
    0x1.6623882552225p+0,
    0x1.68155d44ca973p+0,
    0x1.6a09e667f3bcdp+0,
    0x1.6c012750bdabfp+0,
    0x1.6dfb23c651a2fp+0,
    0x1.6ff7df9519484p+0,
    0x1.71f75e8ec5f74p+0,
    0x1.73f9a48a58174p+0,
    0x1.75feb564267c9p+0,
    0x1.780694fde5d3fp+0,
    0x1.7a11473eb0187p+0,
    0x1.7c1ed0130c132p+0,
    0x1.7e2f336cf4e62p+0,
    0x1.80427543e1a12p+0,
    0x1.82589994cce13p+0,
    0x1.8471a4623c7adp+0,
    0x1.868d99b4492edp+0,
    0x1.88ac7d98a6699p+0,
    0x1.8ace5422aa0dbp+0,
    0x1.8cf3216b5448cp+0,
    0x1.8f1ae99157736p+0,
    0x1.9145b0b91ffc6p+0,
    0x1.93737b0cdc5e5p+0,
    0x1.95a44cbc8520fp+0,
    0x1.97d829fde4e50p+0,
    0x1.9a0f170ca07bap+0,
    0x1.9c49182a3f090p+0,
    0x1.9e86319e32323p+0,
    0x1.a0c667b5de565p+0,
    0x1.a309bec4a2d33p+0,
    0x1.a5503b23e255dp+0,
    0x1.a799e1330b358p+0,
    0x1.a9e6b5579fdbfp+0,
    0x1.ac36bbfd3f37ap+0,
    0x1.ae89f995ad3adp+0,
    0x1.b0e07298db666p+0,
    0x1.b33a2b84f15fbp+0,
    0x1.b59728de5593ap+0,
    0x1.b7f76f2fb5e47p+0,
    0x1.ba5b030a1064ap+0,
    0x1.bcc1e904bc1d2p+0,
    0x1.bf2c25bd71e09p+0,
    0x1.c199bdd85529cp+0,
    0x1.c40ab5fffd07ap+0,
    0x1.c67f12e57d14bp+0,
    0x1.c8f6d9406e7b5p+0,
    0x1.cb720dcef9069p+0,
    0x1.cdf0b555dc3fap+0,
    0x1.d072d4a07897cp+0,
    0x1.d2f87080d89f2p+0,
    0x1.d5818dcfba487p+0,
    0x1.d80e316c98398p+0,
    0x1.da9e603db3285p+0,
    0x1.dd321f301b460p+0,
    0x1.dfc97337b9b5fp+0,
    0x1.e264614f5a129p+0,
    0x1.e502ee78b3ff6p+0,
    0x1.e7a51fbc74c83p+0,
    0x1.ea4afa2a490dap+0,
    0x1.ecf482d8e67f1p+0,
    0x1.efa1bee615a27p+0,
    0x1.f252b376bba97p+0,
    0x1.f50765b6e4540p+0,
    0x1.f7bfdad9cbe14p+0,
    0x1.fa7c1819e90d8p+0,
    0x1.fd3c22b8f71f1p+0,
};
constexpr double kInvLn2Times128 = 0x1.71547652b82fep+7;
constexpr double kLn2HiBy128 = kLn2Hi / 128;  // exact: a power of two apart
constexpr double kLn2LoBy128 = kLn2Lo / 128;
constexpr double kRoundShift = 0x1.8p52;  // x + 1.5 * 2^52 - 1.5 * 2^52 rounds x to an integer, ties to even

// e^x by the series, for the results near the bottom of the range (subnormal ones included).
double exp_series(double x) {
  const double k = std::nearbyint(x * kInvLn2);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  double p = 1.0;
  for (int n = 18; n >= 1; --n) p = 1.0 + p * r / n;
  return std::ldexp(p, static_cast<int>(k));
}

}  // namespace

double portable_log(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  // Zero, subnormal, negative, infinite or NaN: frexp's reduction (and its answers) below.
  if (bits - 0x0010000000000000ULL >= 0x7FE0000000000000ULL) [[unlikely]] {
    int e = 0;
    double m = std::frexp(x, &e);
    if (m < kSqrtHalf) {
      m *= 2.0;
      --e;
    }
    const double de = static_cast<double>(e);
    return de * kLn2Hi + (log_series(m) + de * kLn2Lo);
  }
  // m in [sqrt(1/2), sqrt(2)) and e from the bits, without a branch: subtracting sqrt(1/2)'s
  // bits leaves e in the exponent field (one more when m's mantissa is at or above sqrt(2)'s).
  const std::uint64_t tmp = bits - 0x3FE6A09E667F3BCDULL;
  const auto e = static_cast<int>(static_cast<std::int64_t>(tmp) >> 52);
  const double m = std::bit_cast<double>(bits - (tmp & 0xFFF0000000000000ULL));
  const double de = static_cast<double>(e);
  if (std::fabs(m - 1.0) < 1.0 / 32) return de * kLn2Hi + (log_series(m) + de * kLn2Lo);  // m - 1 is exact
  const auto j = static_cast<int>((m - kLogTableStart) * 128.0);
  const LogEntry& t = kLogTable[j];
  const double c = kLogCentre[static_cast<std::size_t>(j)];
  const double r = (m - c) * t.invc;
  const double r2 = r * r;
  const double p = r + r2 * ((-0.5 + r * (1.0 / 3)) +
                             r2 * ((-0.25 + r * 0.2) + r2 * ((-1.0 / 6 + r * (1.0 / 7)) + r2 * -0.125)));
  // (e ln2_hi + log c_hi) with its rounding error recovered (Fast2Sum: |e ln 2| >= |log c| when
  // e != 0), then the small parts.
  const double big = de * kLn2Hi;
  const double hi = big + t.logc_hi;
  const double err = (big - hi) + t.logc_hi;
  return hi + (err + ((de * kLn2Lo + t.logc_lo) + p));
}

double portable_exp(double x) {
  if (x > 0x1.62e42fefa39efp+9) return std::numeric_limits<double>::infinity();  // log(DBL_MAX) = 709.7827...
  if (x < -745.2) return 0.0;
  if (x < -708.0 || std::isnan(x)) [[unlikely]] return exp_series(x);
  const double kd = (x * kInvLn2Times128 + kRoundShift) - kRoundShift;
  const auto k = static_cast<std::int64_t>(kd);
  const double r = (x - kd * kLn2HiBy128) - kd * kLn2LoBy128;
  const double r2 = r * r;
  const double p = r + r2 * (0.5 + r * (1.0 / 6)) + (r2 * r2) * (1.0 / 24 + r * (1.0 / 120));
  const double t = kExpTable[k & 127];
  const double v = t + t * p;
  // 2^(k >> 7): k >> 7 lies in [-1022, 1024] here; 2^1024 is not a double, so that one is halved.
  std::int64_t scale = k >> 7;
  double extra = 1.0;
  if (scale > 1023) {
    scale -= 1;
    extra = 2.0;
  }
  return v * std::bit_cast<double>(static_cast<std::uint64_t>(scale + 1023) << 52) * extra;
}

}  // namespace ecsim::sim
