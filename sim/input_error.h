// InputError: what every loader throws for bad input. Only tools/ catches it, prints what() and
// exits with ExitCode::kInput (2).
//
// what() reads `FILE: POINTER: expected EXPECTED, got GOT`, for example
//   scenario.json: /jobs/0/runtime/median: expected a duration, got "fast"
// An empty pointer is printed as "/" (the whole document); an empty `got` drops ", got ...".
// An error inside a string value (a cluster query expression) also names its 1-based column:
//   scenario.json: /jobs/0/placementConstraints/0/expression: column 23: expected a value after
//   'in', got the end of the expression
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ecsim::sim {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string pointer, std::string expected, std::string got, std::size_t column = 0);

  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  const std::string& expected() const { return expected_; }
  const std::string& got() const { return got_; }
  std::size_t column() const { return column_; }  // 0: the whole value

 private:
  std::string file_;
  std::string pointer_;
  std::string expected_;
  std::string got_;
  std::size_t column_;
};

// Exit statuses of the `ecsim` command, in one place.
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,
  kInput = 2,
  kCheckFailed = 3,
};

// `text` made safe to print on a terminal and short enough to read: control characters (C0, DEL,
// and C1 such as U+009B, a terminal's CSI) and bytes that are not UTF-8 are written as \u00XX or
// \xXX escapes (a line break as \n), and beyond `max_bytes` the text is cut on a character
// boundary and "... (N bytes in all)" is appended. InputError applies it to every part of its
// message; the command line to every message it prints.
std::string printable(std::string_view text, std::size_t max_bytes = 4096);

// Returns the closest of `candidates` to `word` by edit distance, or "" when none is close
// enough to be a plausible typo (distance at most max(2, |word| / 3)).
std::string closest_spelling(const std::string& word, const std::string* candidates, std::size_t count);

}  // namespace ecsim::sim
