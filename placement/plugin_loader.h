// Loads placement plugins (placement/plugin_api.h) and adds their strategies to the registry.
#pragma once

#include <string>

namespace ecsim::placement {

// dlopens `path`, calls its entry point, checks the API version and registers its strategies
// (strategy_infos() lists them from then on, sorted among the built-ins). Throws
// sim::InputError naming `path` for a file that cannot be loaded, a missing entry point, a
// version mismatch, an empty or malformed manifest, or a strategy name already taken. Loading
// the same path twice registers it once.
void load_plugin(const std::string& path);

// Removes every plugin strategy from the registry, as if no plugin had been loaded (the
// libraries stay mapped). For tests, which load plugins into a process shared with others.
void forget_plugins();

}  // namespace ecsim::placement
