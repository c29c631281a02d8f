// --set PATH=VALUE: edits applied to a scenario's parsed JSON before the loader validates it, so
// that an overridden value is checked exactly as if it had been written in the file.
//
// PATH is dotted. At an object a segment is a key; at a list a number is an index and a name
// selects the element whose `name`, `serviceName` or `family` equals it:
//   cluster.instanceGroups.general.count=9     jobs.etl.arrival.ratePerHour=90
// VALUE is JSON; anything that does not parse as JSON is a string (a bare word: m5.large).
// Every segment but the last must exist; the last may add a new key to an existing object (the
// loader then accepts or rejects it like any key of the file).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ecsim::scenarios {

struct Override {
  std::string text;  // "cluster.instanceGroups.general.count=9", as given (messages name it)
  std::vector<std::string> path;
  nlohmann::json value;
};

// Parses "PATH=VALUE". Throws InputError{"--set", "", expected, got} when there is no '=' or a
// path segment is empty.
Override parse_override(std::string_view text);

// Sets the overrides on `root` in order and returns the JSON pointer each one set
// ("/cluster/instanceGroups/0/count"). A missing intermediate key or element throws
//   --set TEXT: POINTER: expected a known key (did you mean "instanceGroups"? ...), got "instanceGrups"
// where POINTER is the node the path could not go on from.
std::vector<std::string> apply_overrides(nlohmann::json& root, const std::vector<Override>& overrides);

// The `(set by --set TEXT)` note for an error at `pointer`: the note of the last override whose
// pointer is `pointer` or one of its ancestors, "" when none is. `pointers` is what
// apply_overrides returned.
std::string override_note(const std::string& pointer, const std::vector<Override>& overrides,
                          const std::vector<std::string>& pointers);

}  // namespace ecsim::scenarios
