#include "sim/csv_reader.h"

#include <algorithm>
#include <utility>

#include "sim/input_error.h"

namespace ecsim::sim {

std::string quote_for_message(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  const std::size_t n = std::min(text.size(), kMax);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += c < 0x20 || c == 0x7f ? '?' : text[i];
  }
  if (text.size() > kMax) out += "...";
  out += '"';
  return out;
}

CsvReader::CsvReader(std::istream& in, std::string label) : in_(in), label_(std::move(label)) {}

CsvReader::CsvReader(std::istream& in, std::string label, Options options)
    : in_(in), label_(std::move(label)), options_(options) {}

std::string CsvReader::joined() const {
  std::string out;
  for (std::size_t k = 0; k < count_; ++k) {
    if (k > 0) out += ',';
    out += fields_[k];
  }
  return out;
}

void CsvReader::fail(std::string expected, std::string got, std::size_t column) {
  throw InputError(label_, "line " + std::to_string(line_of_record_), std::move(expected), std::move(got), column);
}

std::string& CsvReader::next_field(std::size_t column) {
  if (count_ == fields_.size()) {
    fields_.emplace_back();
    columns_.push_back(0);
  }
  columns_[count_] = column;
  std::string& f = fields_[count_++];
  f.clear();
  return f;
}

bool CsvReader::next() {
  count_ = 0;
  for (;;) {
    if (!std::getline(in_, buffer_)) return false;
    ++line_;
    if (options_.comment == 0 && !options_.skip_blank) break;
    const std::size_t first = buffer_.find_first_not_of(" \t\r");
    if (first == std::string::npos ? !options_.skip_blank : buffer_[first] != options_.comment) break;
  }
  line_of_record_ = line_;
  raw_line_empty_ = buffer_.empty();
  // getline stops at '\n' and leaves eof unset, or at the end of the input with eof set: a CR
  // is part of a CRLF line end only when a '\n' followed it.
  bool terminated = !in_.eof();
  std::size_t pos = 0;
  for (;;) {
    std::string& f = next_field(pos + 1);
    if (pos < buffer_.size() && buffer_[pos] == '"') {
      const std::size_t open = pos + 1;
      ++pos;
      for (;;) {
        if (pos >= buffer_.size()) {
          // The quoted field goes on: its line break is part of it.
          if (!terminated) fail("a closing double quote", "the end of the file", open);
          f += '\n';
          if (!std::getline(in_, buffer_)) fail("a closing double quote", "the end of the file", open);
          ++line_;
          terminated = !in_.eof();
          pos = 0;
          continue;
        }
        const char c = buffer_[pos++];
        if (c == '"') {
          if (pos < buffer_.size() && buffer_[pos] == '"') {
            f += '"';
            ++pos;
            continue;
          }
          break;
        }
        f += c;
      }
      if (terminated && pos + 1 == buffer_.size() && buffer_[pos] == '\r') ++pos;
      if (pos < buffer_.size() && buffer_[pos] != ',') {
        fail("a comma or the end of the line after a quoted field", quote_for_message(std::string_view(&buffer_[pos], 1)),
             pos + 1);
      }
    } else {
      std::size_t end = buffer_.find_first_of(",\"", pos);
      if (end == std::string::npos) end = buffer_.size();
      if (end < buffer_.size() && buffer_[end] == '"') {
        fail("double quotes only around a whole field",
             quote_for_message(std::string_view(buffer_).substr(pos, end + 1 - pos)), end + 1);
      }
      std::size_t stop = end;
      if (end == buffer_.size() && terminated && stop > pos && buffer_[stop - 1] == '\r') --stop;
      f.assign(buffer_, pos, stop - pos);
      pos = end;
    }
    if (pos >= buffer_.size()) return true;
    ++pos;  // the comma
  }
}

}  // namespace ecsim::sim
