#include "reports/read_outputs.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/content_hash.h"
#include "reports/cost.h"
#include "reports/csv.h"
#include "reports/format.h"
#include "reports/outputs.h"
#include "reports/result_check.h"
#include "sim/csv_reader.h"
#include "sim/input_error.h"

namespace ecsim::reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using sim::InputError;
using sim::kNever;
using sim::SimTime;

// Times and prices are below 10^10 seconds (317 years) or dollars: every sum the reports form
// from them (Σ alive µs × µ$/h over 2^32 instances) then stays within 128 bits.
constexpr std::uint64_t kMaxWholeUnits = 10'000'000'000ULL;
constexpr std::uint64_t kMicrosPerUnit = 1'000'000;

// `text` for a message: in double quotes, cut after 60 bytes, control bytes shown as '?'.
std::string in_quotes(std::string_view text) { return sim::quote_for_message(text); }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "W" or "W.F" with 1 to 6 fraction digits, W < 10^10: the value in millionths, exact. This is
// the inverse of write_seconds (reports/format.h) on its non-negative outputs.
std::optional<std::int64_t> parse_micros(std::string_view s) {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (!all_digits(whole) || whole.size() > 11) return std::nullopt;
  std::uint64_t w = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), w);
  if (w >= kMaxWholeUnits) return std::nullopt;
  std::uint64_t fraction = 0;
  if (dot != std::string_view::npos) {
    const std::string_view digits = s.substr(dot + 1);
    if (!all_digits(digits) || digits.size() > 6) return std::nullopt;
    std::from_chars(digits.data(), digits.data() + digits.size(), fraction);
    for (std::size_t k = digits.size(); k < 6; ++k) fraction *= 10;
  }
  return static_cast<std::int64_t>(w * kMicrosPerUnit + fraction);
}

// A finite, non-negative double as write_double prints one.
bool parse_double_field(std::string_view s) {
  double v = 0;
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  return !s.empty() && ec == std::errc() && p == end && std::isfinite(v) && v >= 0;
}

template <class T>
std::optional<T> parse_integer(std::string_view s) {
  T v{};
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

std::string column_pointer(std::size_t line, std::string_view column) {
  return "line " + std::to_string(line) + ": column \"" + std::string(column) + "\"";
}

std::string read_whole_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(path.string(), "", "a file written by ecsim run", "no such file");
  if (!fs::is_regular_file(status)) throw InputError(path.string(), "", "a regular file", "something else");
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) {
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size >= 0) {
      text.resize(static_cast<std::size_t>(size));
      in.read(text.data(), size);
      if (in.gcount() == size) return text;
    }
  }
  const int error = errno;
  throw InputError(path.string(), "", "a readable file", error != 0 ? std::strerror(error) : "a read error");
}

// ------------------------------------------------------------------------------------------
// CSV (RFC 4180, as reports/csv.h writes it)

// Reads a CSV file record by record (sim::CsvReader, streaming). The first record is the header,
// which must begin with the expected columns (a later version may add columns after them; they
// are ignored); every record must have as many fields as the header. Lines end with LF (CRLF is
// accepted). Messages name the line alone (the reader's character column is dropped): the
// column that matters here is the header's name, which fail() gives.
class OutputCsv {
 public:
  OutputCsv(const fs::path& path, std::string_view header) : file_(path.string()), in_(open_file(path)), csv_(in_, file_) {
    if (!read_record()) fail_line("the header \"" + std::string(header) + "\"", "an empty file");
    std::size_t k = 0;
    std::size_t begin = 0;
    while (begin <= header.size()) {
      const std::size_t comma = std::min(header.find(',', begin), header.size());
      const std::string_view name = header.substr(begin, comma - begin);
      if (k >= csv_.size() || csv_.field(k) != name) fail_line("the header \"" + std::string(header) + "\"", in_quotes(csv_.joined()));
      names_.emplace_back(name);
      ++k;
      begin = comma + 1;
    }
    columns_ = csv_.size();
  }

  const std::string& file() const { return file_; }

  // Reads the next record; false at the end of the file.
  bool next() {
    if (!read_record()) return false;
    if (csv_.size() != columns_) {
      fail_line(std::to_string(columns_) + " fields, as in the header", std::to_string(csv_.size()) + " fields");
    }
    return true;
  }

  std::size_t line() const { return csv_.line(); }
  const std::string& field(std::size_t column) const { return csv_.field(column); }

  [[noreturn]] void fail(std::size_t column, std::string expected) const {
    throw InputError(file_, column_pointer(csv_.line(), names_[column]), std::move(expected), in_quotes(field(column)));
  }
  [[noreturn]] void fail_line(std::string expected, std::string got) const {
    throw InputError(file_, "line " + std::to_string(csv_.line()), std::move(expected), std::move(got));
  }

  SimTime time(std::size_t column) const {
    const auto t = parse_micros(field(column));
    if (!t) fail(column, "a time in seconds");
    return *t;
  }
  // kNever for an empty field.
  SimTime optional_time(std::size_t column) const {
    if (field(column).empty()) return kNever;
    const auto t = parse_micros(field(column));
    if (!t) fail(column, "a time in seconds or an empty field");
    return *t;
  }
  template <class T>
  T integer(std::size_t column, const char* expected = "an integer") const {
    const auto v = parse_integer<T>(field(column));
    if (!v) fail(column, expected);
    return *v;
  }
  const std::string& name(std::size_t column) const {
    if (field(column).empty()) fail(column, "a name");
    return field(column);
  }

 private:
  static std::ifstream open_file(const fs::path& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) throw InputError(path.string(), "", "a file written by ecsim run", "no such file");
    if (!fs::is_regular_file(status)) throw InputError(path.string(), "", "a regular file", "something else");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int error = errno;
      throw InputError(path.string(), "", "a readable file", error != 0 ? std::strerror(error) : "a read error");
    }
    return in;
  }

  bool read_record() {
    try {
      const bool more = csv_.next();
      if (!more && in_.bad()) {
        const int error = errno;
        throw InputError(file_, "", "a readable file", error != 0 ? std::strerror(error) : "a read error");
      }
      return more;
    } catch (const InputError& e) {
      if (e.column() == 0) throw;
      throw InputError(e.file(), e.pointer(), e.expected(), e.got());
    }
  }

  std::string file_;
  std::ifstream in_;
  sim::CsvReader csv_;
  std::vector<std::string> names_;
  std::size_t columns_ = 0;
};

// Names in order of first appearance, each once.
class NameTable {
 public:
  std::uint32_t intern(const std::string& name) {
    const auto [it, added] = index_.try_emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
  }
  std::optional<std::uint32_t> find(const std::string& name) const {
    const auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<std::string> names_;
};

// ------------------------------------------------------------------------------------------
// summary.json

// A JSON Pointer reference token (RFC 6901): "~" as "~0", "/" as "~1".
std::string pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string describe(const ordered_json& j) {
  switch (j.type()) {
    case ordered_json::value_t::object: return "an object";
    case ordered_json::value_t::array: return "an array";
    case ordered_json::value_t::string: return in_quotes(j.get_ref<const std::string&>());
    case ordered_json::value_t::null: return "null";
    default: return j.dump();
  }
}

using NamedStats = std::vector<std::pair<std::string, sim::UtilizationStats>>;

// A Savings Plan as summary.json's cost.savings.plans lists it, its types by name.
struct PlanEntry {
  sim::SavingsPlanTerms terms;
  std::vector<std::string> types;
  std::string pointer;
};

struct Summary {
  NamedStats cpu_by_zone, cpu_by_type, memory_by_zone, memory_by_type;
  std::vector<PlanEntry> plans;
  std::uint64_t submitted = 0;
  std::uint64_t launched = 0;
};

class SummaryReader {
 public:
  explicit SummaryReader(const fs::path& path) : file_(path.string()) {
    const std::string text = read_whole_file(path);
    try {
      root_ = ordered_json::parse(text);
    } catch (const ordered_json::parse_error& e) {
      // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
      std::string what = e.what();
      const std::size_t at = what.find("parse error at ");
      const std::size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
      if (at != std::string::npos && colon != std::string::npos) {
        throw InputError(file_, what.substr(at + 15, colon - at - 15), "JSON written by ecsim run", what.substr(colon + 2));
      }
      throw InputError(file_, "", "JSON written by ecsim run", what);
    } catch (const ordered_json::exception& e) {
      // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
      const std::string what = e.what();
      const std::size_t end = what.find("] ");
      throw InputError(file_, "", "JSON written by ecsim run", end == std::string::npos ? what : what.substr(end + 2));
    }
  }

