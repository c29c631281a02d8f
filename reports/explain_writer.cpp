#include "reports/explain_writer.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "reports/format.h"
#include "sim/input_error.h"

namespace ecsim::reports {
namespace {

// Appends s as a JSON string.
void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_ports(std::string& out, const std::vector<std::uint16_t>* ports) {
  out += '[';
  if (ports != nullptr) {
    for (std::size_t k = 0; k < ports->size(); ++k) {
      if (k > 0) out += ',';
      append_int(out, (*ports)[k]);
    }
  }
  out += ']';
}

void append_instance(std::string& out, const sim::ClusterState& cluster, const sim::RunResult& result,
                     sim::InstanceIdx i) {
  out += "\"instance\":";
  append_string(out, cluster.instance_ids[i]);
  out += ",\"zone\":";
  append_string(out, cluster.zone[i] < result.zones.size() ? std::string_view(result.zones[cluster.zone[i]])
                                                            : std::string_view());
}

std::string_view path_name(sim::PlacementExplanation::Path p) {
  switch (p) {
    case sim::PlacementExplanation::Path::kScan: return "scan";
    case sim::PlacementExplanation::Path::kIndexed: return "indexed";
    case sim::PlacementExplanation::Path::kRandomProbe: return "randomProbe";
  }
  return "scan";
}

}  // namespace

std::vector<TaskRange> parse_task_ranges(std::string_view text) {
  std::vector<TaskRange> out;
  const auto fail = [&]() {
    throw sim::InputError("--explain", "", "task ids or ranges of tasks.csv, such as t12,t100-t200",
                          "\"" + std::string(text) + "\"");
  };
  const auto task_number = [&](std::string_view id) -> std::uint32_t {
    if (id.size() < 2 || id[0] != 't') fail();
    std::uint32_t n = 0;
    const auto r = std::from_chars(id.data() + 1, id.data() + id.size(), n);
    if (r.ec != std::errc() || r.ptr != id.data() + id.size() || n == 0) fail();
    return n - 1;
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t dash = item.find('-');
    TaskRange r;
    r.first = task_number(item.substr(0, dash));
    r.last = dash == std::string_view::npos ? r.first : task_number(item.substr(dash + 1));
    if (r.last < r.first) fail();
    out.push_back(r);
    pos = comma + 1;
    if (comma + 1 == text.size()) fail();  // a trailing comma
  }
  return out;
}

bool PlacementsJsonl::wants(std::uint32_t task) const {
  if (tasks_.empty()) return true;
  for (const TaskRange& r : tasks_) {
    if (task >= r.first && task <= r.last) return true;
  }
  return false;
}

void PlacementsJsonl::attempt(const sim::PlacementAttempt& a, const sim::ClusterState& cluster,
                              const sim::RunResult& result) {
  std::string& o = line_;
  o.clear();
  o += "{\"task\":\"t";
  append_int(o, static_cast<std::int64_t>(a.task) + 1);
  o += "\",\"time\":";
  o += format_seconds(a.time);
  o += ",\"family\":";
  append_string(o, result.families[a.family]);
  o += ",\"group\":";
  append_string(o, cluster.group_names[a.group]);
  o += ",\"kind\":";
  o += a.kind == sim::PlacementAttempt::Kind::kPlacement ? "\"placement\""
       : a.kind == sim::PlacementAttempt::Kind::kQueued  ? "\"queued\""
                                                         : "\"retry\"";
  const sim::Resources& need = *a.request->need;
  o += ",\"need\":{\"cpu\":";
  append_int(o, need.cpu);
  o += ",\"memoryMiB\":";
  append_int(o, need.memory_mib);
  o += ",\"gpus\":";
  append_int(o, need.gpus);
  o += ",\"enis\":";
  append_int(o, need.enis);
  o += ",\"tcpPorts\":";
  append_ports(o, a.request->tcp_ports);
  o += ",\"udpPorts\":";
  append_ports(o, a.request->udp_ports);
  o += '}';

  const auto reason_or_null = [&](sim::FailureReason r) {
    if (r == sim::FailureReason::kNone) {
      o += "null";
    } else {
      append_string(o, sim::failure_reason_name(r));
    }
  };

  switch (a.kind) {
    case sim::PlacementAttempt::Kind::kQueued:
      o += ",\"queueHead\":\"t";
      append_int(o, static_cast<std::int64_t>(a.queue_head) + 1);
      o += "\",\"queueLength\":";
      append_int(o, static_cast<std::int64_t>(a.queue_length));
      o += ",\"reason\":";
      reason_or_null(a.decision.reason);
      break;
    case sim::PlacementAttempt::Kind::kRetry:
      o += ",\"chosen\":{";
      append_instance(o, cluster, result, a.decision.instance);
      o += '}';
      break;
    case sim::PlacementAttempt::Kind::kPlacement: {
      const sim::PlacementExplanation& e = *a.explanation;
      const std::size_t width = e.strategies.size();
      o += ",\"strategies\":[";
      for (std::size_t s = 0; s < width; ++s) {
        if (s > 0) o += ',';
        append_string(o, e.strategies[s]);
      }
      o += "],\"path\":\"";
      o += path_name(e.path);
      o += "\",\"instances\":";
      append_int(o, static_cast<std::int64_t>(e.considered.size()));
      o += ",\"passed\":";
      append_int(o, static_cast<std::int64_t>(e.passed.size()));
      // Filtered counts in FailureReason order (the order of the checks).
      std::int64_t by_reason[static_cast<std::size_t>(sim::FailureReason::kCount)] = {};
      for (const sim::FailureReason r : e.first_failure) ++by_reason[static_cast<std::size_t>(r)];
      o += ",\"filtered\":{";
      bool first = true;
      for (std::size_t r = 1; r < static_cast<std::size_t>(sim::FailureReason::kCount); ++r) {
        if (by_reason[r] == 0) continue;
        if (!first) o += ',';
        first = false;
        append_string(o, sim::failure_reason_name(static_cast<sim::FailureReason>(r)));
        o += ':';
        append_int(o, by_reason[r]);
      }
      o += '}';

      // Ranking: lexicographic on the keys, a missing key (eliminated) after every key, then
      // instance order.
      const auto key = [&](std::size_t k, std::size_t s) {
        const std::int64_t v = e.keys[k * width + s];
        return v == sim::PlacementExplanation::kNoKey ? std::numeric_limits<std::int64_t>::max() : v;
      };
      order_.resize(e.passed.size());
      for (std::size_t k = 0; k < order_.size(); ++k) order_[k] = k;
      const std::size_t shown = std::min(order_.size(), kExplainListLimit);
      const auto by_keys = [&](std::size_t x, std::size_t y) {
        for (std::size_t s = 0; s < width; ++s) {
          if (key(x, s) != key(y, s)) return key(x, s) < key(y, s);
        }
        return e.passed[x] < e.passed[y];
      };
      std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(shown), order_.end(), by_keys);
      o += ",\"ranking\":[";
      for (std::size_t n = 0; n < shown; ++n) {
        const std::size_t k = order_[n];
        if (n > 0) o += ',';
        o += '{';
        append_instance(o, cluster, result, e.passed[k]);
        o += ",\"keys\":[";
        for (std::size_t s = 0; s < width; ++s) {
          if (s > 0) o += ',';
          const std::int64_t v = e.keys[k * width + s];
          if (v == sim::PlacementExplanation::kNoKey) {
            o += "null";
          } else {
            append_int(o, v);
          }
        }
        o += "]}";
      }
      o += ']';
      if (order_.size() > shown) {
        o += ",\"rankingOmitted\":";
        append_int(o, static_cast<std::int64_t>(order_.size() - shown));
      }
      o += ",\"tied\":";
      append_int(o, static_cast<std::int64_t>(e.tied));

      // Rejected, closest first.
      order_.clear();
      for (std::size_t k = 0; k < e.considered.size(); ++k) {
        if (e.first_failure[k] != sim::FailureReason::kNone) order_.push_back(k);
      }
      const std::size_t rejected_shown = std::min(order_.size(), kExplainListLimit);
      std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(rejected_shown), order_.end(),
                        [&](std::size_t x, std::size_t y) {
                          if (e.failed_checks[x] != e.failed_checks[y]) return e.failed_checks[x] < e.failed_checks[y];
                          return e.considered[x] < e.considered[y];
                        });
      o += ",\"rejected\":[";
      for (std::size_t n = 0; n < rejected_shown; ++n) {
        const std::size_t k = order_[n];
        if (n > 0) o += ',';
        o += '{';
        append_instance(o, cluster, result, e.considered[k]);
        o += ",\"reason\":";
        append_string(o, sim::failure_reason_name(e.first_failure[k]));
        o += ",\"failedChecks\":";
        append_int(o, e.failed_checks[k]);
        o += '}';
      }
      o += ']';
      if (order_.size() > rejected_shown) {
        o += ",\"rejectedOmitted\":";
        append_int(o, static_cast<std::int64_t>(order_.size() - rejected_shown));
      }
      o += ",\"chosen\":";
      if (a.decision.instance == sim::kNoInstance) {
        o += "null";
      } else {
        o += '{';
        append_instance(o, cluster, result, a.decision.instance);
        o += '}';
      }
      o += ",\"reason\":";
      reason_or_null(a.decision.reason);
      break;
    }
  }
  o += "}\n";
  out_.write(o);
}

}  // namespace ecsim::reports
