#include "tools/command_line.h"

#include <charconv>
#include <cstdio>
#include <memory>

#include "reports/output_dir.h"
#include "sim/input_error.h"

namespace ecsim::tools {

namespace {

constexpr std::size_t kSummaryColumn = 22;
constexpr std::size_t kWidth = 90;

// Appends `text` word-wrapped at kWidth columns, continuation lines indented by `indent`; `column`
// is where the first word starts.
void append_wrapped(std::string& out, std::string_view text, std::size_t column, std::size_t indent) {
  std::size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    if (!first && column + 1 + word.size() > kWidth) {
      out.append("\n").append(indent, ' ');
      column = indent;
    } else if (!first) {
      out.append(" ");
      ++column;
    }
    out.append(word);
    column += word.size();
    first = false;
    pos = end + 1;
  }
  out.append("\n");
}

// Appends (not operator+: GCC 12's -Wrestrict misfires on short literal + string chains).
std::string command_line(const Command& c) {
  std::string line("  ");
  line.append(c.name);
  if (!c.synopsis.empty()) line.append(" ").append(c.synopsis);
  if (line.size() + 2 <= kSummaryColumn) {
    line.append(kSummaryColumn - line.size(), ' ');
  } else {
    line.append("\n").append(kSummaryColumn, ' ');
  }
  const std::size_t column = line.size() - (line.rfind('\n') == std::string::npos ? 0 : line.rfind('\n') + 1);
  append_wrapped(line, c.summary, column, kSummaryColumn);
  return line;
}

}  // namespace

std::string usage_text(const std::vector<Command>& commands) {
  std::string out = "usage: ecsim <command> [options]\n\ncommands:\n";
  for (const auto& c : commands) out += command_line(c);
  out +=
      "\n"
      "  ecsim help COMMAND (or ecsim COMMAND --help) shows a command's options.\n"
      "  -h, --help          this text\n"
      "  --version           the ecsim version\n"
      "\n";
  out += kExitStatusLine;
  out += '\n';
  return out;
}

std::string command_help(const Command& c) {
  std::string out("usage: ecsim ");
  out.append(c.name);
  if (!c.synopsis.empty()) out.append(" ").append(c.synopsis);
  out.append("\n\n  ");
  append_wrapped(out, c.summary, 2, 2);
  if (!c.options.empty()) out.append("\noptions:\n").append(c.options);
  out += '\n';
  out += kExitStatusLine;
  out += '\n';
  return out;
}

const Command* find_command(const std::vector<Command>& commands, std::string_view name) {
  for (const auto& c : commands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string unknown_command_message(const std::vector<Command>& commands, const std::string& name) {
  std::vector<std::string> names;
  names.reserve(commands.size());
  for (const auto& c : commands) names.emplace_back(c.name);
  const std::string guess = sim::closest_spelling(name, names.data(), names.size());
  return "unknown command \"" + name + "\"" + (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)");
}

void add_set_option(po::options_description& desc) {
  desc.add_options()("set", po::value<std::vector<std::string>>()->composing());
}

std::vector<scenarios::Override> read_set_option(const po::variables_map& vm) {
  std::vector<scenarios::Override> out;
  if (vm.count("set")) {
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) out.push_back(scenarios::parse_override(text));
  }
  return out;
}

po::variables_map parse_args(const std::vector<std::string>& args, po::options_description& desc,
                             const std::vector<const char*>& positionals) {
  po::positional_options_description pos;
  for (const char* name : positionals) {
    desc.add_options()(name, po::value<std::string>());
    pos.add(name, 1);
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

unsigned parse_worker_count(const std::string& text, const char* option) {
  unsigned v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v == 0 || v > 1024) {
    throw sim::InputError(option, "", "a number of workers from 1 to 1024", "\"" + text + "\"");
  }
  return v;
}

void write_output_directory(const std::filesystem::path& dir, std::span<const std::string_view> names,
                            const std::function<void(const std::filesystem::path& staging)>& fill, bool keep_existing) {
  std::unique_ptr<reports::OutputDirectory> out;
  try {
    out = std::make_unique<reports::OutputDirectory>(
        dir, names, keep_existing ? reports::OutputDirectory::Start::kKeepExisting : reports::OutputDirectory::Start::kEmpty);
  } catch (const std::exception& e) {
    throw OutputError(e.what());
  }
  for (const std::string& notice : out->notices()) std::fprintf(stderr, "ecsim: %s\n", notice.c_str());
  try {
    fill(out->staging());
    out->commit();
  } catch (const sim::InputError&) {
    throw;
  } catch (const std::exception& e) {
    // Name the file the user asked for: the staging directory is an implementation detail.
    std::string message = e.what();
    const std::string staging = out->staging().string();
    const std::string target = out->target().string();
    for (std::size_t at = message.find(staging); at != std::string::npos; at = message.find(staging, at + target.size())) {
      message.replace(at, staging.size(), target);
    }
    throw OutputError(message);
  }
}

}  // namespace ecsim::tools