  void read(sim::RunResult& r, Summary& s) const {
    if (!root_.is_object()) fail("", "an object", describe(root_));
    r.scenario = string_at(root_, "", "scenario");
    r.seed = uint_at(root_, "", "seed");
    r.strategy = string_at(root_, "", "strategy");

    const ordered_json& tasks = object_at(root_, "", "tasks");
    s.submitted = uint_at(tasks, "/tasks", "submitted");
    const ordered_json& instances = object_at(root_, "", "instances");
    s.launched = uint_at(instances, "/instances", "launched");

    const ordered_json& cost = object_at(root_, "", "cost");
    if (cost.contains("savings")) {
      const ordered_json& savings = object_at(cost, "/cost", "savings");
      const ordered_json& plans = member(savings, "/cost/savings", "plans");
      if (!plans.is_array()) fail("/cost/savings/plans", "an array", describe(plans));
      for (std::size_t k = 0; k < plans.size(); ++k) {
        const std::string pointer = "/cost/savings/plans/" + std::to_string(k);
        const ordered_json& one = plans[k];
        if (!one.is_object()) fail(pointer, "an object", describe(one));
        PlanEntry e;
        e.pointer = pointer;
        e.terms.discount_pct = int32_at(one, pointer, "discountPct");
        if (e.terms.discount_pct > 100) {
          fail(pointer + "/discountPct", "a percent from 0 to 100", describe(one.at("discountPct")));
        }
        e.terms.covered_instances = int32_at(one, pointer, "coveredInstances");
        if (e.terms.covered_instances < 1) fail(pointer + "/coveredInstances", "an integer from 1", "0");
        e.terms.all_types = !one.contains("instanceTypes");
        if (!e.terms.all_types) {
          const ordered_json& types = one.at("instanceTypes");
          if (!types.is_array()) fail(pointer + "/instanceTypes", "an array", describe(types));
          for (std::size_t t = 0; t < types.size(); ++t) {
            if (!types[t].is_string()) {
              fail(pointer + "/instanceTypes/" + std::to_string(t), "a string", describe(types[t]));
            }
            e.types.push_back(types[t].get<std::string>());
          }
        }
        s.plans.push_back(std::move(e));
      }
    }

    const ordered_json& failures = object_at(root_, "", "placementFailures");
    for (auto it = failures.begin(); it != failures.end(); ++it) {
      const std::string pointer = "/placementFailures/" + pointer_token(it.key());
      std::size_t reason = 1;
      const auto count = static_cast<std::size_t>(sim::FailureReason::kCount);
      while (reason < count && sim::failure_reason_name(static_cast<sim::FailureReason>(reason)) != it.key()) ++reason;
      if (reason == count) fail(pointer, "an ECS failure reason such as RESOURCE:CPU", in_quotes(it.key()));
      r.placement_failures[reason] = int_value(it.value(), pointer);
    }

    const ordered_json& utilization = object_at(root_, "", "utilization");
    read_utilization(object_at(utilization, "/utilization", "cpu"), "/utilization/cpu", r.cpu.overall, s.cpu_by_zone,
                     s.cpu_by_type);
    read_utilization(object_at(utilization, "/utilization", "memory"), "/utilization/memory", r.memory.overall,
                     s.memory_by_zone, s.memory_by_type);

    const ordered_json& engine = object_at(root_, "", "engine");
    r.events = uint_at(engine, "/engine", "events");
    r.duration = seconds_at(engine, "/engine", "simulatedSeconds");

    // Sources: the services, then the jobs, then (below) one per trace file, in the file's order.
    const ordered_json& services = object_at(root_, "", "services");
    for (auto it = services.begin(); it != services.end(); ++it) {
      read_service(it.key(), it.value(), "/services/" + pointer_token(it.key()), r);
    }
    const ordered_json& jobs = object_at(root_, "", "jobs");
    for (auto it = jobs.begin(); it != jobs.end(); ++it) {
      const std::string pointer = "/jobs/" + pointer_token(it.key());
      if (!it.value().is_object()) fail(pointer, "an object", describe(it.value()));
      r.sources.push_back({it.key(), sim::SourceKind::kJob, string_at(it.value(), pointer, "strategy")});
    }

    if (root_.contains("capacityProviders")) {
      const ordered_json& providers = object_at(root_, "", "capacityProviders");
      for (auto it = providers.begin(); it != providers.end(); ++it) {
        const std::string pointer = "/capacityProviders/" + pointer_token(it.key());
        const ordered_json& one = it.value();
        if (!one.is_object()) fail(pointer, "an object", describe(one));
        sim::CapacityProviderResult p;
        p.name = it.key();
        p.launched = int_at(one, pointer, "launched");
        p.scaled_in = int_at(one, pointer, "scaledIn");
        p.lost = int_at(one, pointer, "lost");
        p.failed_launches = int_at(one, pointer, "failedLaunches");
        p.scale_outs = int_at(one, pointer, "scaleOuts");
        p.scale_ins = int_at(one, pointer, "scaleIns");
        const ordered_json& live = object_at(one, pointer, "instances");
        p.instances_min = int32_at(live, pointer + "/instances", "min");
        p.instances_mean = number_at(live, pointer + "/instances", "mean");
        p.instances_max = int32_at(live, pointer + "/instances", "max");
        p.desired_at_end = int32_at(one, pointer, "desiredAtEnd");
        r.capacity_providers.push_back(std::move(p));
      }
    }

    if (root_.contains("trace")) {
      const ordered_json& trace = object_at(root_, "", "trace");
      const ordered_json& files = member(trace, "/trace", "files");
      if (!files.is_array()) fail("/trace/files", "an array", describe(files));
      for (std::size_t k = 0; k < files.size(); ++k) {
        const std::string pointer = "/trace/files/" + std::to_string(k);
        const ordered_json& one = files[k];
        if (!one.is_object()) fail(pointer, "an object", describe(one));
        sim::TraceStats t;
        t.file = string_at(one, pointer, "file");
        t.format = string_at(one, pointer, "format");
        t.records_read = int_at(one, pointer, "recordsRead");
        t.records_skipped = int_at(one, pointer, "recordsSkipped");
        t.offered_cpu_unit_seconds = number_at(one, pointer, "offeredCpuUnitSeconds");
        // A trace's source figures are there exactly when the run recorded sources.
        if (!r.sources.empty() || (k == 0 && one.contains("strategy"))) {
          r.sources.push_back({t.file, sim::SourceKind::kTrace, string_at(one, pointer, "strategy")});
        } else if (one.contains("strategy")) {
          fail(pointer + "/strategy", "nothing (the first file has no strategy)", describe(one.at("strategy")));
        }
        r.traces.push_back(std::move(t));
      }
    }
  }

