#include "reports/json_writer.h"

#include <cmath>
#include <stdexcept>

#include "reports/format.h"

namespace ecsim::reports {
namespace {

void append_string(std::string& out, const std::string& s) {
  // nlohmann's escaping: RFC 8259 minimal escapes, UTF-8 kept; invalid UTF-8 throws.
  out += nlohmann::ordered_json(s).dump();
}

void append(std::string& out, const nlohmann::ordered_json& v, int depth) {
  using Type = nlohmann::ordered_json::value_t;
  const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
  const std::string closing(static_cast<std::size_t>(depth) * 2, ' ');
  switch (v.type()) {
    case Type::object: {
      if (v.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        out += indent;
        append_string(out, it.key());
        out += ": ";
        append(out, it.value(), depth + 1);
      }
      out += '\n';
      out += closing;
      out += '}';
      return;
    }
    case Type::array: {
      if (v.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ",\n";
        first = false;
        out += indent;
        append(out, item, depth + 1);
      }
      out += '\n';
      out += closing;
      out += ']';
      return;
    }
    case Type::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) throw std::logic_error("json_text: a report figure is not finite");
      out += format_double(d);
      return;
    }
    case Type::string:
      append_string(out, v.get_ref<const std::string&>());
      return;
    case Type::null:
    case Type::boolean:
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::binary:
    case Type::discarded:
      out += v.dump();
      return;
  }
}

}  // namespace

std::string json_text(const nlohmann::ordered_json& value) {
  std::string out;
  append(out, value, 0);
  out += '\n';
  return out;
}

}  // namespace ecsim::reports
