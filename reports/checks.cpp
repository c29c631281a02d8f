#include "reports/checks.h"

#include "reports/atomic_file.h"
#include "reports/format.h"
#include "reports/json_writer.h"
#include "reports/svg_chart.h"
#include "sim/input_error.h"

#include <stdexcept>
#include <system_error>

namespace ecsim::reports {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t dot = path.find('.', pos);
    out.push_back(path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos) return out;
    pos = dot + 1;
  }
}

std::string join(const std::vector<std::string>& segments, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t k = begin; k < end; ++k) {
    if (k > begin) out += '.';
    out += segments[k];
  }
  return out;
}

std::string in_quotes(std::string_view s) {
  std::string out(1, '"');
  out.append(s);
  out += '"';
  return out;
}

std::string describe(const nlohmann::json& node) {
  if (node.is_object()) {
    std::string keys;
    for (const auto& item : node.items()) keys += (keys.empty() ? "" : ", ") + item.key();
    return "an object (keys: " + keys + ")";
  }
  if (node.is_array()) return "a list";
  if (node.is_string()) return "a string";
  if (node.is_boolean()) return "a boolean";
  return "null";
}

// The node at segments[k..] under `node`, trying every way of joining segments into keys
// (shortest first); nullptr when there is none.
const nlohmann::json* find_path(const nlohmann::json& node, const std::vector<std::string>& segments, std::size_t k) {
  if (k == segments.size()) return &node;
  if (!node.is_object()) return nullptr;
  for (std::size_t end = k + 1; end <= segments.size(); ++end) {
    const auto it = node.find(join(segments, k, end));
    if (it == node.end()) continue;
    if (const nlohmann::json* found = find_path(*it, segments, end)) return found;
  }
  return nullptr;
}

}  // namespace

CheckSpec parse_check(std::string_view text, const std::string& file, const std::string& pointer) {
  sim::CheckParse parsed = sim::parse_check_expression(text);
  if (!parsed.check) throw sim::InputError(file, pointer, parsed.error.expected, parsed.error.got, parsed.error.column);
  return CheckSpec{std::move(*parsed.check), file, pointer};
}

double summary_value(const nlohmann::json& summary, const CheckSpec& spec, std::string_view document) {
  const std::vector<std::string> segments = split_path(spec.check.path);
  if (const nlohmann::json* found = find_path(summary, segments, 0)) {
    if (!found->is_number()) {
      const std::string where(document.starts_with("this run's ") ? document.substr(11) : document);
      throw sim::InputError(spec.file, spec.pointer, "a path to a number in " + where + " (" + spec.check.path + ")",
                            describe(*found));
    }
    return found->get<double>();
  }
  // Not there: walk the shortest keys as far as they go, and say where the path broke.
  const nlohmann::json* node = &summary;
  std::size_t k = 0;
  while (k < segments.size()) {
    // The shortest run of segments that is a key: "jobs.etl.v2.wait" finds a job "etl.v2".
    std::size_t end = k + 1;
    const nlohmann::json* next = nullptr;
    if (node->is_object()) {
      for (; end <= segments.size(); ++end) {
        const auto it = node->find(join(segments, k, end));
        if (it != node->end()) {
          next = &*it;
          break;
        }
      }
    }
    if (next == nullptr) {
      std::string expected = "a path of " + std::string(document);
      const std::string where = k == 0 ? "the top level" : join(segments, 0, k);
      if (node->is_object()) {
        std::vector<std::string> keys;
        for (const auto& item : node->items()) keys.push_back(item.key());
        const std::string guess = sim::closest_spelling(segments[k], keys.data(), keys.size());
        expected += " (";
        if (!guess.empty()) {
          std::string suggestion = k == 0 ? guess : join(segments, 0, k) + "." + guess;
          if (k + 1 < segments.size()) {
            suggestion += '.';
            suggestion += join(segments, k + 1, segments.size());
          }
          expected += "did you mean \"" + suggestion + "\"? ";
        }
        expected += "keys of " + where + ": ";
        for (std::size_t i = 0; i < keys.size(); ++i) expected += (i ? ", " : "") + keys[i];
        expected += keys.empty() ? "none)" : ")";
      } else {
        expected += " (" + where + " is a number, with nothing under it)";
      }
      throw sim::InputError(spec.file, spec.pointer, expected, in_quotes(spec.check.path));
    }
    node = next;
    k = end;
  }
  throw std::logic_error("summary_value: " + spec.check.path + " found on the second walk only");
}

std::vector<CheckResult> evaluate_checks(const std::vector<CheckSpec>& specs, const nlohmann::json& summary,
                                         std::string_view document) {
  std::vector<CheckResult> out;
  for (const CheckSpec& spec : specs) {
    const double value = summary_value(summary, spec, document);
    out.push_back(CheckResult{spec.check, value, sim::check_holds(spec.check.op, value, spec.check.bound)});
  }
  return out;
}

std::string checks_json(const std::vector<CheckResult>& results) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::size_t failed = 0;
  for (const CheckResult& r : results) {
    nlohmann::ordered_json j;
    j["expression"] = r.check.text;
    j["path"] = r.check.path;
    j["op"] = std::string(sim::check_op_text(r.check.op));
    j["bound"] = r.check.bound;
    j["value"] = r.value;
    j["passed"] = r.passed;
    list.push_back(std::move(j));
    if (!r.passed) ++failed;
  }
  nlohmann::ordered_json root;
  root["passed"] = failed == 0;
  root["failed"] = failed;
  root["checks"] = std::move(list);
  return json_text(root);
}

std::string checks_junit_xml(const std::vector<CheckResult>& results, std::string_view suite) {
  std::size_t failed = 0;
  for (const CheckResult& r : results) failed += r.passed ? 0 : 1;
  const std::string counts = " tests=\"" + std::to_string(results.size()) + "\" failures=\"" + std::to_string(failed) +
                             "\" errors=\"0\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"ecsim checks\"" + counts + ">\n";
  out += "  <testsuite name=\"" + xml_escape(suite) + "\"" + counts + ">\n";
  for (const CheckResult& r : results) {
    out += "    <testcase classname=\"ecsim.checks\" name=\"" + xml_escape(r.check.text) + "\"";
    if (r.passed) {
      out += "/>\n";
      continue;
    }
    const std::string message = r.check.path + " = " + format_double(r.value) + ", expected " +
                                std::string(sim::check_op_text(r.check.op)) + " " + format_double(r.check.bound);
    out += ">\n      <failure message=\"" + xml_escape(message) + "\" type=\"check\">" + xml_escape(message) +
           "</failure>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

void write_checks(const std::vector<CheckResult>& results, std::string_view suite, const std::filesystem::path& dir,
                  OutputManifest* manifest) {
  if (results.empty()) {
    // A run without checks must not leave an earlier run's verdict beside its outputs.
    for (const std::string_view name : {kChecksJsonFile, kChecksXmlFile}) {
      std::error_code ec;
      std::filesystem::remove(dir / name, ec);
      if (ec) throw std::runtime_error((dir / name).string() + ": " + ec.message());
    }
    return;
  }
  const std::string json = checks_json(results);
  const std::string xml = checks_junit_xml(results, suite);
  const FileDigest json_digest = write_file_atomically(dir / kChecksJsonFile, json);
  const FileDigest xml_digest = write_file_atomically(dir / kChecksXmlFile, xml);
  if (manifest != nullptr) {
    manifest->add(kChecksJsonFile, json_digest);
    manifest->add(kChecksXmlFile, xml_digest);
  }
}

}  // namespace ecsim::reports