  [[noreturn]] void fail(const std::string& pointer, std::string expected, std::string got) const {
    throw InputError(file_, pointer, std::move(expected), std::move(got));
  }

  // The plans read by read(), their types resolved against the run's types (ascending, unique).
  // A type no file but summary.json's plans names had no instance, so covered none: it is left out.
  std::vector<sim::SavingsPlanTerms> savings_plans(const Summary& s, const std::vector<std::string>& types) const {
    std::vector<sim::SavingsPlanTerms> out;
    for (const PlanEntry& e : s.plans) {
      sim::SavingsPlanTerms terms = e.terms;
      for (std::size_t k = 0; k < e.types.size(); ++k) {
        const auto it = std::find(types.begin(), types.end(), e.types[k]);
        if (it == types.end()) continue;
        const auto t = static_cast<std::uint32_t>(it - types.begin());
        if (!terms.instance_types.empty() && t <= terms.instance_types.back()) {
          fail(e.pointer + "/instanceTypes/" + std::to_string(k), "types in the run's order, each once",
               in_quotes(e.types[k]));
        }
        terms.instance_types.push_back(t);
      }
      out.push_back(std::move(terms));
    }
    return out;
  }

 private:
  const ordered_json& member(const ordered_json& obj, const std::string& pointer, const char* key) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(pointer + "/" + key, "a value", "nothing");
    return *it;
  }
  const ordered_json& object_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    const ordered_json& v = member(obj, pointer, key);
    if (!v.is_object()) fail(pointer + "/" + key, "an object", describe(v));
    return v;
  }
  std::string string_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    const ordered_json& v = member(obj, pointer, key);
    if (!v.is_string()) fail(pointer + "/" + key, "a string", describe(v));
    return v.get<std::string>();
  }
  std::uint64_t uint_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    const ordered_json& v = member(obj, pointer, key);
    if (!v.is_number_unsigned()) fail(pointer + "/" + key, "a non-negative integer", describe(v));
    return v.get<std::uint64_t>();
  }
  std::int64_t int_value(const ordered_json& v, const std::string& pointer) const {
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      fail(pointer, "a non-negative integer", describe(v));
    }
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  std::int64_t int_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    return int_value(member(obj, pointer, key), pointer + "/" + key);
  }
  double number_value(const ordered_json& v, const std::string& pointer) const {
    if (!v.is_number() || !std::isfinite(v.get<double>())) fail(pointer, "a number", describe(v));
    return v.get<double>();
  }
  double number_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    return number_value(member(obj, pointer, key), pointer + "/" + key);
  }
  std::int32_t int32_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    const std::int64_t v = int_at(obj, pointer, key);
    if (v > INT32_MAX) fail(pointer + "/" + key, "an integer below 2^31", describe(obj.at(key)));
    return static_cast<std::int32_t>(v);
  }
  bool bool_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    const ordered_json& v = member(obj, pointer, key);
    if (!v.is_boolean()) fail(pointer + "/" + key, "true or false", describe(v));
    return v.get<bool>();
  }
  // Seconds that summary.json printed from a SimTime: a whole number of microseconds below 10^10 s.
  SimTime seconds_value(const ordered_json& v, const std::string& pointer) const {
    const double seconds = number_value(v, pointer);
    const double micros = seconds * static_cast<double>(sim::kSecond);
    if (!(seconds >= 0 && micros < static_cast<double>(kMaxWholeUnits * kMicrosPerUnit))) {
      fail(pointer, "a duration in seconds below 10^10", describe(v));
    }
    const auto t = static_cast<SimTime>(std::llround(micros));
    if (sim::to_seconds(t) != seconds) fail(pointer, "a whole number of microseconds", describe(v));
    return t;
  }
  SimTime seconds_at(const ordered_json& obj, const std::string& pointer, const char* key) const {
    return seconds_value(member(obj, pointer, key), pointer + "/" + key);
  }

  // One `services` entry: its source and its sim::ServiceResult (the task figures are derived
  // from tasks.csv and not read).
  void read_service(const std::string& name, const ordered_json& j, const std::string& pointer,
                    sim::RunResult& r) const {
    if (!j.is_object()) fail(pointer, "an object", describe(j));
    sim::ServiceResult s;
    s.source = static_cast<std::uint32_t>(r.sources.size());
    const std::string scheduling = string_at(j, pointer, "schedulingStrategy");
    if (scheduling != "REPLICA" && scheduling != "DAEMON") {
      fail(pointer + "/schedulingStrategy", "\"REPLICA\" or \"DAEMON\"", in_quotes(scheduling));
    }
    s.daemon = scheduling == "DAEMON";
    r.sources.push_back({name, sim::SourceKind::kService, string_at(j, pointer, "strategy")});
    s.desired_count = int32_at(j, pointer, "desiredCount");
    const ordered_json& running = object_at(j, pointer, "running");
    s.running_min = int32_at(running, pointer + "/running", "min");
    s.running_mean = number_at(running, pointer + "/running", "mean");
    s.running_max = int32_at(running, pointer + "/running", "max");
    s.below_desired = seconds_at(j, pointer, "belowDesiredSeconds");
    s.min_healthy = int32_at(j, pointer, "minHealthy");
    s.replacements = int_at(j, pointer, "replacements");
    s.throttled_launches = int_at(j, pointer, "throttledLaunches");
    const ordered_json& deployments = member(j, pointer, "deployments");
    if (!deployments.is_array()) fail(pointer + "/deployments", "an array", describe(deployments));
    for (std::size_t k = 0; k < deployments.size(); ++k) {
      const std::string at = pointer + "/deployments/" + std::to_string(k);
      const ordered_json& one = deployments[k];
      if (!one.is_object()) fail(at, "an object", describe(one));
      sim::DeploymentRecord d;
      d.task_definition = string_at(one, at, "taskDefinition");
      d.started_at = seconds_at(one, at, "startedAt");
      const ordered_json& completed = member(one, at, "completedAt");
      d.completed_at = completed.is_null() ? sim::kNever : seconds_value(completed, at + "/completedAt");
      const std::string state = string_at(one, at, "rolloutState");
      std::size_t k_state = 0;
      while (k_state <= static_cast<std::size_t>(sim::RolloutState::kFailed) &&
             sim::rollout_state_name(static_cast<sim::RolloutState>(k_state)) != state) {
        ++k_state;
      }
      if (k_state > static_cast<std::size_t>(sim::RolloutState::kFailed)) {
        fail(at + "/rolloutState", "IN_PROGRESS, COMPLETED or FAILED", in_quotes(state));
      }
      d.rollout_state = static_cast<sim::RolloutState>(k_state);
      if ((d.completed_at == sim::kNever) != (d.rollout_state == sim::RolloutState::kInProgress)) {
        fail(at + "/completedAt", d.completed_at == sim::kNever ? "a time (the deployment is over)" : "null (IN_PROGRESS)",
             describe(completed));
      }
      if (d.completed_at != sim::kNever && d.completed_at < d.started_at) {
        fail(at + "/completedAt", "a time no earlier than startedAt", describe(completed));
      }
      d.rollback = bool_at(one, at, "rollback");
      d.failed_tasks = int32_at(one, at, "failedTasks");
      s.deployments.push_back(std::move(d));
    }
    s.scale_outs = int_at(j, pointer, "scaleOuts");
    s.scale_ins = int_at(j, pointer, "scaleIns");
    if (j.contains("load")) {
      const ordered_json& load = object_at(j, pointer, "load");
      s.has_load = true;
      s.overloaded = seconds_at(load, pointer + "/load", "overloadedSeconds");
      s.requests = number_at(load, pointer + "/load", "requests");
      s.unserved_requests = number_at(load, pointer + "/load", "unservedRequests");
      if (s.requests < 0 || s.unserved_requests < 0) {
        fail(pointer + "/load", "non-negative request counts", "a negative one");
      }
    }
    if (s.running_min > s.running_max || s.running_mean < 0) {
      fail(pointer + "/running", "min <= max and a mean >= 0", describe(running));
    }
    r.services.push_back(std::move(s));
  }
  sim::UtilizationStats stats(const ordered_json& obj, const std::string& pointer) const {
    if (!obj.is_object()) fail(pointer, "an object", describe(obj));
    return {number_at(obj, pointer, "mean"), number_at(obj, pointer, "p95"), number_at(obj, pointer, "max")};
  }
  void read_named(const ordered_json& obj, const std::string& pointer, NamedStats& out) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      out.emplace_back(it.key(), stats(it.value(), pointer + "/" + pointer_token(it.key())));
    }
  }
  void read_utilization(const ordered_json& obj, const std::string& pointer, sim::UtilizationStats& overall,
                        NamedStats& by_zone, NamedStats& by_type) const {
    overall = stats(obj, pointer);
    read_named(object_at(obj, pointer, "byAvailabilityZone"), pointer + "/byAvailabilityZone", by_zone);
    read_named(object_at(obj, pointer, "byInstanceType"), pointer + "/byInstanceType", by_type);
  }

  std::string file_;
  ordered_json root_;
};

