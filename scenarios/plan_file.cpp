#include "scenarios/plan_file.h"

#include "scenarios/json_cursor.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/text_files.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

constexpr std::int64_t kMaxSeeds = 1000;

PlanDimension read_dimension(const JsonCursor& d) {
  d.expect_object("a dimension object ({\"set\": PATH, \"values\": [...]} or {\"set\": PATH, \"range\": [LO, HI]})");
  d.check_keys(keys::kPlanDimension);
  PlanDimension out;
  out.set = d["set"].get_name("a dotted --set path such as \"cluster.instanceGroups.general.count\"");
  // The same rules as --set: non-empty segments.
  try {
    out.path = parse_override(out.set + "=0").path;
  } catch (const sim::InputError&) {
    d["set"].fail("a dotted path of non-empty names such as \"cluster.instanceGroups.general.count\"");
  }
  if (d.has("values") == d.has("range")) d.fail("one of \"values\" (a list) or \"range\" ([LO, HI]), not both or neither", describe_json(&d.json()));
  if (d.has("values")) {
    const JsonCursor values = d["values"];
    values.expect_array("a non-empty list of values");
    if (values.size() == 0) values.fail("a non-empty list of values");
    for (std::size_t i = 0; i < values.size(); ++i) {
      const nlohmann::json& v = values.at(i).json();
      for (const auto& earlier : out.values) {
        if (earlier == v) values.at(i).fail("a value not listed before");
      }
      out.values.push_back(v);
    }
  } else {
    const JsonCursor range = d["range"];
    range.expect_array("an inclusive range [LO, HI] of integers");
    if (range.size() != 2) range.fail("an inclusive range [LO, HI] of integers");
    const std::int64_t lo = range.at(0).get_int(0, 1'000'000, "an integer from 0 to 1000000");
    const std::int64_t hi = range.at(1).get_int(0, 1'000'000, "an integer from 0 to 1000000");
    if (hi < lo) range.at(1).fail("HI at least LO (" + std::to_string(lo) + ")");
    out.is_range = true;
    for (std::int64_t v = lo; v <= hi; ++v) out.values.emplace_back(v);
  }
  return out;
}

}  // namespace

std::vector<PlanDimension> read_plan_dimensions(const JsonCursor& vary) {
  vary.expect_array("a non-empty list of dimensions to vary");
  if (vary.size() == 0) vary.fail("a non-empty list of dimensions to vary");
  std::vector<PlanDimension> out;
  std::uint64_t candidates = 1;
  for (std::size_t i = 0; i < vary.size(); ++i) {
    out.push_back(read_dimension(vary.at(i)));
    for (std::size_t k = 0; k + 1 < out.size(); ++k) {
      if (out[k].set == out.back().set) vary.at(i)["set"].fail("a path not varied before");
    }
    candidates *= out.back().values.size();
    if (candidates > kMaxPlanCandidates) vary.at(i).fail("at most 1000000 candidates in all");
  }
  return out;
}

PlanFile load_plan_text(const std::string& text, const std::string& label) {
  const auto doc = parse_json_document(text, label);
  const JsonCursor root(*doc);
  root.expect_object("a plan object");
  root.check_keys(keys::kPlan);
  PlanFile plan;
  plan.label = label;
  plan.vary = read_plan_dimensions(root["vary"]);
  const JsonCursor slos = root["slos"];
  slos.expect_array("a non-empty list of SLOs (check expressions such as \"jobs.etl.wait.p99 <= 120\")");
  if (slos.size() == 0) slos.fail("a non-empty list of SLOs (check expressions such as \"jobs.etl.wait.p99 <= 120\")");
  for (std::size_t i = 0; i < slos.size(); ++i) {
    const JsonCursor item = slos.at(i);
    const std::string text_i = item.get_string("a check expression string such as \"jobs.etl.wait.p99 <= 120\"");
    const sim::CheckParse parsed = sim::parse_check_expression(text_i);
    if (!parsed.check) item.fail_at(parsed.error.column, parsed.error.expected, parsed.error.got);
    for (const auto& earlier : plan.slos) {
      if (earlier.check.text == parsed.check->text) item.fail("an SLO not listed before");
    }
    plan.slos.push_back(PlanSlo{*parsed.check, item.pointer(), ""});
  }
  if (root.has("seeds")) plan.seeds = root["seeds"].get_int(1, kMaxSeeds, "a number of seeds from 1 to 1000");
  if (root.has("surviveLossOf")) {
    const JsonCursor s = root["surviveLossOf"];
    static const std::string kValid[] = {"anyOneZone"};
    const std::string value = s.get_string("a known surviveLossOf (valid: anyOneZone)");
    if (value != kValid[0]) s.fail(unknown_name_phrase("surviveLossOf", value, kValid, 1));
    plan.survive_loss_of_any_zone = true;
  }
  return plan;
}

PlanFile load_plan_file(const std::string& path) {
  std::string why;
  const auto text = read_text_file(path, why);
  if (!text) throw sim::InputError(path, "/", "a readable plan file", why);
  return load_plan_text(*text, path);
}

Override plan_override(const PlanDimension& d, std::size_t k) {
  Override o;
  o.path = d.path;
  o.value = d.values[k];
  o.text = d.set + "=" + (o.value.is_string() ? o.value.get<std::string>() : o.value.dump());
  return o;
}

}  // namespace ecsim::scenarios
