// Whole-file writes: a reader sees the old file or the complete new one, never a partial file.
//
// The contents go to a temporary file in the target's directory (`.NAME.tmp-<pid>-<n>`, created
// exclusively), every write is checked, the file is flushed to disk, then renamed over the
// target. On any failure the temporary file is removed, the target is left as it was, and
// std::runtime_error names the path and the errno text. (LevelDB db/filename.cc SetCurrentFile.)
// SIGINT, SIGTERM and SIGHUP remove it too (reports/output_dir.h); one that a killed process
// left (its pid no longer running) is removed by the next writer of the same target.
#pragma once

#include <cassert>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reports/content_hash.h"

namespace ecsim::reports {

// A file could not be written (a full disk, a file size limit, an I/O error): what every writer
// here throws, so that a caller can tell it from other failures (`ecsim run` exits 2 on it even
// while the run goes on, when tasks.csv or placements.jsonl streams).
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A buffered writer on an open file descriptor, or on a string (for renders kept in memory
// and for tests). Output is buffered in 256 KiB; a failed write throws std::runtime_error naming
// the file.
class BufferedWriter {
 public:
  // 256 KiB: a quarter of the write(2) calls of 64 KiB took a quarter off the kernel's time for
  // bench.json's 198 MB tasks.csv (0.16 -> 0.12 s; the page zeroing that was 1.5 % of the run's
  // samples went, block_commit_write halved), user time unchanged. 128 KiB gained less; 512 KiB
  // and 1 MiB cost more user time than they saved (the buffer no longer stays in the core's
  // cache beside the simulation's data).
  static constexpr std::size_t kBufferSize = 256 * 1024;
  // Largest `n` that reserve() accepts.
  static constexpr std::size_t kMaxReserve = 4096;

  BufferedWriter(int fd, std::filesystem::path path);
  // Appends to `out`, which must outlive the writer; call flush() before reading it.
  explicit BufferedWriter(std::string& out);
  BufferedWriter(const BufferedWriter&) = delete;
  BufferedWriter& operator=(const BufferedWriter&) = delete;

  void write(std::string_view text);
  void put(char c) {
    if (used_ == kBufferSize) flush();
    buffer_[used_++] = c;
  }

  // Direct access for std::to_chars: returns room for at least n bytes (REQUIRES: n <=
  // kMaxReserve); write there, then call commit() with one past the last byte written.
  char* reserve(std::size_t n) {
    assert(n <= kMaxReserve);
    if (kBufferSize - used_ < n) flush();
    return buffer_.get() + used_;
  }
  void commit(const char* end) { used_ = static_cast<std::size_t>(end - buffer_.get()); }

  // Writes out the buffer (not fsync).
  void flush();

  std::size_t bytes_written() const { return written_ + used_; }

  // The size and content hash of what flush() has written so far.
  FileDigest digest() const { return hash_.digest(); }

 private:
  int fd_ = -1;
  std::string* string_ = nullptr;
  std::filesystem::path path_;
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;
  std::size_t written_ = 0;
  // Writeback of a file's bytes is started every kWritebackChunk (sync_file_range), from here.
  static constexpr std::size_t kWritebackChunk = std::size_t{8} << 20;
  std::size_t writeback_from_ = 0;
  ContentHash hash_;
};

// A file written whole over a long time (placements.jsonl, written while the run goes on): the
// text goes to a temporary file beside `target`, which commit() makes durable and renames over
// `target`. Destroyed without commit(), it removes the temporary file and leaves `target` as it
// was. Throws std::runtime_error naming the path on any failure.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  BufferedWriter& writer() { return *writer_; }
  // Returns what was written: its size and content hash.
  FileDigest commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  int cleanup_ = -1;  // register_temporary's handle
  bool committed_ = false;
  std::unique_ptr<BufferedWriter> writer_;
};

// A file written before the directory it belongs in exists (placements.jsonl, streamed during
// the run, before the output directory is made): it has no name while it is written (O_TMPFILE
// in the nearest existing directory on the way to `near`, else a file created and unlinked at
// once), so a process that dies, even by SIGKILL, leaves nothing behind. commit() gives it its
// name: linked into place where the filesystem allows, copied otherwise, then flushed to disk.
class SpoolFile {
 public:
  explicit SpoolFile(const std::filesystem::path& near);
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  ~SpoolFile();

  BufferedWriter& writer() { return *writer_; }
  // Writes the file out as `target` (which must not exist). Throws std::runtime_error naming it.
  FileDigest commit(const std::filesystem::path& target);

 private:
  int fd_ = -1;
  bool linkable_ = false;  // O_TMPFILE: linkat() through /proc/self/fd can name it
  std::unique_ptr<BufferedWriter> writer_;
};

// Writes `target` whole with what `fill` writes and returns its size and content hash. An
// exception thrown by `fill` propagates after the temporary file is removed.
FileDigest write_file_atomically(const std::filesystem::path& target,
                                 const std::function<void(BufferedWriter&)>& fill);

FileDigest write_file_atomically(const std::filesystem::path& target, std::string_view contents);

}  // namespace ecsim::reports