// summary.json's by-zone (by-type) figures, in the order of `names`: empty, or one per name in
// that very order (check_run_result's rule).
std::vector<sim::UtilizationStats> ordered_stats(const NamedStats& stats, const std::vector<std::string>& names,
                                                 const SummaryReader& summary, const std::string& pointer) {
  std::vector<sim::UtilizationStats> out;
  if (stats.empty()) return out;
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (k >= stats.size() || stats[k].first != names[k]) {
      summary.fail(pointer, "an entry for every name of the other files, in the run's order: " + in_quotes(names[k]) + " next",
                   k < stats.size() ? in_quotes(stats[k].first) : "the end of the object");
    }
    out.push_back(stats[k].second);
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// The CSV files

void read_timeseries(const fs::path& path, std::vector<sim::Sample>& samples) {
  OutputCsv csv(path, kTimeseriesCsvHeader);
  while (csv.next()) {
    sim::Sample s;
    s.time = csv.time(0);
    if (!samples.empty() && s.time < samples.back().time) csv.fail(0, "a time no earlier than the row before");
    s.running = csv.integer<std::int64_t>(1);
    s.pending = csv.integer<std::int64_t>(2);
    s.instances = csv.integer<std::int64_t>(3);
    // The percentages are derived from the integer columns below; only their form is checked.
    for (const std::size_t pct : {std::size_t{4}, std::size_t{5}}) {
      if (!parse_micros(csv.field(pct))) csv.fail(pct, "a percentage");
    }
    s.starting = csv.integer<std::int64_t>(6);
    s.submitted = csv.integer<std::int64_t>(7);
    s.completed = csv.integer<std::int64_t>(8);
    s.failed_to_place = csv.integer<std::int64_t>(9);
    s.cpu_reserved = csv.integer<std::int64_t>(10);
    s.cpu_registered = csv.integer<std::int64_t>(11);
    s.memory_reserved_mib = csv.integer<std::int64_t>(12);
    s.memory_registered_mib = csv.integer<std::int64_t>(13);
    // costPerHour is derived from instances.csv and summary.json's plans: checked for form only
    // (digits, at most 6 decimals; a sum of prices may pass 10^10 dollars).
    {
      const std::string& cost = csv.field(14);
      const std::size_t dot = cost.find('.');
      const std::string_view whole = std::string_view(cost).substr(0, dot);
      const std::string_view fraction =
          dot == std::string::npos ? std::string_view() : std::string_view(cost).substr(dot + 1);
      if (whole.size() > 40 || !all_digits(whole) ||
          (dot != std::string::npos && (fraction.size() > 6 || !all_digits(fraction)))) {
        csv.fail(14, "an amount in dollars with at most 6 decimals");
      }
    }
    samples.push_back(s);
  }
}

struct BreakdownRow {
  SimTime time = 0;
  std::string name;
  std::int64_t values[4] = {};  // cpu reserved, cpu registered, memory reserved, memory registered
  std::size_t line = 0;
};

struct Breakdown {
  std::string file;
  std::string name_column;
  bool cpu = false, memory = false;  // which pairs the file holds
  std::vector<BreakdownRow> rows;
};

Breakdown read_breakdown(const fs::path& path, std::string_view header, std::string name_column) {
  OutputCsv csv(path, header);
  Breakdown b;
  b.file = csv.file();
  b.name_column = std::move(name_column);
  while (csv.next()) {
    BreakdownRow row;
    row.time = csv.time(0);
    row.name = csv.field(1);
    row.line = csv.line();
    if (b.rows.empty()) {
      // The first row says which pairs were recorded; every row must agree.
      b.cpu = !csv.field(2).empty();
      b.memory = !csv.field(4).empty();
      if (!b.cpu && !b.memory) csv.fail(2, "an integer (a row with no figure is never written)");
    }
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t column = 2 + k;
      if (k < 2 ? b.cpu : b.memory) {
        row.values[k] = csv.integer<std::int64_t>(column);
      } else if (!csv.field(column).empty()) {
        csv.fail(column, "an empty field, as on the first row");
      }
    }
    b.rows.push_back(std::move(row));
  }
  return b;
}

// Checks that the rows are every name at every sample, in order, and fills the series.
void fill_breakdown(const Breakdown& b, const std::vector<sim::Sample>& samples, const std::vector<std::string>& names,
                    std::vector<std::int64_t>* series[4]) {
  if (b.rows.empty()) return;
  const std::size_t n = names.size();
  if (b.rows.size() != samples.size() * n) {
    throw InputError(b.file, "", "one row per sample of timeseries.csv and " + b.name_column + ", " +
                                     std::to_string(samples.size()) + " x " + std::to_string(n) + " rows",
                     std::to_string(b.rows.size()) + " rows");
  }
  for (std::size_t at = 0; at < b.rows.size(); ++at) {
    const BreakdownRow& row = b.rows[at];
    const sim::Sample& sample = samples[at / n];
    if (row.time != sample.time) {
      throw InputError(b.file, column_pointer(row.line, "time"),
                       "the time of sample " + std::to_string(at / n + 1) + " of timeseries.csv, " +
                           format_seconds(sample.time),
                       in_quotes(format_seconds(row.time)));
    }
    if (row.name != names[at % n]) {
      throw InputError(b.file, column_pointer(row.line, b.name_column),
                       in_quotes(names[at % n]) + " (every " + b.name_column + " at every sample, in the run's order)",
                       in_quotes(row.name));
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (k < 2 ? b.cpu : b.memory) series[k]->push_back(row.values[k]);
    }
  }
}

