#include "sim/input_error.h"

#include <algorithm>
#include <vector>

namespace ecsim::sim {
namespace {

std::string format_message(const std::string& file, const std::string& pointer, const std::string& expected,
                           const std::string& got, std::size_t column) {
  std::string msg = file.empty() ? std::string("<input>") : file;
  msg += ": ";
  msg += pointer.empty() ? std::string("/") : pointer;
  if (column > 0) msg += ": column " + std::to_string(column);
  msg += ": expected ";
  msg += expected;
  if (!got.empty()) {
    msg += ", got ";
    msg += got;
  }
  return msg;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

InputError::InputError(std::string file, std::string pointer, std::string expected, std::string got,
                       std::size_t column)
    : std::runtime_error(format_message(file, pointer, expected, got, column)),
      file_(std::move(file)),
      pointer_(std::move(pointer)),
      expected_(std::move(expected)),
      got_(std::move(got)),
      column_(column) {}

std::string closest_spelling(const std::string& word, const std::string* candidates, std::size_t count) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  // Candidates are scanned in the order given, so equal distances resolve to the first listed.
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t d = edit_distance(word, candidates[i]);
    if (d < best_distance) {
      best_distance = d;
      best = candidates[i];
    }
  }
  return best;
}

}  // namespace ecsim::sim
