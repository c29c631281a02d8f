#include "placement/plugin_loader.h"

#include <dlfcn.h>

#include <set>
#include <string>

#include "placement/plugin_api.h"
#include "placement/registry.h"
#include "sim/input_error.h"

namespace ecsim::placement {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::set<std::string>& loaded_paths() {
  static std::set<std::string> loaded;  // by path as given; a run loads a handful at most
  return loaded;
}

}  // namespace

void forget_plugins() {
  remove_plugin_strategies();
  loaded_paths().clear();
}

void load_plugin(const std::string& path) {
  std::set<std::string>& loaded = loaded_paths();
  if (loaded.count(path) != 0) return;
  // RTLD_NOW: an unresolved symbol is an error now, not a crash mid-run. RTLD_LOCAL: two
  // plugins' own symbols cannot collide. A path without a slash would be searched for on the
  // library path; users name a file, so make it relative to the working directory.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw sim::InputError(path, "", "a placement plugin (a shared library ecsim can load)",
                          quoted(why != nullptr ? why : "dlopen failed"));
  }
  dlerror();
  void* symbol = dlsym(handle, kPluginEntryPoint);
  if (symbol == nullptr) {
    throw sim::InputError(path, "", std::string("a placement plugin exporting extern \"C\" ") + kPluginEntryPoint,
                          "no such symbol");
  }
  // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
  const auto entry = reinterpret_cast<PluginEntryPoint>(symbol);
  const PluginManifest* manifest = entry(kPluginApiVersion);
  if (manifest == nullptr) {
    throw sim::InputError(path, "", "a plugin supporting placement plugin API " + std::to_string(kPluginApiVersion),
                          "a plugin that declined it");
  }
  if (manifest->api_version != kPluginApiVersion) {
    throw sim::InputError(path, "", "a plugin built for placement plugin API " + std::to_string(kPluginApiVersion),
                          "API " + std::to_string(manifest->api_version));
  }
  if (manifest->strategy_count == 0 || manifest->strategies == nullptr) {
    throw sim::InputError(path, "", "a plugin providing at least one strategy", "none");
  }
  // Check every strategy before registering any, so a bad plugin adds nothing.
  std::set<std::string> names;
  for (std::size_t k = 0; k < manifest->strategy_count; ++k) {
    const PluginStrategy& s = manifest->strategies[k];
    if (s.name == nullptr || s.name[0] == '\0' || s.create == nullptr) {
      throw sim::InputError(path, "", "a named strategy with a create function", "strategy " + std::to_string(k));
    }
    const std::string problem = plugin_strategy_name_problem(s.name);
    if (!problem.empty() || !names.insert(s.name).second) {
      throw sim::InputError(path, "", problem.empty() ? "strategy names not repeated" : problem, quoted(s.name));
    }
  }
  for (std::size_t k = 0; k < manifest->strategy_count; ++k) add_plugin_strategy(manifest->strategies[k], path);
  loaded.insert(path);
}

}  // namespace ecsim::placement