struct InstanceRow {
  std::string id, zone, type;
  std::string provider;  // capacityProvider: "" for an instance group's
  sim::Market market = sim::Market::kOnDemand;
  SimTime launched = 0, registered = kNever, terminated = kNever;
  std::int32_t cpu = 0, memory = 0;
  std::int64_t price = 0;            // micro-dollars per hour, in its market
  std::int64_t on_demand_price = 0;  // micro-dollars per hour
  SimTime billed = 0, covered = 0;
  std::size_t line = 0;
};

std::vector<InstanceRow> read_instances(const fs::path& path, std::string& file) {
  OutputCsv csv(path, kInstancesCsvHeader);
  file = csv.file();
  std::vector<InstanceRow> rows;
  NameTable ids;
  while (csv.next()) {
    InstanceRow row;
    row.id = csv.name(0);
    if (ids.find(row.id)) csv.fail(0, "an instance id not used by an earlier row");
    ids.intern(row.id);
    if (rows.size() >= sim::kNoInstance) csv.fail_line("at most 4294967294 instances", "more");
    row.zone = csv.field(1);
    row.type = csv.field(2);
    const std::string& market = csv.field(3);
    if (market == market_name(sim::Market::kOnDemand)) {
      row.market = sim::Market::kOnDemand;
    } else if (market == market_name(sim::Market::kSpot)) {
      row.market = sim::Market::kSpot;
    } else {
      csv.fail(3, "\"on-demand\" or \"spot\"");
    }
    row.provider = csv.field(14);
    row.launched = csv.time(4);
    row.registered = csv.optional_time(5);
    row.terminated = csv.optional_time(6);
    if (row.terminated != kNever && row.terminated < row.launched) csv.fail(6, "a time no earlier than launchedAt");
    row.cpu = csv.integer<std::int32_t>(7);
    row.memory = csv.integer<std::int32_t>(8);
    const auto price = parse_micros(csv.field(9));
    if (!price) csv.fail(9, "a price in dollars with at most 6 decimals");
    row.price = *price;
    const auto on_demand_price = parse_micros(csv.field(10));
    if (!on_demand_price) csv.fail(10, "a price in dollars with at most 6 decimals");
    row.on_demand_price = *on_demand_price;
    if (row.market == sim::Market::kOnDemand && row.price != row.on_demand_price) {
      csv.fail(9, "the onDemandPricePerHour of an on-demand instance, " + format_seconds(row.on_demand_price));
    }
    row.billed = csv.time(11);
    row.covered = csv.time(12);
    if (!parse_double_field(csv.field(13))) csv.fail(13, "a number of dollars");
    row.line = csv.line();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<sim::StopReason> stop_reason_from_text(std::string_view text) {
  for (std::size_t k = 0; k < static_cast<std::size_t>(sim::StopReason::kCount); ++k) {
    if (sim::stop_reason_text(static_cast<sim::StopReason>(k)) == text) return static_cast<sim::StopReason>(k);
  }
  return std::nullopt;
}

std::optional<sim::StopCode> stop_code_named(std::string_view name) {
  for (std::size_t c = 0; c < static_cast<std::size_t>(sim::StopCode::kCount); ++c) {
    if (sim::stop_code_name(static_cast<sim::StopCode>(c)) == name) return static_cast<sim::StopCode>(c);
  }
  return std::nullopt;
}

std::optional<sim::FailureReason> failure_reason_named(std::string_view name) {
  for (std::size_t c = 0; c < static_cast<std::size_t>(sim::FailureReason::kCount); ++c) {
    if (sim::failure_reason_name(static_cast<sim::FailureReason>(c)) == name) return static_cast<sim::FailureReason>(c);
  }
  return std::nullopt;
}

void read_tasks(const fs::path& path, const NameTable& instance_ids, sim::RunResult& r) {
  OutputCsv csv(path, kTasksCsvHeader);
  NameTable families, groups, sources;
  for (const sim::SourceInfo& s : r.sources) sources.intern(s.name);
  // Rows come in the order tasks finished (a run streams them, reports/csv.h TasksCsvStream) or in
  // task order (a result written whole): read in file order, then put in task order.
  sim::TaskRecords t;
  std::vector<std::uint32_t> number;  // per row: its task number (taskId t<number + 1>)
  while (csv.next()) {
    const std::string_view id = csv.field(0);
    const auto k = id.size() >= 2 && id[0] == 't' && id[1] != '0' ? parse_integer<std::uint32_t>(id.substr(1))
                                                                   : std::optional<std::uint32_t>{};
    if (!k || *k == 0) csv.fail(0, "a task id t1, t2, ... (t and the task's 1-based number)");
    number.push_back(*k - 1);
    t.family.push_back(families.intern(csv.field(1)));
    t.revision.push_back(csv.integer<std::int32_t>(2));
    t.group.push_back(groups.intern(csv.field(3)));

    sim::InstanceIdx instance = sim::kNoInstance;
    if (!csv.field(4).empty()) {
      const auto found = instance_ids.find(csv.field(4));
      if (!found) csv.fail(4, "an instance id of instances.csv");
      instance = *found;
      if (csv.field(5) != r.zones[r.instances.zone[instance]]) {
        csv.fail(5, "the zone of instance " + in_quotes(csv.field(4)) + " in instances.csv, " +
                        in_quotes(r.zones[r.instances.zone[instance]]));
      }
      if (csv.field(6) != r.instance_types[r.instances.type[instance]]) {
        csv.fail(6, "the type of instance " + in_quotes(csv.field(4)) + " in instances.csv, " +
                        in_quotes(r.instance_types[r.instances.type[instance]]));
      }
    } else {
      if (!csv.field(5).empty()) csv.fail(5, "an empty field (no instanceId)");
      if (!csv.field(6).empty()) csv.fail(6, "an empty field (no instanceId)");
    }
    t.instance.push_back(instance);

    const SimTime submitted = csv.time(7);
    const SimTime placed = csv.optional_time(8);
    const SimTime started = csv.optional_time(9);
    const SimTime stopped = csv.optional_time(10);
    if ((placed != kNever) != (instance != sim::kNoInstance)) {
      csv.fail(8, instance == sim::kNoInstance ? "an empty field (no instanceId)" : "a time (the task has an instance)");
    }
    if (placed != kNever && placed < submitted) csv.fail(8, "a time no earlier than submittedAt");
    if (started != kNever && placed == kNever) csv.fail(9, "an empty field (the task was never placed)");
    if (started != kNever && started < placed) csv.fail(9, "a time no earlier than placedAt");
    if (stopped != kNever && stopped < std::max(submitted, started == kNever ? submitted : started)) {
      csv.fail(10, started == kNever ? "a time no earlier than submittedAt" : "a time no earlier than startedAt");
    }
    t.submitted_at.push_back(submitted);
    t.placed_at.push_back(placed);
    t.started_at.push_back(started);
    t.stopped_at.push_back(stopped);

    const auto code = stop_code_named(csv.field(11));
    if (!code) csv.fail(11, "an ECS stop code such as EssentialContainerExited, or an empty field");
    t.stop_code.push_back(*code);
    const auto reason = failure_reason_named(csv.field(12));
    if (!reason) csv.fail(12, "an ECS failure reason such as RESOURCE:MEMORY, or an empty field");
    t.failure_reason.push_back(*reason);
    t.cpu.push_back(csv.integer<std::int32_t>(13));
    t.memory_mib.push_back(csv.integer<std::int32_t>(14));
    const std::string& rejected = csv.field(15);
    if (rejected != "0" && rejected != "1") csv.fail(15, "0 or 1");
    if (rejected == "1" && placed != kNever) csv.fail(15, "0 (the task was placed)");
    t.rejected.push_back(rejected == "1" ? 1 : 0);
    const auto why = stop_reason_from_text(csv.field(16));
    if (!why) csv.fail(16, "a stoppedReason ecsim writes (such as \"Essential container in task exited\"), or an empty field");
    t.stop_reason.push_back(*why);
    if (r.sources.empty()) {
      if (!csv.field(17).empty()) csv.fail(17, "an empty field (summary.json names no service, job or trace source)");
    } else {
      const auto source = sources.find(csv.field(17));
      if (!source) csv.fail(17, "the name of a service, job or trace of summary.json");
      t.source.push_back(*source);
    }
  }
  // Task numbers 1..n, each once: the row of each task number.
  const std::size_t n = number.size();
  std::vector<std::uint32_t> row_of(n, 0xFFFFFFFFu);
  for (std::size_t row = 0; row < n; ++row) {
    if (number[row] >= n) {
      throw InputError(csv.file(), "", "task ids t1 to t" + std::to_string(n) + ", one per row (" + std::to_string(n) + " rows)",
                       in_quotes("t" + std::to_string(std::uint64_t{number[row]} + 1)));
    }
    if (row_of[number[row]] != 0xFFFFFFFFu) {
      throw InputError(csv.file(), "", "each task id once", in_quotes("t" + std::to_string(std::uint64_t{number[row]} + 1)) + " twice");
    }
    row_of[number[row]] = static_cast<std::uint32_t>(row);
  }
  // Families and groups numbered in order of first use by task number, whatever the row order.
  std::vector<std::uint32_t> family_index(families.names().size(), 0xFFFFFFFFu), group_index(groups.names().size(), 0xFFFFFFFFu);
  std::vector<std::string> family_names, group_names;
  const auto renumber = [](std::vector<std::uint32_t>& index, std::vector<std::string>& names,
                           const std::vector<std::string>& read, std::uint32_t k) {
    if (index[k] == 0xFFFFFFFFu) {
      index[k] = static_cast<std::uint32_t>(names.size());
      names.push_back(read[k]);
    }
    return index[k];
  };
  sim::TaskRecords& out = r.tasks;
  out = sim::TaskRecords{};
  const auto permute = [&](auto& to, const auto& from) {
    to.resize(from.size());
    if (from.empty()) return;  // source, without sources
    for (std::size_t k = 0; k < n; ++k) to[k] = from[row_of[k]];
  };
  permute(out.source, t.source);
  permute(out.revision, t.revision);
  permute(out.instance, t.instance);
  permute(out.submitted_at, t.submitted_at);
  permute(out.placed_at, t.placed_at);
  permute(out.started_at, t.started_at);
  permute(out.stopped_at, t.stopped_at);
  permute(out.stop_code, t.stop_code);
  permute(out.stop_reason, t.stop_reason);
  permute(out.failure_reason, t.failure_reason);
  permute(out.rejected, t.rejected);
  permute(out.cpu, t.cpu);
  permute(out.memory_mib, t.memory_mib);
  out.family.resize(n);
  out.group.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    out.family[k] = renumber(family_index, family_names, families.names(), t.family[row_of[k]]);
    out.group[k] = renumber(group_index, group_names, groups.names(), t.group[row_of[k]]);
  }
  r.families = std::move(family_names);
  r.groups = std::move(group_names);
}

// The services' names, by ServiceResult index.
NameTable service_names(const sim::RunResult& r) {
  NameTable names;
  for (const sim::ServiceResult& s : r.services) names.intern(r.sources[s.source].name);
  return names;
}

std::uint32_t service_named(const OutputCsv& csv, std::size_t column, const NameTable& services) {
  const auto k = services.find(csv.field(column));
  if (!k) csv.fail(column, "the name of a service of summary.json");
  return *k;
}

// timeseries-by-capacity-provider.csv: every provider of summary.json at every sample, in order.
void read_provider_timeseries(const fs::path& path, sim::RunResult& r) {
  OutputCsv csv(path, kProviderTimeseriesCsvHeader);
  const std::size_t n = r.capacity_providers.size();
  std::size_t row = 0;
  while (csv.next()) {
    if (row >= r.samples.size() * n) {
      csv.fail_line("one row per sample of timeseries.csv and capacity provider of summary.json, " +
                        std::to_string(r.samples.size()) + " x " + std::to_string(n) + " rows",
                    "more");
    }
    const sim::Sample& sample = r.samples[row / n];
    if (csv.time(0) != sample.time) {
      csv.fail(0, "the time of sample " + std::to_string(row / n + 1) + " of timeseries.csv, " + format_seconds(sample.time));
    }
    if (csv.field(1) != r.capacity_providers[row % n].name) {
      csv.fail(1, in_quotes(r.capacity_providers[row % n].name) + " (every capacity provider at every sample, in order)");
    }
    r.provider_instances.push_back(csv.integer<std::int64_t>(2));
    r.provider_desired.push_back(csv.integer<std::int64_t>(3));
    const std::string& text = csv.field(4);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0) {
      csv.fail(4, "a percentage (a number of 0 or more)");
    }
    r.provider_reservation.push_back(v);
    ++row;
  }
  if (row != r.samples.size() * n) {
    csv.fail_line("one row per sample of timeseries.csv and capacity provider of summary.json, " +
                      std::to_string(r.samples.size() * n) + " rows",
                  std::to_string(row));
  }
}

