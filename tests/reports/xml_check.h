// A small XML well-formedness check for the SVG and HTML ecsim writes: tags balance and nest,
// attribute values are quoted, and every '&' starts an entity. Returns "" when well formed,
// else what is wrong and where. Not a full XML parser: no DTDs, no CDATA, no processing
// instructions other than a leading <?xml ...?>, which ecsim never writes anyway.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecsim::testing {

inline std::string xml_problem(std::string_view doc) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  const auto at = [&](std::size_t p) { return " at byte " + std::to_string(p); };
  while (i < doc.size()) {
    const char c = doc[i];
    if (c == '&') {
      const std::size_t semi = doc.find(';', i);
      if (semi == std::string_view::npos || semi - i > 8) return "bare '&'" + at(i);
      i = semi + 1;
      continue;
    }
    if (c != '<') {
      if (c == '>') return "bare '>'" + at(i);
      ++i;
      continue;
    }
    if (doc.substr(i, 4) == "<!--") {
      const std::size_t end = doc.find("-->", i);
      if (end == std::string_view::npos) return "unclosed comment" + at(i);
      i = end + 3;
      continue;
    }
    if (doc.substr(i, 9) == "<!DOCTYPE" || doc.substr(i, 9) == "<!doctype") {
      i = doc.find('>', i) + 1;
      continue;
    }
    const bool closing = i + 1 < doc.size() && doc[i + 1] == '/';
    std::size_t p = i + (closing ? 2 : 1);
    const std::size_t name_start = p;
    while (p < doc.size() && (std::isalnum(static_cast<unsigned char>(doc[p])) || doc[p] == '-' || doc[p] == ':')) ++p;
    const std::string name(doc.substr(name_start, p - name_start));
    if (name.empty()) return "empty tag name" + at(i);
    // Attributes: name="value" or name='value'.
    while (p < doc.size() && doc[p] != '>' && !(doc[p] == '/' && p + 1 < doc.size() && doc[p + 1] == '>')) {
      if (doc[p] == '"' || doc[p] == '\'') {
        const std::size_t end = doc.find(doc[p], p + 1);
        if (end == std::string_view::npos) return "unclosed attribute value" + at(p);
        const std::string_view value = doc.substr(p + 1, end - p - 1);
        if (value.find('<') != std::string_view::npos) return "'<' in an attribute value" + at(p);
        p = end + 1;
      } else if (doc[p] == '=') {
        if (p + 1 >= doc.size() || (doc[p + 1] != '"' && doc[p + 1] != '\'')) return "unquoted attribute" + at(p);
        ++p;
      } else {
        ++p;
      }
    }
    if (p >= doc.size()) return "unclosed tag <" + name + at(i);
    const bool self_closing = doc[p] == '/';
    i = p + (self_closing ? 2 : 1);
    if (closing) {
      if (stack.empty() || stack.back() != name) return "</" + name + "> does not close <" +
                                                         (stack.empty() ? std::string("nothing") : stack.back()) + ">" + at(i);
      stack.pop_back();
    } else if (!self_closing) {
      stack.push_back(name);
    }
  }
  if (!stack.empty()) return "<" + stack.back() + "> never closed";
  return "";
}

}  // namespace ecsim::testing
