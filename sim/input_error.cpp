#include "sim/input_error.h"

#include <algorithm>
#include <vector>

namespace ecsim::sim {
namespace {

// Each part of a message is the user's text (a file name, a key, a value): bounded, so that a
// 100k-character key gives a readable line, and escaped, so that it cannot drive the terminal.
constexpr std::size_t kMaxPart = 240;
constexpr std::size_t kMaxExpected = 1200;  // may list the keys or names a value could take

std::string format_message(const std::string& file, const std::string& pointer, const std::string& expected,
                           const std::string& got, std::size_t column) {
  std::string msg = file.empty() ? std::string("<input>") : printable(file, kMaxPart);
  msg += ": ";
  msg += pointer.empty() ? std::string("/") : printable(pointer, kMaxPart);
  if (column > 0) msg += ": column " + std::to_string(column);
  msg += ": expected ";
  msg += printable(expected, kMaxExpected);
  if (!got.empty()) {
    msg += ", got ";
    msg += printable(got, kMaxPart);
  }
  return msg;
}

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not a valid one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
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

std::string printable(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      out += "... (" + std::to_string(text.size()) + " bytes in all)";
      return out;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t n = utf8_length(text, i); n == 0) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      // U+0080..U+009F: C1 controls (U+009B is CSI).
      const unsigned char cp = static_cast<unsigned char>(text[i + 1]);
      out += "\\u00";
      out += kHex[cp >> 4];
      out += kHex[cp & 15];
      i += 2;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string closest_spelling(const std::string& word, const std::string* candidates, std::size_t count) {
  // A word far longer than any name is no typo, and its distances would cost its length squared.
  if (word.size() > 256) return "";
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
