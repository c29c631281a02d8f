// log and exp computed from IEEE-754 basic operations only (+, -, *, /, exact scaling), so that
// random draws are bit-identical on every machine and C library.
//
// Why not std::log: glibc picks its implementation at run time by CPU (an FMA variant on one
// machine, not on another), and other C libraries use other algorithms; none promises correctly
// rounded results, so two machines may disagree in the last bit, and a draw that lands on the
// other side of a microsecond changes a run. These functions are accurate to about 1 ulp, and
// above all the same everywhere (the build uses -ffp-contract=off, so no fused multiply-add).
#pragma once

namespace ecsim::sim {

// Natural logarithm. REQUIRES: x > 0 and finite.
double portable_log(double x);

// e^x. Returns +inf above log(DBL_MAX) = 709.7827... and 0 below ~-745.
double portable_exp(double x);

}  // namespace ecsim::sim