void read_service_timeseries(const fs::path& path, sim::RunResult& r) {
  OutputCsv csv(path, kServiceTimeseriesCsvHeader);
  const NameTable services = service_names(r);
  const std::size_t n = r.services.size();
  std::vector<std::int64_t>* series[] = {&r.service_running, &r.service_healthy, &r.service_desired,
                                         &r.service_demand_cpu, &r.service_capacity_cpu};
  bool recorded[5] = {};
  std::size_t row = 0;
  while (csv.next()) {
    if (row == 0) {
      // The first row says which series were recorded; every row must agree.
      bool any = false;
      for (std::size_t c = 0; c < 5; ++c) {
        recorded[c] = !csv.field(2 + c).empty();
        any = any || recorded[c];
      }
      if (!any) csv.fail(2, "an integer (a row with no figure is never written)");
    }
    if (row >= r.samples.size() * n) {
      csv.fail_line("one row per sample of timeseries.csv and service, " + std::to_string(r.samples.size()) + " x " +
                        std::to_string(n) + " rows",
                    "more");
    }
    const sim::Sample& sample = r.samples[row / n];
    if (csv.time(0) != sample.time) {
      csv.fail(0, "the time of sample " + std::to_string(row / n + 1) + " of timeseries.csv, " + format_seconds(sample.time));
    }
    if (service_named(csv, 1, services) != row % n) {
      csv.fail(1, in_quotes(services.names()[row % n]) + " (every service at every sample, in the run's order)");
    }
    for (std::size_t c = 0; c < 5; ++c) {
      if (recorded[c]) {
        series[c]->push_back(csv.integer<std::int64_t>(2 + c));
      } else if (!csv.field(2 + c).empty()) {
        csv.fail(2 + c, "an empty field, as on the first row");
      }
    }
    ++row;
  }
  if (row != 0 && row != r.samples.size() * n) {
    throw InputError(csv.file(), "", "one row per sample of timeseries.csv and service, " +
                                         std::to_string(r.samples.size()) + " x " + std::to_string(n) + " rows",
                     std::to_string(row) + " rows");
  }
}

