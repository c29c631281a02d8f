// The command line's shared parts: one table of commands (name, synopsis, one-line summary,
// options, handler) drives dispatch, `--help`, `ecsim help COMMAND` and "did you mean", and the
// option helpers every command that takes a scenario uses.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/overrides.h"

namespace ecsim::tools {

// A usage error: the message, then the command's help (or the general help), exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output that cannot be written (the output directory is the user's input): exit 2.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes the output directory `dir` whole through a reports::OutputDirectory (lock, staging,
// swap: reports/output_dir.h): `fill` writes into the staging directory it is given, then the
// directory is swapped in. The leftovers of killed writers that were cleared are reported on
// stderr. A failure to write becomes an OutputError whose message names the paths under `dir`
// (not the hidden staging directory's); sim::InputError from `fill` (reading inputs once the
// directory is locked, as `ecsim report` does) passes through. Either way `dir` is left as it was.
void write_output_directory(const std::filesystem::path& dir, std::span<const std::string_view> names,
                            const std::function<void(const std::filesystem::path& staging)>& fill,
                            bool keep_existing = false);

struct Command {
  std::string_view name;
  std::string_view synopsis;  // the arguments after the name: "SCENARIO [-o DIR]"
  std::string_view summary;   // one line for the command list
  std::string_view options;   // the options' help, lines indented by two spaces; may be empty
  int (*run)(const std::vector<std::string>& args);
};

// The last line of every help text: sim::ExitCode's statuses, as reports/README.md's table
// words them (tests/reports/reference_test.cpp holds the two together).
inline constexpr std::string_view kExitStatusLine =
    "exit status: 0 done, 1 internal error, 2 bad input or usage, 3 a requested check failed";

// The general help: every command's name, synopsis and summary, then the exit statuses.
std::string usage_text(const std::vector<Command>& commands);
// One command's help: synopsis, summary and options.
std::string command_help(const Command& command);
// The command named `name`, or nullptr.
const Command* find_command(const std::vector<Command>& commands, std::string_view name);
// "unknown command "X" (did you mean "Y"?)".
std::string unknown_command_message(const std::vector<Command>& commands, const std::string& name);

namespace po = boost::program_options;

// --set PATH=VALUE, repeatable, on every command that takes a scenario.
void add_set_option(po::options_description& desc);
std::vector<scenarios::Override> read_set_option(const po::variables_map& vm);

// Parses `args` against `desc` plus the positionals `positionals` (in order); a Boost error is a
// usage error.
po::variables_map parse_args(const std::vector<std::string>& args, po::options_description& desc,
                             const std::vector<const char*>& positionals);

// A worker count for `--jobs`: 1..1024, else InputError naming `option`.
unsigned parse_worker_count(const std::string& text, const char* option);

}  // namespace ecsim::tools
