// Runs the built `ecsim` binary as a user would, capturing its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ecsim::testing {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ecsim-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// An environment variable set for one command: NAME, VALUE.
using EnvVar = std::pair<std::string, std::string>;

// Runs ECSIM_BINARY with `args` from the working directory `cwd`, with `env` added to this
// process's environment; no shell is involved.
inline CommandResult run_ecsim(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                               const std::vector<EnvVar>& env = {}) {
  TempDir io;
  const std::string out_path = (io.path() / "out").string();
  const std::string err_path = (io.path() / "err").string();
  // Flush first, or the child's freopen would write the parent's buffered output a second time.
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    for (const auto& [name, value] : env) {
      if (setenv(name.c_str(), value.c_str(), 1) != 0) _exit(127);
    }
    if (std::freopen(out_path.c_str(), "w", stdout) == nullptr) _exit(127);
    if (std::freopen(err_path.c_str(), "w", stderr) == nullptr) _exit(127);
    std::vector<char*> argv;
    std::string binary = ECSIM_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  CommandResult r;
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

// The bundled scenarios: scenarios/default.json, then scenarios/examples/*.json by name.
inline std::vector<std::filesystem::path> bundled_scenarios() {
  const std::filesystem::path source = ECSIM_SOURCE_DIR;
  std::vector<std::filesystem::path> out = {source / "scenarios/default.json"};
  for (const auto& e : std::filesystem::directory_iterator(source / "scenarios/examples")) {
    // A plan file (NAME.plan.json, for `ecsim plan`) sits beside its scenario but is not one.
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".json" && !name.ends_with(".plan.json")) out.push_back(e.path());
  }
  std::sort(out.begin() + 1, out.end());
  return out;
}

}  // namespace ecsim::testing
