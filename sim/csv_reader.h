// CsvReader: the one CSV reader of ecsim. It streams records from an istream, a line at a time
// (a trace of gigabytes is never held whole), and serves the scenario's text files (traces,
// load files, the instance catalog) and `ecsim report`'s reading of a run's outputs.
//
// The dialect is RFC 4180's: fields separated by commas, records by LF or CRLF; a field in
// double quotes may hold commas, line breaks and "" (one quote). Quotes anywhere but around a
// whole field are an error, as is text after a closing quote. An empty line is a record of one
// empty field (callers decide whether to skip it).
//
// Errors are InputError{label, "line N", expected, got} with N the line the record starts on,
// and the character column (1-based) of the offending quote; after a malformed record the
// reader has consumed the rest of its line, so a caller that skips bad rows can read on.
//
// Invariants: after next() returns true, fields [0, size()) hold the record, line() is the line
// it began on and column(k) the 1-based character column where field k begins on that line
// (0 for a field that begins on a later line of a multi-line record).
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace ecsim::sim {

class CsvReader {
 public:
  struct Options {
    char comment = 0;         // when set, a line whose first non-blank byte is this one is skipped
    bool skip_blank = false;  // skip lines of nothing but spaces and tabs
  };

  // REQUIRES: `in` outlives the reader. `label` names the input in errors (a file path).
  CsvReader(std::istream& in, std::string label);
  CsvReader(std::istream& in, std::string label, Options options);

  // Reads the next record; false at the end of the input. Throws InputError on a malformed
  // record (unbalanced or stray quotes).
  bool next();

  std::size_t size() const { return count_; }
  const std::string& field(std::size_t k) const { return fields_[k]; }
  std::size_t line() const { return line_of_record_; }
  std::size_t column(std::size_t k) const { return columns_[k]; }
  const std::string& label() const { return label_; }
  // The record is one empty line.
  bool blank() const { return count_ == 1 && fields_[0].empty() && raw_line_empty_; }
  // The record's fields joined by commas, for messages ("a header ..., got "x,y"").
  std::string joined() const;

 private:
  [[noreturn]] void fail(std::string expected, std::string got, std::size_t column);
  std::string& next_field(std::size_t column);

  std::istream& in_;
  std::string label_;
  Options options_;
  std::string buffer_;  // the current physical line, without its '\n'
  std::size_t line_ = 0;  // physical lines read so far
  std::size_t line_of_record_ = 0;
  bool raw_line_empty_ = false;
  std::vector<std::string> fields_;  // the current record is fields_[0, count_)
  std::vector<std::size_t> columns_;
  std::size_t count_ = 0;
};

// `text` for a message: in double quotes, cut after 60 bytes ("..." added), control bytes
// shown as '?'.
std::string quote_for_message(std::string_view text);

}  // namespace ecsim::sim
