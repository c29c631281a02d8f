// JSON text for the reports: nlohmann::ordered_json keeps keys in insertion order, and this
// writer prints it with two-space indentation, one key per line, doubles in their shortest
// round-trip form via std::to_chars (reports/format.h), and a final newline.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ecsim::reports {

// Throws std::logic_error on a NaN or infinite number (they have no JSON form; reports treat
// them as a bug, and check_run_result rejects them at the source), and nlohmann's type_error on
// a string that is not valid UTF-8 (names come from JSON scenarios, so they are valid).
std::string json_text(const nlohmann::ordered_json& value);

}  // namespace ecsim::reports
