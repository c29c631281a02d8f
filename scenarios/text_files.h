// Reading the files a scenario refers to (task definitions, runtime samples, traces) and
// splitting their text into lines and CSV fields.
#pragma once

#include <cstddef>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecsim::scenarios {

// Files larger than this are refused: a scenario never needs one, and a path like /dev/zero
// must not hang the loader.
constexpr std::size_t kMaxInputFileBytes = 256u << 20;

// The whole content of a regular file, or nullopt with `why` set ("not found", "not a regular
// file", "larger than 256 MiB", "unreadable").
std::optional<std::string> read_text_file(const std::string& path, std::string& why);

// Opens a regular file of any size to be streamed (traces): false with `why` set ("not found",
// "not a regular file", "unreadable").
bool open_text_file(const std::string& path, std::ifstream& in, std::string& why);

// Where a file named `relative` in the scenario lives (`base_dir` / relative) and how messages
// name it (the scenario's own label's directory / relative, normalised, '/' separators), so
// that an error in a referenced file reads as the path the user would type.
struct ReferencedFile {
  std::string path;
  std::string label;
};
ReferencedFile locate_referenced_file(const std::string& scenario_label, const std::string& base_dir,
                                      const std::string& relative);

// One line of text per element, without the "\n" or "\r\n"; the last line may be unterminated.
// (CSV is read by sim::CsvReader, sim/csv_reader.h.)
std::vector<std::string_view> split_lines(std::string_view text);

// `text` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text);

}  // namespace ecsim::scenarios
