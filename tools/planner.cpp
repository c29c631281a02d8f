#include "tools/planner.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "placement/registry.h"
#include "reports/checks.h"
#include "reports/summary.h"
#include "sim/engine.h"
#include "sim/input_error.h"
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
    // Its runs' share of the memory (tools/memory_budget.h), checked again before the first (the
    // whole grid was, before any run: this is the run's limits, and a guard should a dimension
    // change the estimate's numbers otherwise than check_grid_memory assumes): a seed or a zone
    // lost changes none of the figures the check reads.
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


// The memory check of the whole grid before any run (tools/memory_budget.h): every candidate's
// live tasks at the least must fit in a run's share, else the plan is refused naming the
// candidate that needs the most. A grid of up to a million candidates is not built candidate by
// candidate (a load each), nor reduced to each dimension's largest value: the estimate grows
// with an instance count or a rate but shrinks as a fixed arrival's interval or a start grows,
// and a lognormal's median moves it either way. Instead: the estimate is a function of a few
// numbers of the scenario (LiveTaskInputs, live_task_need), each read from one setting (but for
// its `coupled` sets), so a setting changes the same numbers whatever the other settings are.
// Each dimension's values are loaded once with the others at their first (`by_value`, which
// validates them anyway) to see which numbers each changes; dimensions that change the same
// numbers (or the same coupled set: a listed arrival's times within the run, a trace's figures)
// are loaded again together, over the product of their values only (the one case that costs
// more loads than values). A candidate's numbers are then the first candidate's with each such
// group's changes laid over them, and its estimate costs O(sources), no load: the grid is
// enumerated over the distinct changes only (a dimension that changes no number, an instance
// type, counts once), at most the grid's million candidates, some 260 instructions each with two
// sources (callgrind): a million in under a tenth of a second. A dimension that adds or removes
// sources (a whole list set) has no fixed numbers: then each value is checked alone with the
// others at their first, and each candidate before its runs.
void check_grid_memory(const scenarios::ScenarioSource& source, const scenarios::PlanFile& plan,
                       const std::vector<scenarios::Override>& overrides, const std::vector<std::vector<LiveTaskInputs>>& by_value,
                       std::uint64_t grid_size, std::int64_t available, std::size_t runs_at_once) {
  if (available < 0) return;
  const double share = static_cast<double>(memory_share(available, runs_at_once));
  const std::size_t dims = plan.vary.size();
  const LiveTaskInputs& base = by_value[0][0];
  // Refuses the candidate `choice` with check_memory_budget's message, naming it.
  const auto refuse = [&](const std::vector<std::size_t>& choice, const std::string& how_many) {
    CandidateResult c;
    c.choice = choice;
    const sim::Scenario scenario = scenarios::load_scenario_source(source, candidate_overrides(plan, c, overrides));
    try {
      check_memory_budget(scenario, source.label, available, runs_at_once);
    } catch (const sim::InputError& e) {
      std::string settings;
      for (std::size_t d = 0; d < dims; ++d) {
        if (d > 0) settings += ", ";
        settings += scenarios::plan_override(plan.vary[d], choice[d]).text;
      }
      throw sim::InputError(e.file(), e.pointer(), e.expected() + " for every candidate of the plan; " + how_many + ": " + settings,
                            e.got());
    }
  };
  for (const auto& values : by_value) {
    for (const LiveTaskInputs& in : values) {
      if (in.same_shape(base)) continue;
      // Sources added or removed: each value alone.
      for (std::size_t d = 0; d < dims; ++d) {
        for (std::size_t k = 0; k < by_value[d].size(); ++k) {
          if (live_task_need(by_value[d][k]).bytes() <= share) continue;
          std::vector<std::size_t> choice(dims, 0);
          choice[d] = k;
          refuse(choice, "this one does not, the other dimensions at their first value");
        }
      }
      return;
    }
  }
  // The numbers each dimension changes, and the dimensions that must be loaded together: those
  // changing a number of the same coupled set (a union-find over the numbers, then the
  // dimensions).
  const std::size_t fields = base.fields.size();
  std::vector<std::size_t> field_root(fields);
  for (std::size_t f = 0; f < fields; ++f) field_root[f] = f;
  const auto find = [](std::vector<std::size_t>& parent, std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& values : by_value) {
    for (const LiveTaskInputs& in : values) {
      for (const auto& set : in.coupled) {
        for (const std::size_t f : set) field_root[find(field_root, f)] = find(field_root, set.front());
      }
    }
  }
  std::vector<std::vector<std::size_t>> touched(dims);
  std::vector<std::size_t> dim_root(dims);
  std::map<std::size_t, std::size_t> dim_of_field_root;
  for (std::size_t d = 0; d < dims; ++d) {
    dim_root[d] = d;
    for (std::size_t f = 0; f < fields; ++f) {
      for (const LiveTaskInputs& in : by_value[d]) {
        if (in.fields[f] == base.fields[f]) continue;
        touched[d].push_back(f);
        break;
      }
    }
    for (const std::size_t f : touched[d]) {
      const auto [it, fresh] = dim_of_field_root.emplace(find(field_root, f), d);
      if (!fresh) dim_root[find(dim_root, d)] = find(dim_root, it->second);
    }
  }
  // Each group of dimensions: its numbers, and their distinct values over the product of its
  // dimensions' values, each with the first choice that gives them and how many choices do.
  struct Change {
    std::vector<std::int64_t> values;
    std::vector<std::size_t> choice;  // per dimension of the group
    std::uint64_t choices = 0;
  };
  struct Group {
    std::vector<std::size_t> dims;
    std::vector<std::size_t> fields;
    std::vector<Change> changes;
  };
  std::vector<Group> groups;
  std::uint64_t unchanged = 1;  // choices of the dimensions that change no number
  {
    std::map<std::size_t, std::size_t> group_of_root;
    for (std::size_t d = 0; d < dims; ++d) {
      if (touched[d].empty()) {
        unchanged *= plan.vary[d].values.size();
        continue;
      }
      const auto [it, fresh] = group_of_root.emplace(find(dim_root, d), groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].dims.push_back(d);
    }
  }
  for (Group& g : groups) {
    std::vector<bool> roots(fields, false);
    for (const std::size_t d : g.dims) {
      for (const std::size_t f : touched[d]) roots[find(field_root, f)] = true;
    }
    for (std::size_t f = 0; f < fields; ++f) {
      if (roots[find(field_root, f)]) g.fields.push_back(f);
    }
    std::map<std::vector<std::int64_t>, std::size_t> seen;
    const auto take = [&](const LiveTaskInputs& in, const std::vector<std::size_t>& choice) {
      std::vector<std::int64_t> values;
      for (const std::size_t f : g.fields) values.push_back(in.fields[f]);
      const auto [it, fresh] = seen.emplace(values, g.changes.size());
      if (fresh) g.changes.push_back(Change{std::move(values), choice, 0});
      ++g.changes[it->second].choices;
    };
    if (g.dims.size() == 1) {
      for (std::size_t k = 0; k < by_value[g.dims[0]].size(); ++k) take(by_value[g.dims[0]][k], {k});
      continue;
    }
    // Loaded together, the other dimensions at their first value.
    std::vector<std::size_t> choice(g.dims.size(), 0);
    std::vector<std::size_t> full(dims, 0);
    for (;;) {
      CandidateResult c;
      c.choice = full;
      for (std::size_t i = 0; i < g.dims.size(); ++i) c.choice[g.dims[i]] = choice[i];
      const LiveTaskInputs in =
          live_task_inputs(scenarios::load_scenario_source(source, candidate_overrides(plan, c, overrides)));
      if (!in.same_shape(base)) {
        if (live_task_need(in).bytes() > share) refuse(c.choice, "this one does not, the other dimensions at their first value");
        return;
      }
      take(in, choice);
      std::size_t i = g.dims.size();
      while (i-- > 0 && ++choice[i] == plan.vary[g.dims[i]].values.size()) choice[i] = 0;
      if (i == static_cast<std::size_t>(-1)) break;
    }
  }
  // Every distinct candidate: the first's numbers with one change of each group laid over.
  LiveTaskInputs in = base;
  std::vector<std::size_t> pick(groups.size(), 0);
  for (const Group& g : groups) {
    for (std::size_t i = 0; i < g.fields.size(); ++i) in.fields[g.fields[i]] = g.changes[0].values[i];
  }
  std::uint64_t over = 0;
  double worst = share;
  std::optional<std::vector<std::size_t>> worst_pick;
  for (;;) {
    const double need = live_task_need(in).bytes();
    if (need > share) {
      std::uint64_t choices = unchanged;
      for (std::size_t i = 0; i < groups.size(); ++i) choices *= groups[i].changes[pick[i]].choices;
      over += choices;
      if (need > worst) {
        worst = need;
        worst_pick = pick;
      }
    }
    std::size_t i = groups.size();
    while (i-- > 0) {
      Group& g = groups[i];
      if (++pick[i] == g.changes.size()) pick[i] = 0;
      for (std::size_t k = 0; k < g.fields.size(); ++k) in.fields[g.fields[k]] = g.changes[pick[i]].values[k];
      if (pick[i] != 0) break;
    }
    if (i == static_cast<std::size_t>(-1)) break;
  }
  if (!worst_pick) return;
  std::vector<std::size_t> choice(dims, 0);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    for (std::size_t k = 0; k < groups[i].dims.size(); ++k) choice[groups[i].dims[k]] = groups[i].changes[(*worst_pick)[i]].choice[k];
  }
  refuse(choice, over == 1 ? "the only one of its " + std::to_string(grid_size) + " candidates that does not"
                           : std::to_string(over) + " of its " + std::to_string(grid_size) +
                                 " candidates do not, the one that needs the most");
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

  // Validate every value of every dimension against the scenario before any run (the others at
  // their first), then check that every candidate's live tasks fit in a run's share of the
  // memory (check_grid_memory). Each candidate is checked again before its runs, and each run is
  // limited to its share: its live tasks may outgrow the estimate.
  {
    std::vector<scenarios::Override> overrides = options.overrides;
    const std::size_t first_dimension = overrides.size();
    for (const auto& d : plan.vary) overrides.push_back(scenarios::plan_override(d, 0));
    const sim::Scenario first = scenarios::load_scenario_source(source, overrides);
    out.zones = first.cluster.availability_zones;
    std::vector<std::vector<LiveTaskInputs>> by_value(dims);
    const LiveTaskInputs first_inputs = live_task_inputs(first);
    for (std::size_t d = 0; d < dims; ++d) {
      by_value[d].push_back(first_inputs);
      for (std::size_t k = 1; k < plan.vary[d].values.size(); ++k) {
        std::vector<scenarios::Override> one = overrides;
        one[first_dimension + d] = scenarios::plan_override(plan.vary[d], k);
        by_value[d].push_back(live_task_inputs(scenarios::load_scenario_source(source, one)));
      }
    }
    check_grid_memory(source, plan, options.overrides, by_value, out.grid_size, available, workers);
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
