#include "sim/invariant.h"

#include <string>
#include <string_view>

namespace ecsim::sim {

void invariant_failed(const char* file, int line, const char* what) {
  // The path from the project's root: builds name sources relative to the build directory
  // ("../../sim/engine.cpp") or absolutely ("/src/ecsim/sim/engine.cpp").
  std::string_view path(file);
  while (path.substr(0, 3) == "../" || path.substr(0, 2) == "./") path.remove_prefix(path[0] == '.' && path[1] == '/' ? 2 : 3);
  if (!path.empty() && path[0] == '/') {
    std::size_t first = std::string_view::npos;
    for (const std::string_view top : {"/sim/", "/placement/", "/scenarios/", "/reports/", "/tools/", "/tests/"}) {
      const std::size_t at = path.rfind(top);
      if (at != std::string_view::npos && (first == std::string_view::npos || at < first)) first = at;
    }
    if (first != std::string_view::npos) path.remove_prefix(first + 1);
  }
  std::string message(path);
  message += ':';
  message += std::to_string(line);
  message += ": ";
  message += what;
  throw InvariantError(message);
}

}  // namespace ecsim::sim
