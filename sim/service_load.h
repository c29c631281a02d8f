// Service load: a requests-per-second curve, its exact integrals, and the CPU utilization a
// service reports to CloudWatch when its RUNNING tasks serve that load.
//
// The curve (LoadSpec, sim/model.h) is piecewise linear:
//  - without `repeat`: linear between points, flat at the first point's rate before it and at
//    the last point's rate after it;
//  - with `repeat` = R > 0: points lie in [0, R); t is taken modulo R and the last point joins
//    the first point + R linearly, so a diurnal curve is continuous over midnight.
//
// Every integral here is exact for that curve (trapezoids between knots, and the crossing time
// solved in closed form where demand meets capacity), not a Riemann sum: a run's figures do not
// depend on how often the engine asks. Whole repeat periods are integrated once and multiplied,
// so a call spanning a year of a daily curve costs two partial periods and one full one.
//
// Units: time in µs (SimTime), rates in requests per second, CPU in ECS units (1024 = 1 vCPU).
// A request costs `cpu_milliseconds_per_request` of CPU time, so a load of r rps demands
// r × cpu_ms / 1000 vCPU = r × cpu_ms × 1.024 CPU units.
//
// Pure functions of their arguments: no state, no allocation.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/model.h"
#include "sim/time.h"

namespace ecsim::sim {

// The load at time t in requests per second. REQUIRES: !spec.requests_per_second.empty(), times
// sorted; with repeat > 0, every point's time in [0, repeat).
double requests_per_second(const LoadSpec& spec, SimTime t);

// CPU units the load demands at t: requests_per_second × cpu_milliseconds_per_request × 1.024.
double demand_cpu_units(const LoadSpec& spec, SimTime t);

// Requests per second that `capacity_cpu_units` can serve (capacity / (cpu_ms × 1.024)).
// +infinity when requests cost no CPU and capacity > 0; 0 when capacity <= 0 (no RUNNING task
// serves anything, whatever a request costs).
double servable_requests_per_second(const LoadSpec& spec, std::int64_t capacity_cpu_units);

// What the load did over [a, b).
struct LoadSlice {
  double requests = 0;           // ∫ rps dt
  double unserved_requests = 0;  // ∫ max(0, rps - servable rps) dt: demand beyond capacity
  SimTime overloaded_us = 0;     // time with demand > capacity (strictly), crossings to the µs
};

// Σ requests arriving in [a, b). REQUIRES: a <= b (as for requests_per_second).
double requests_between(const LoadSpec& spec, SimTime a, SimTime b);

// The load over [a, b) served by RUNNING tasks reserving `capacity_cpu_units`, constant over the
// interval (the caller splits at every change). With capacity <= 0 every request is unserved and
// every instant with rps > 0 is overloaded. REQUIRES: a <= b.
LoadSlice integrate_load(const LoadSpec& spec, SimTime a, SimTime b, std::int64_t capacity_cpu_units);

// ECSServiceAverageCPUUtilization over [a, b) in percent, from a slice integrate_load returned
// for the same interval and capacity: CPU used / CPU reserved × 100, where used = min(demand,
// capacity) at every instant.
//
// Why capped at 100: in ECS, CPUUtilization exceeds 100 % only when containers may burst beyond
// their reservation (task-level cpu without container limits; Dev Guide "Amazon ECS CloudWatch
// metrics"). ecsim models each task as getting exactly what it reserves, so demand above the
// reservation is unserved load (LoadSlice::unserved_requests), not utilization. A target
// tracking policy therefore sees at most 100 %, and one scale-out multiplies the running count
// by at most 100 / target: ×2 with a 50 % target.
//
// std::nullopt when capacity <= 0 or a == b: with no RUNNING task ECS publishes no datapoint,
// and Application Auto Scaling treats missing data as no action ("Target tracking scaling
// policies for Application Auto Scaling").
std::optional<double> cpu_utilization_percent(const LoadSpec& spec, const LoadSlice& slice, SimTime a,
                                              SimTime b, std::int64_t capacity_cpu_units);

// Shorthand: integrate_load then cpu_utilization_percent.
std::optional<double> cpu_utilization_percent(const LoadSpec& spec, SimTime a, SimTime b,
                                              std::int64_t capacity_cpu_units);

// ECSServiceAverageMemoryUtilization. ecsim has no memory load model: memory used does not follow
// requests, so the caller supplies a constant percent (the scenario's figure) and this returns it
// while any task runs, std::nullopt (no datapoint) when none does.
std::optional<double> memory_utilization_percent(double constant_percent, std::int64_t running_tasks);

}  // namespace ecsim::sim