void read_service_events(const fs::path& path, sim::RunResult& r) {
  OutputCsv csv(path, kServiceEventsCsvHeader);
  const NameTable services = service_names(r);
  while (csv.next()) {
    sim::ServiceEvent e;
    e.at = csv.time(0);
    if (!r.service_events.empty() && e.at < r.service_events.back().at) {
      csv.fail(0, "a time no earlier than the row before");
    }
    e.service = service_named(csv, 1, services);
    e.message = csv.field(2);
    r.service_events.push_back(std::move(e));
  }
}

void read_markers(const fs::path& path, sim::RunResult& r) {
  OutputCsv csv(path, kMarkersCsvHeader);
  const NameTable services = service_names(r);
  while (csv.next()) {
    sim::Marker m;
    m.at = csv.time(0);
    if (!r.markers.empty() && m.at < r.markers.back().at) csv.fail(0, "a time no earlier than the row before");
    std::size_t kind = 0;
    constexpr auto kKinds = static_cast<std::size_t>(sim::MarkerKind::kScaleIn) + 1;
    while (kind < kKinds && sim::marker_kind_name(static_cast<sim::MarkerKind>(kind)) != csv.field(1)) ++kind;
    if (kind == kKinds) csv.fail(1, "a marker kind such as event, deployment or scaleOut");
    m.kind = static_cast<sim::MarkerKind>(kind);
    m.service = csv.field(2).empty() ? kNoService : service_named(csv, 2, services);
    m.label = csv.field(3);
    r.markers.push_back(std::move(m));
  }
}

void read_instance_events(const fs::path& path, const NameTable& instance_ids, sim::RunResult& r) {
  OutputCsv csv(path, kInstanceEventsCsvHeader);
  while (csv.next()) {
    sim::InstanceEvent e;
    e.at = csv.time(0);
    if (!r.instance_events.empty() && e.at < r.instance_events.back().at) {
      csv.fail(0, "a time no earlier than the row before");
    }
    const auto instance = instance_ids.find(csv.field(1));
    if (!instance) csv.fail(1, "an instanceId of instances.csv");
    e.instance = *instance;
    std::size_t kind = 0;
    constexpr auto kKinds = static_cast<std::size_t>(sim::InstanceEventKind::kCount);
    while (kind < kKinds && sim::instance_event_name(static_cast<sim::InstanceEventKind>(kind)) != csv.field(2)) ++kind;
    if (kind == kKinds) csv.fail(2, "an instance event such as registered, disconnected or terminated");
    e.kind = static_cast<sim::InstanceEventKind>(kind);
    e.reason = csv.field(3);
    r.instance_events.push_back(std::move(e));
  }
}

}  // namespace

std::string verify_outputs(const fs::path& dir, Verify verify) {
  const fs::path summary_path = dir / kSummaryFile;
  const std::string file = summary_path.string();
  std::string text;
  {
    std::ifstream in(summary_path, std::ios::binary);
    if (!in) throw InputError(file, "", "a file written by ecsim run", "no such file");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const ordered_json j = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw InputError(file, "", "a JSON object written by ecsim", "something else");
  const auto outputs = j.find("outputs");
  if (outputs == j.end()) {
    if (verify == Verify::kFilesPresent) return "";
    throw InputError(file, "/outputs",
                     "the list of the run's files and its run identity (a directory written by ecsim run)",
                     "no such key: an ecsim before 0.1 wrote it, or only summary.json was kept; run it again");
  }
  const auto text_at = [&](const ordered_json& object, const char* key, const std::string& pointer) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) throw InputError(file, pointer, "a string", it == object.end() ? "nothing" : it->dump());
    return it->get<std::string>();
  };
  if (!outputs->is_object()) throw InputError(file, "/outputs", "an object", outputs->dump());
  const std::string run_id = text_at(*outputs, "runId", "/outputs/runId");
  if (text_at(*outputs, "hash", "/outputs/hash") != "xxh3-64") {
    throw InputError(file, "/outputs/hash", "\"xxh3-64\"", (*outputs)["hash"].dump());
  }
  const auto files = outputs->find("files");
  if (files == outputs->end() || !files->is_object()) {
    throw InputError(file, "/outputs/files", "an object naming each file", files == outputs->end() ? "nothing" : files->dump());
  }
  OutputManifest manifest;
  for (const auto& [name, entry] : files->items()) {
    const std::string pointer = "/outputs/files/" + name;
    // Only plain names of this directory: never a path that leads elsewhere.
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
      throw InputError(file, pointer, "the name of a file of this directory", "\"" + name + "\"");
    }
    const auto bytes = entry.is_object() ? entry.find("bytes") : entry.end();
    if (!entry.is_object() || bytes == entry.end() || !bytes->is_number_unsigned()) {
      throw InputError(file, pointer + "/bytes", "a size in bytes", entry.dump());
    }
    const std::string hash = text_at(entry, "hash", pointer + "/hash");
    FileDigest expected{bytes->get<std::uint64_t>(), 0};
    if (hash.size() != 16 || std::from_chars(hash.data(), hash.data() + 16, expected.hash, 16).ptr != hash.data() + 16) {
      throw InputError(file, pointer + "/hash", "16 hex digits", "\"" + hash + "\"");
    }
    manifest.add(name, expected);
  }
  if (manifest.run_id() != run_id) {
    throw InputError(file, "/outputs/runId", "the identity of the files listed, " + manifest.run_id(),
                     "\"" + run_id + "\" (summary.json was edited)");
  }
  for (const auto& [name, expected] : manifest.files) {
    const fs::path path = dir / name;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      if (verify == Verify::kFilesPresent && !fs::exists(fs::symlink_status(path, ec))) continue;
      throw InputError(path.string(), "", "the file of run " + run_id + " that summary.json lists", "no such file");
    }
    FileDigest got;
    try {
      got = digest_file(path);
    } catch (const std::exception& e) {
      throw InputError(path.string(), "", "a readable file", e.what());
    }
    if (got != expected) {
      throw InputError(path.string(), "",
                       "the file of run " + run_id + " (" + std::to_string(expected.bytes) + " bytes, xxh3-64 " +
                           hash_hex(expected.hash) + ")",
                       std::to_string(got.bytes) + " bytes, xxh3-64 " + hash_hex(got.hash) +
                           ": the directory mixes the outputs of two runs, or the file was changed since");
    }
  }
  // run.json is not listed (it differs from run to run) but names its run.
  std::ifstream run_in(dir / kRunFile, std::ios::binary);
  if (run_in) {
    const std::string run_text((std::istreambuf_iterator<char>(run_in)), std::istreambuf_iterator<char>());
    const ordered_json run = ordered_json::parse(run_text, nullptr, false);
    const auto id = run.is_object() ? run.find("runId") : run.end();
    if (!run.is_object() || id == run.end() || !id->is_string() || id->get<std::string>() != run_id) {
      throw InputError((dir / kRunFile).string(), "/runId", "\"" + run_id + "\", the run summary.json describes",
                       id == run.end() || !run.is_object() ? "nothing" : id->dump());
    }
  }
  return run_id;
}

sim::RunResult read_outputs(const fs::path& dir, std::string* run_id) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir.string(), "", "a directory written by ecsim run",
                     fs::exists(dir, ec) ? "something else" : "no such directory");
  }
  const std::string id = verify_outputs(dir, Verify::kComplete);
  if (run_id != nullptr) *run_id = id;
  return read_outputs_unverified(dir);
}

