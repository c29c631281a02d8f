#include "tools/planner.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

#include <nlohmann/json.hpp>

#include "placement/registry.h"
#include "reports/checks.h"
#include "reports/summary.h"
#include "sim/engine.h"
#include "tools/memory_budget.h"
#include "tools/work_pool.h"

namespace ecsim::tools {
namespace {

// One candidate's runs, as the contract orders them: seed-major, then the zone lost.
class CandidateRunner {
 public:
  CandidateRunner(const scenarios::ScenarioSource& source, const scenarios::PlanFile& plan,
                  const std::vector<reports::CheckSpec>& slos, const PlanOptions& options, std::int64_t available,
                  std::size_t runs_at_once, sim::ProgressSink* progress)
      : source_(source),
        plan_(plan),
        slos_(slos),
        options_(options),
        available_(available),
        runs_at_once_(runs_at_once),
        progress_(progress) {}

  CandidateResult evaluate(std::size_t index, const std::vector<std::size_t>& choice) {
    CandidateResult c;
    c.index = index;
    c.choice = choice;
    c.worst_value.assign(slos_.size(), 0.0);
    c.worst_margin.assign(slos_.size(), 0.0);
    const sim::Scenario base =
        scenarios::load_scenario_source(source_, candidate_overrides(plan_, c, options_.overrides));
    // Its runs' share of the memory (tools/memory_budget.h), checked before the first: a seed or
    // a zone lost changes none of the figures the check reads.
    const sim::RunLimits limits = check_memory_budget(base, source_.label, available_, runs_at_once_);
    // The variants of one seed: the scenario as it is, or one per zone lost from the start.
    std::vector<sim::Scenario> variants;
    std::vector<std::string> lost;
    if (plan_.survive_loss_of_any_zone) {
      for (std::uint32_t z = 0; z < base.cluster.availability_zones.size(); ++z) {
        sim::Scenario v = base;
        sim::ScenarioEvent outage;
        outage.at = 0;
        outage.type = sim::EventType::kAzOutage;
        outage.zone = z;
        outage.duration = sim::kNever;
        // After the scenario's own events at 0, as if appended to its "events".
        const auto at = std::upper_bound(v.events.begin(), v.events.end(), outage,
                                         [](const sim::ScenarioEvent& a, const sim::ScenarioEvent& b) { return a.at < b.at; });
        v.events.insert(at, outage);
        variants.push_back(std::move(v));
        lost.push_back(base.cluster.availability_zones[z]);
      }
    } else {
      variants.push_back(base);
      lost.emplace_back();
    }
    double cost_sum = 0;
    bool first_run = true;
    for (std::int64_t k = 0; k < plan_.seeds; ++k) {
      for (std::size_t v = 0; v < variants.size(); ++v) {
        sim::Scenario& scenario = variants[v];
        scenario.seed = base.seed + static_cast<std::uint64_t>(k);
        placement::EcsPlacerFactory factory;
        sim::DiscardTasks discard;  // summaries only: no task records kept
        const sim::RunResult result = sim::run_scenario(scenario, factory, progress_, nullptr, &discard, limits);
        const nlohmann::json summary = nlohmann::json::parse(reports::summary_json(result));
        cost_sum += summary.at("cost").at("total").get<double>();
        ++c.runs;
        std::optional<std::size_t> broken;
        double broken_value = 0;
        for (std::size_t s = 0; s < slos_.size(); ++s) {
          const double value = reports::summary_value(summary, slos_[s]);
          const double margin = sim::check_margin(slos_[s].check.op, value, slos_[s].check.bound);
          if (first_run || margin < c.worst_margin[s]) {
            c.worst_margin[s] = margin;
            c.worst_value[s] = value;
          }
          if (!broken && !sim::check_holds(slos_[s].check.op, value, slos_[s].check.bound)) {
            broken = s;
            broken_value = value;
          }
        }
        first_run = false;
        if (broken && !c.broken_slo) {
          c.broken_slo = broken;
          c.broken_value = broken_value;
          c.broken_run = PlanRun{scenario.seed, lost[v]};
        }
        if (c.broken_slo && !options_.brute_force) {
          c.cost = cost_sum / static_cast<double>(c.runs);
          return c;
        }
      }
    }
    c.passed = !c.broken_slo;
    c.cost = cost_sum / static_cast<double>(c.runs);
    return c;
  }

