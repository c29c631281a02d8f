// Content hashes of output files, the run identity that ties the files of one run together.
//
// XXH3-64 (Debian's libxxhash, xxHash 0.8: its output is fixed by the xxHash specification and
// stable across versions, platforms and byte orders) at memory speed, so hashing a file while it
// is written costs nothing next to writing it. It is a check against mix-ups (files of two runs
// in one directory, a file edited or truncated), not against an adversary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecsim::reports {

// The size and hash of one file's contents.
struct FileDigest {
  std::uint64_t bytes = 0;
  std::uint64_t hash = 0;  // XXH3-64, seed 0

  bool operator==(const FileDigest&) const = default;
};

// XXH3-64 of a byte stream given in pieces: the digest does not depend on how it is cut.
class ContentHash {
 public:
  ContentHash();
  ~ContentHash();
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;

  void update(std::string_view bytes);
  FileDigest digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::uint64_t bytes_ = 0;
};

FileDigest digest_of(std::string_view bytes);

// Reads `path` whole. Throws std::runtime_error naming the path when it cannot be read.
FileDigest digest_file(const std::filesystem::path& path);

// 16 lower-case hex digits.
std::string hash_hex(std::uint64_t hash);

// The files of one run's output directory and their digests, in the order written.
// summary.json lists them under `outputs` (reports/README.md), and the run identity is derived
// from them: runs that wrote the same bytes have the same identity, and a file of another run (or
// one changed since) no longer matches.
struct OutputManifest {
  std::vector<std::pair<std::string, FileDigest>> files;

  void add(std::string_view name, const FileDigest& digest) { files.emplace_back(name, digest); }
  // 16 hex digits: XXH3-64 of one line "NAME BYTES HASH\n" per file, in order.
  std::string run_id() const;
};

}  // namespace ecsim::reports