sim::RunResult read_outputs_unverified(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir.string(), "", "a directory written by ecsim run",
                     fs::exists(dir, ec) ? "something else" : "no such directory");
  }
  sim::RunResult r;

  const SummaryReader summary_reader(dir / kSummaryFile);
  Summary summary;
  summary_reader.read(r, summary);
  read_timeseries(dir / kTimeseriesFile, r.samples);
  const Breakdown by_zone = read_breakdown(dir / kZoneTimeseriesFile, kZoneTimeseriesCsvHeader, "availabilityZone");
  const Breakdown by_type = read_breakdown(dir / kTypeTimeseriesFile, kTypeTimeseriesCsvHeader, "instanceType");
  std::string instances_file;
  const std::vector<InstanceRow> instances = read_instances(dir / kInstancesFile, instances_file);

  // Zones and types in the run's order (see the header).
  NameTable zones, types;
  for (const NamedStats* stats : {&summary.cpu_by_zone, &summary.memory_by_zone}) {
    for (const auto& entry : *stats) zones.intern(entry.first);
  }
  for (const NamedStats* stats : {&summary.cpu_by_type, &summary.memory_by_type}) {
    for (const auto& entry : *stats) types.intern(entry.first);
  }
  for (const BreakdownRow& row : by_zone.rows) zones.intern(row.name);
  for (const BreakdownRow& row : by_type.rows) types.intern(row.name);
  for (const InstanceRow& row : instances) {
    zones.intern(row.zone);
    types.intern(row.type);
  }
  r.zones = zones.names();
  r.instance_types = types.names();
  r.cpu.by_zone = ordered_stats(summary.cpu_by_zone, r.zones, summary_reader, "/utilization/cpu/byAvailabilityZone");
  r.memory.by_zone =
      ordered_stats(summary.memory_by_zone, r.zones, summary_reader, "/utilization/memory/byAvailabilityZone");
  r.cpu.by_type = ordered_stats(summary.cpu_by_type, r.instance_types, summary_reader, "/utilization/cpu/byInstanceType");
  r.memory.by_type =
      ordered_stats(summary.memory_by_type, r.instance_types, summary_reader, "/utilization/memory/byInstanceType");

  std::vector<std::int64_t>* zone_series[4] = {&r.zone_cpu_reserved, &r.zone_cpu_registered, &r.zone_memory_reserved,
                                               &r.zone_memory_registered};
  fill_breakdown(by_zone, r.samples, r.zones, zone_series);
  std::vector<std::int64_t>* type_series[4] = {&r.type_cpu_reserved, &r.type_cpu_registered, &r.type_memory_reserved,
                                               &r.type_memory_registered};
  fill_breakdown(by_type, r.samples, r.instance_types, type_series);

  // Instances, and the on-demand and Spot price of each type from its instances (which must agree;
  // a type with no Spot instance gets its on-demand price as Spot price, which nothing uses).
  r.price_microdollars_per_hour.assign(r.instance_types.size(), 0);
  r.spot_price_microdollars_per_hour.assign(r.instance_types.size(), -1);
  std::vector<std::size_t> price_line(r.instance_types.size(), 0), spot_line(r.instance_types.size(), 0);
  NameTable instance_ids;
  sim::InstanceRecords& in = r.instances;
  const auto agree = [&](const InstanceRow& row, std::vector<std::size_t>& first_line,
                         std::vector<std::int64_t>& prices, std::uint32_t type, std::int64_t price,
                         const char* column) {
    if (first_line[type] == 0) {
      first_line[type] = row.line;
      prices[type] = price;
    } else if (prices[type] != price) {
      throw InputError(instances_file, column_pointer(row.line, column),
                       "the " + std::string(column) + " of " + in_quotes(row.type) + " on line " +
                           std::to_string(first_line[type]) + ", " + format_seconds(prices[type]),
                       in_quotes(format_seconds(price)));
    }
  };
  for (const InstanceRow& row : instances) {
    const std::uint32_t type = *types.find(row.type);
    agree(row, price_line, r.price_microdollars_per_hour, type, row.on_demand_price, "onDemandPricePerHour");
    if (row.market == sim::Market::kSpot) {
      agree(row, spot_line, r.spot_price_microdollars_per_hour, type, row.price, "pricePerHour");
    }
    instance_ids.intern(row.id);
    in.id.push_back(row.id);
    in.zone.push_back(*zones.find(row.zone));
    in.type.push_back(type);
    in.market.push_back(row.market);
    in.launched_at.push_back(row.launched);
    in.registered_at.push_back(row.registered);
    in.terminated_at.push_back(row.terminated);
    in.cpu_registered.push_back(row.cpu);
    in.memory_registered_mib.push_back(row.memory);
    // The capacity provider that launched it: one of summary.json's, or none.
    if (!r.capacity_providers.empty()) {
      std::uint32_t p = 0xFFFFFFFFu;
      if (!row.provider.empty()) {
        for (std::size_t k = 0; k < r.capacity_providers.size(); ++k) {
          if (r.capacity_providers[k].name == row.provider) p = static_cast<std::uint32_t>(k);
        }
      }
      if (p == 0xFFFFFFFFu && !row.provider.empty()) {
        throw InputError(instances_file, column_pointer(row.line, "capacityProvider"),
                         "a capacity provider of summary.json, or an empty field", in_quotes(row.provider));
      }
      r.instance_capacity_provider.push_back(p);
    } else if (!row.provider.empty()) {
      throw InputError(instances_file, column_pointer(row.line, "capacityProvider"),
                       "an empty field (summary.json names no capacity provider)", in_quotes(row.provider));
    }
  }

  for (std::size_t t = 0; t < r.instance_types.size(); ++t) {
    if (spot_line[t] == 0) r.spot_price_microdollars_per_hour[t] = r.price_microdollars_per_hour[t];
  }
  r.savings_plans = summary_reader.savings_plans(summary, r.instance_types);

  read_tasks(dir / kTasksFile, instance_ids, r);
  read_service_timeseries(dir / kServiceTimeseriesFile, r);
  read_provider_timeseries(dir / kProviderTimeseriesFile, r);
  read_service_events(dir / kServiceEventsFile, r);
  read_markers(dir / kMarkersFile, r);
  read_instance_events(dir / kInstanceEventsFile, instance_ids, r);

  // The files must come from one run.
  if (summary.submitted != r.tasks.size()) {
    summary_reader.fail("/tasks/submitted", std::to_string(r.tasks.size()) + ", the rows of tasks.csv",
                        std::to_string(summary.submitted));
  }
  if (summary.launched != r.instances.size()) {
    summary_reader.fail("/instances/launched", std::to_string(r.instances.size()) + ", the rows of instances.csv",
                        std::to_string(summary.launched));
  }
  r.sample_interval = r.samples.size() >= 2 ? r.samples[1].time - r.samples[0].time : r.duration;
  try {
    check_run_result(r);
  } catch (const std::logic_error& e) {
    // Every rule is checked above with its line; this is a safety net.
    throw InputError(dir.string(), "", "outputs that agree with one another", e.what());
  }
  // Billing is derived from the rest: instances.csv's figures must be what ecsim computes from it.
  const CostFigures cost = compute_cost(r);
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (instances[i].billed != cost.billed[i]) {
      throw InputError(instances_file, column_pointer(instances[i].line, "billedSeconds"),
                       format_seconds(cost.billed[i]) + ", billed from launchedAt and terminatedAt",
                       in_quotes(format_seconds(instances[i].billed)));
    }
    if (instances[i].covered != cost.covered[i]) {
      throw InputError(instances_file, column_pointer(instances[i].line, "coveredSeconds"),
                       format_seconds(cost.covered[i]) + ", covered by the Savings Plans of summary.json",
                       in_quotes(format_seconds(instances[i].covered)));
    }
  }
  return r;
}

}  // namespace ecsim::reports