 private:
  const scenarios::ScenarioSource& source_;
  const scenarios::PlanFile& plan_;
  const std::vector<reports::CheckSpec>& slos_;
  const PlanOptions& options_;
  std::int64_t available_;
  std::size_t runs_at_once_;
  sim::ProgressSink* progress_;
};

// What one line of the grid (every dimension fixed but the bisected one) produced.
struct LineOutcome {
  std::vector<CandidateResult> evaluated;
  std::vector<std::string> notes;
};

std::string settings_text(const scenarios::PlanFile& plan, const std::vector<std::size_t>& choice, std::size_t skip) {
  std::string out;
  for (std::size_t d = 0; d < plan.vary.size(); ++d) {
    if (d == skip) continue;
    if (!out.empty()) out += ", ";
    out += scenarios::plan_override(plan.vary[d], choice[d]).text;
  }
  return out.empty() ? "the only line" : out;
}

// Whether a's cost and margins are all at least as good as b's, one of them better.
bool dominates(const CandidateResult& a, const CandidateResult& b) {
  if (a.cost > b.cost) return false;
  bool better = a.cost < b.cost;
  for (std::size_t s = 0; s < a.worst_margin.size(); ++s) {
    if (a.worst_margin[s] < b.worst_margin[s]) return false;
    if (a.worst_margin[s] > b.worst_margin[s]) better = true;
  }
  return better;
}

}  // namespace

std::vector<scenarios::Override> candidate_overrides(const scenarios::PlanFile& plan, const CandidateResult& c,
                                                     const std::vector<scenarios::Override>& base) {
  std::vector<scenarios::Override> out = base;
  for (std::size_t d = 0; d < plan.vary.size(); ++d) out.push_back(scenarios::plan_override(plan.vary[d], c.choice[d]));
  return out;
}

PlanResult run_plan(const scenarios::ScenarioSource& source, const scenarios::PlanFile& plan, const PlanOptions& options) {
  PlanResult out;
  const std::size_t dims = plan.vary.size();
  std::vector<reports::CheckSpec> slos;
  for (const auto& slo : plan.slos) slos.push_back(reports::CheckSpec{slo.check, slo.file.empty() ? plan.label : slo.file, slo.pointer});

  out.grid_size = 1;
  for (const auto& d : plan.vary) out.grid_size *= d.values.size();

  // The bisected dimension: the last range. Without one, every candidate is a line of its own.
  std::optional<std::size_t> bisect;
  for (std::size_t d = 0; d < dims; ++d) {
    if (plan.vary[d].is_range && plan.vary[d].values.size() > 1) bisect = d;
  }
  if (options.brute_force) bisect.reset();
  out.bisected = bisect;
  std::vector<std::size_t> sizes;
  for (const auto& d : plan.vary) sizes.push_back(d.values.size());
  const std::size_t line_length = bisect ? sizes[*bisect] : 1;
  const std::size_t lines = static_cast<std::size_t>(out.grid_size) / line_length;
  // One run at a time per line: each of the lines at once on its share of the memory
  // (tools/memory_budget.h).
  const std::size_t workers = worker_count(options.jobs, lines);
  const std::int64_t available = available_memory_bytes();

  // Validate every value of every dimension against the scenario before any run, and check that
  // its live tasks fit in a run's share of the memory (each candidate is checked again before
  // its runs: two values may fit alone and not together).
  {
    std::vector<scenarios::Override> overrides = options.overrides;
    const std::size_t first_dimension = overrides.size();
    for (const auto& d : plan.vary) overrides.push_back(scenarios::plan_override(d, 0));
    const sim::Scenario first = scenarios::load_scenario_source(source, overrides);
    check_memory_budget(first, source.label, available, workers);
    out.zones = first.cluster.availability_zones;
    for (std::size_t d = 0; d < dims; ++d) {
      for (std::size_t k = 1; k < plan.vary[d].values.size(); ++k) {
        std::vector<scenarios::Override> one = overrides;
        one[first_dimension + d] = scenarios::plan_override(plan.vary[d], k);
        check_memory_budget(scenarios::load_scenario_source(source, one), source.label, available, workers);
      }
    }
  }
  out.runs_per_candidate = plan.seeds * static_cast<std::int64_t>(plan.survive_loss_of_any_zone ? out.zones.size() : 1);

  // Line L's candidates: the grid indices whose other dimensions spell L in row-major order.
  const auto line_choice = [&](std::size_t line, std::size_t along) {
    std::vector<std::size_t> choice(dims, 0);
    std::size_t rest = line;
    for (std::size_t d = dims; d-- > 0;) {
      if (bisect && d == *bisect) {
        choice[d] = along;
        continue;
      }
      choice[d] = rest % sizes[d];
      rest /= sizes[d];
    }
    return choice;
  };
  const auto grid_index = [&](const std::vector<std::size_t>& choice) {
    std::size_t index = 0;
    for (std::size_t d = 0; d < dims; ++d) index = index * sizes[d] + choice[d];
    return index;
  };

  std::vector<LineOutcome> outcomes(lines);
  const auto search_line = [&](std::size_t line, const WorkStop& stop) {
    LineOutcome& o = outcomes[line];
    StopAfterFailure stop_after(stop, line);
    CandidateRunner runner(source, plan, slos, options, available, workers, &stop_after);
    std::map<std::size_t, CandidateResult> memo;
    const auto eval = [&](std::size_t along) -> const CandidateResult& {
      auto it = memo.find(along);
      if (it == memo.end()) {
        const auto choice = line_choice(line, along);
        it = memo.emplace(along, runner.evaluate(grid_index(choice), choice)).first;
      }
      return it->second;
    };
    if (!bisect) {
      eval(0);
    } else if (eval(line_length - 1).passed) {
      // Smallest passing value: `lo` fails (or is below the range), `hi` passes.
      std::size_t hi = line_length - 1;
      std::size_t lo_plus_one = 0;  // lo + 1, so that "below the range" needs no sign
      while (hi > lo_plus_one) {
        const std::size_t mid = lo_plus_one + (hi - lo_plus_one) / 2;
        if (eval(mid).passed) {
          hi = mid;
        } else {
          lo_plus_one = mid + 1;
        }
      }
      const bool below_fails = hi == 0 || !eval(hi - 1).passed;
      const bool above_passes = hi + 1 == line_length || eval(hi + 1).passed;
      if (!below_fails || !above_passes) {
        const auto& d = plan.vary[*bisect];
        o.notes.push_back("not monotone in " + d.set + " (" + settings_text(plan, line_choice(line, hi), *bisect) +
                          "): " + d.set + "=" + d.values[hi].dump() + " passes but " + d.set + "=" +
                          d.values[below_fails ? hi + 1 : hi - 1].dump() + (below_fails ? " fails" : " passes") +
                          "; scanned every value of the line");
        for (std::size_t v = 0; v < line_length; ++v) eval(v);
      }
    }
    for (auto& [along, result] : memo) o.evaluated.push_back(std::move(result));
  };

  // The first error in line order is rethrown, the other lines stopping (tools/work_pool.h).
  parallel_for(lines, workers, search_line);
  // Merged in line order: every figure is the same whatever the workers.
  for (auto& o : outcomes) {
    for (auto& c : o.evaluated) out.evaluated.push_back(std::move(c));
    for (auto& n : o.notes) out.notes.push_back(std::move(n));
  }
  std::sort(out.evaluated.begin(), out.evaluated.end(),
            [](const CandidateResult& a, const CandidateResult& b) { return a.index < b.index; });
  for (const auto& c : out.evaluated) out.runs += c.runs;

  for (std::size_t i = 0; i < out.evaluated.size(); ++i) {
    const CandidateResult& c = out.evaluated[i];
    if (c.passed && (!out.best || c.cost < out.evaluated[*out.best].cost)) out.best = i;
  }
  for (std::size_t i = 0; i < out.evaluated.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < out.evaluated.size() && !dominated; ++j) {
      dominated = j != i && dominates(out.evaluated[j], out.evaluated[i]);
    }
    if (!dominated) out.frontier.push_back(i);
  }
  std::stable_sort(out.frontier.begin(), out.frontier.end(),
                   [&](std::size_t a, std::size_t b) { return out.evaluated[a].cost < out.evaluated[b].cost; });
  if (!out.best) {
    // Nearest to passing: the least total shortfall, each SLO's relative to its bound (at least 1).
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t i = 0; i < out.evaluated.size(); ++i) {
      const CandidateResult& c = out.evaluated[i];
      double shortfall = 0;
      for (std::size_t s = 0; s < slos.size(); ++s) {
        if (c.worst_margin[s] < 0 || !sim::check_holds(slos[s].check.op, c.worst_value[s], slos[s].check.bound)) {
          shortfall += std::max(-c.worst_margin[s], 0.0) / std::max(std::abs(slos[s].check.bound), 1.0);
        }
      }
      ranked.emplace_back(shortfall, i);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return out.evaluated[a.second].cost < out.evaluated[b.second].cost;
    });
    for (std::size_t k = 0; k < ranked.size() && k < 3; ++k) out.closest.push_back(ranked[k].second);
  }
  return out;
}

}  // namespace ecsim::tools
