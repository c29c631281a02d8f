#include "scenarios/overrides.h"

#include <algorithm>

#include "scenarios/json_cursor.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The names a list element answers to (ECS's own naming keys).
constexpr const char* kNameKeys[] = {"name", "serviceName", "family"};

bool element_named(const nlohmann::json& element, const std::string& name) {
  if (!element.is_object()) return false;
  for (const char* key : kNameKeys) {
    const auto it = element.find(key);
    if (it != element.end() && it->is_string() && it->get<std::string>() == name) return true;
  }
  return false;
}

std::vector<std::string> element_names(const nlohmann::json& list) {
  std::vector<std::string> names;
  for (const auto& element : list) {
    if (!element.is_object()) continue;
    for (const char* key : kNameKeys) {
      const auto it = element.find(key);
      if (it != element.end() && it->is_string()) {
        names.push_back(it->get<std::string>());
        break;
      }
    }
  }
  return names;
}

std::string kind_of(const nlohmann::json& node) {
  if (node.is_object()) return "an object";
  if (node.is_array()) return "a list";
  if (node.is_string()) return "a string";
  if (node.is_boolean()) return "a boolean";
  if (node.is_null()) return "null";
  return "a number";
}

}  // namespace

Override parse_override(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    throw sim::InputError("--set", "", "PATH=VALUE such as cluster.instanceGroups.general.count=9", quote(text));
  }
  Override o;
  o.text = std::string(text);
  const std::string_view path = text.substr(0, eq);
  std::size_t pos = 0;
  while (true) {
    const std::size_t dot = path.find('.', pos);
    const std::string_view segment = path.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (segment.empty()) {
      throw sim::InputError("--set", "", "a dotted PATH of non-empty names before '=' (a.b.c=VALUE)", quote(text));
    }
    o.path.emplace_back(segment);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  const std::string value(text.substr(eq + 1));
  // JSON when it parses as JSON, else the text itself: `=m5.large` is the string "m5.large".
  o.value = nlohmann::json::parse(value, nullptr, false);
  if (o.value.is_discarded()) o.value = value;
  return o;
}

std::vector<std::string> apply_overrides(nlohmann::json& root, const std::vector<Override>& overrides) {
  std::vector<std::string> pointers;
  for (const Override& o : overrides) {
    const std::string label = "--set " + o.text;
    nlohmann::json* node = &root;
    std::string pointer;
    for (std::size_t k = 0; k < o.path.size(); ++k) {
      const std::string& segment = o.path[k];
      const bool last = k + 1 == o.path.size();
      if (node->is_object()) {
        const auto it = node->find(segment);
        if (it == node->end()) {
          if (last) {
            (*node)[segment] = nullptr;  // a new key: the loader judges it
          } else {
            std::vector<std::string> keys;
            for (const auto& item : node->items()) keys.push_back(item.key());
            throw sim::InputError(label, pointer, unknown_name_phrase("key", segment, keys.data(), keys.size()),
                                  quote(segment));
          }
        }
        node = &(*node)[segment];
        pointer = child_pointer(pointer, segment);
      } else if (node->is_array()) {
        std::size_t index = node->size();
        if (all_digits(segment)) {
          if (segment.size() < 10) index = std::stoul(segment);
          if (index >= node->size()) {
            throw sim::InputError(label, pointer,
                                  "an index below " + std::to_string(node->size()) + " (the list's length)",
                                  quote(segment));
          }
        } else {
          for (std::size_t i = 0; i < node->size(); ++i) {
            if (element_named((*node)[i], segment)) {
              index = i;
              break;
            }
          }
          if (index == node->size()) {
            const std::vector<std::string> names = element_names(*node);
            throw sim::InputError(label, pointer,
                                  unknown_name_phrase("element name (name, serviceName or family)", segment,
                                                      names.data(), names.size()),
                                  quote(segment));
          }
        }
        node = &(*node)[index];
        pointer = child_pointer(pointer, std::to_string(index));
      } else {
        throw sim::InputError(label, pointer, "an object or a list to go into with \"" + segment + "\"",
                              kind_of(*node));
      }
    }
    *node = o.value;
    pointers.push_back(pointer);
  }
  return pointers;
}

std::string override_note(const std::string& pointer, const std::vector<Override>& overrides,
                          const std::vector<std::string>& pointers) {
  for (std::size_t k = pointers.size(); k-- > 0;) {
    const std::string& p = pointers[k];
    if (pointer == p || (pointer.size() > p.size() && pointer.compare(0, p.size(), p) == 0 && pointer[p.size()] == '/')) {
      return "(set by --set " + overrides[k].text + ")";
    }
  }
  return "";
}

}  // namespace ecsim::scenarios
