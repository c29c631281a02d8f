#include "reports/output_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "reports/atomic_file.h"
#include "reports/content_hash.h"
#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A run directory holding one file, written through an OutputDirectory.
void write_run(const fs::path& dir, const std::string& tasks) {
  OutputDirectory out(dir, kRunDirectoryNames);
  write_file_atomically(out.staging() / "tasks.csv", tasks);
  out.commit();
}

}  // namespace

TEST_CASE("output directory: a new directory appears whole, with nothing beside it", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "a" / "out";
  {
    OutputDirectory out(dir, kRunDirectoryNames);
    REQUIRE(out.staging().parent_path() == dir.parent_path());
    REQUIRE(out.staging().filename().string().rfind(".out.ecsim-new-", 0) == 0);
    write_file_atomically(out.staging() / "tasks.csv", std::string_view("one"));
    // Nothing at DIR until commit(); the lock beside it.
    CHECK_FALSE(fs::exists(dir));
    CHECK(fs::exists(scratch.path() / "a" / ".out.ecsim-lock"));
    out.commit();
    CHECK(out.notices().empty());
  }
  CHECK(names_in(dir) == std::vector<std::string>{"tasks.csv"});
  CHECK(names_in(scratch.path() / "a") == std::vector<std::string>{"out"});
}

TEST_CASE("output directory: an existing directory is replaced whole, or left as it was", "[reports][output_dir]") {
  const bool exchange = GENERATE(true, false);  // renameat2's exchange, and the two-rename fallback
  INFO("exchange " << exchange);
  const bool previous = set_rename_exchange_for_testing(exchange);
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  {
    OutputDirectory out(dir, kRunDirectoryNames);
    write_file_atomically(out.staging() / "tasks.csv", std::string_view("old"));
    write_file_atomically(out.staging() / "placements.jsonl", std::string_view("old"));
    out.commit();
  }
  SECTION("committed: the new files only") {
    write_run(dir, "new");
    CHECK(names_in(dir) == std::vector<std::string>{"tasks.csv"});
    CHECK(read_file(dir / "tasks.csv") == "new");
  }
  SECTION("abandoned (an error part-way): the old files, untouched") {
    {
      OutputDirectory out(dir, kRunDirectoryNames);
      write_file_atomically(out.staging() / "tasks.csv", std::string_view("half"));
    }
    CHECK(names_in(dir) == std::vector<std::string>{"placements.jsonl", "tasks.csv"});
    CHECK(read_file(dir / "tasks.csv") == "old");
  }
  CHECK(names_in(scratch.path()) == std::vector<std::string>{"out"});
  set_rename_exchange_for_testing(previous);
}

TEST_CASE("output directory: parents it made are removed again when nothing is committed", "[reports][output_dir]") {
  ScratchDir scratch;
  { OutputDirectory out(scratch.path() / "x" / "y" / "out", kRunDirectoryNames); }
  CHECK(scratch.entries().empty());
}

TEST_CASE("output directory: a second writer of the directory is refused, naming it and the holder", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  OutputDirectory first(dir, kRunDirectoryNames);
  try {
    OutputDirectory second(dir, kRunDirectoryNames);
    FAIL("the second writer was let in");
  } catch (const OutputInUse& e) {
    CHECK(std::string(e.what()) == "\"" + dir.string() + "\" is being written by another ecsim process (pid " +
                                       std::to_string(::getpid()) + "); wait for it to finish, or write elsewhere");
  }
  // The refused writer took nothing of the first's.
  write_file_atomically(first.staging() / "tasks.csv", std::string_view("first"));
  first.commit();
  CHECK(read_file(dir / "tasks.csv") == "first");
  // Released: the next writer gets in, and the lock file is gone between writers.
  CHECK(names_in(scratch.path()) == std::vector<std::string>{"out"});
  write_run(dir, "third");
  CHECK(read_file(dir / "tasks.csv") == "third");
}

TEST_CASE("output directory: a lock file a killed writer left does not hold the directory", "[reports][output_dir]") {
  ScratchDir scratch;
  put(scratch.path() / ".out.ecsim-lock", "4242\n");
  write_run(scratch.path() / "out", "x");
  CHECK(names_in(scratch.path()) == std::vector<std::string>{"out"});
}

TEST_CASE("output directory: leftovers of killed writers are removed and reported", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  SECTION("a staging directory and an aside copy, beside a complete DIR") {
    write_run(dir, "complete");
    put(scratch.path() / ".out.ecsim-new-4242" / "tasks.csv", std::string(1000, 'x'));
    put(scratch.path() / ".out.ecsim-old-4243" / "tasks.csv", "older");
    put(scratch.path() / ".other.ecsim-new-4244" / "tasks.csv", "another directory's: not ours to touch");
    OutputDirectory out(dir, kRunDirectoryNames);
    CHECK(out.notices() ==
          std::vector<std::string>{"removed \"" + (scratch.path() / ".out.ecsim-new-4242").string() +
                                       "\", left by an interrupted ecsim process (pid 4242)",
                                   "removed \"" + (scratch.path() / ".out.ecsim-old-4243").string() +
                                       "\", left by an interrupted ecsim process (pid 4243)"});
    CHECK(read_file(dir / "tasks.csv") == "complete");
    CHECK(fs::exists(scratch.path() / ".other.ecsim-new-4244"));
  }
  SECTION("DIR renamed aside and the process killed before the new one took its place: put back") {
    put(scratch.path() / ".out.ecsim-old-4243" / "tasks.csv", "previous");
    put(scratch.path() / ".out.ecsim-new-4243" / "tasks.csv", "new");
    {
      OutputDirectory out(dir, kRunDirectoryNames);
      REQUIRE(out.notices().size() == 2);
      CHECK(out.notices()[0] == "put back \"" + dir.string() +
                                    "\" from \".out.ecsim-old-4243\", where an interrupted ecsim process (pid 4243) left it");
      CHECK(read_file(dir / "tasks.csv") == "previous");
    }
    CHECK(names_in(scratch.path()) == std::vector<std::string>{"out"});
    CHECK(read_file(dir / "tasks.csv") == "previous");
  }
}

TEST_CASE("output directory: a directory holding what ecsim does not write is refused and left alone", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  put(dir / "tasks.csv", "ours");
  put(dir / ".tasks.csv.tmp-77-0", "a temporary file an older writer left: ours to drop");
  put(dir / "notes.txt", "the user's");
  CHECK_THROWS_WITH(OutputDirectory(dir, kRunDirectoryNames),
                    "\"" + dir.string() + "\" holds \"notes.txt\", which ecsim does not write there; ecsim replaces "
                    "its output directory whole, so it writes only to a new or empty directory or one it wrote "
                    "before: choose another, or move \"notes.txt\" away");
  CHECK(names_in(dir) == std::vector<std::string>{".tasks.csv.tmp-77-0", "notes.txt", "tasks.csv"});
  CHECK(names_in(scratch.path()) == std::vector<std::string>{"out"});
  // A file where the directory should be.
  put(scratch.path() / "file", "x");
  CHECK_THROWS_WITH(OutputDirectory(scratch.path() / "file", kRunDirectoryNames),
                    "\"" + (scratch.path() / "file").string() + "\" exists and is not a directory");
}

TEST_CASE("output directory: the current directory and its parents are refused", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path cwd = fs::current_path();
  fs::create_directories(scratch.path() / "run");
  fs::current_path(scratch.path() / "run");
  for (const char* dir : {".", "..", "./", "../run", "/"}) {
    INFO(dir);
    CHECK_THROWS_WITH(OutputDirectory(dir, kRunDirectoryNames),
                      Catch::EndsWith("ecsim replaces its output directory whole, so it cannot be the current "
                                      "directory or one that holds it; name a directory of its own, such as \"out\""));
  }
  fs::current_path(cwd);
  CHECK(names_in(scratch.path()) == std::vector<std::string>{"run"});
}

TEST_CASE("output directory: Start::kKeepExisting starts from DIR's files, linked", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  write_run(dir, "tasks");
  OutputDirectory out(dir, kRunDirectoryNames, OutputDirectory::Start::kKeepExisting);
  CHECK(names_in(out.staging()) == std::vector<std::string>{"tasks.csv"});
  CHECK(fs::equivalent(out.staging() / "tasks.csv", dir / "tasks.csv"));  // a hard link, not a copy
  write_file_atomically(out.staging() / "report.html", std::string_view("page"));
  out.commit();
  CHECK(names_in(dir) == std::vector<std::string>{"report.html", "tasks.csv"});
  CHECK(read_file(dir / "tasks.csv") == "tasks");
}

TEST_CASE("output directory: files in staging are synced by the directory's commit, nested ones too", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  {
    OutputDirectory out(dir, kRunDirectoryNames);
    const fs::path staging = out.staging();
    // Inside the staging directory, at any depth: the commit syncs them.
    CHECK(durable_with_directory(staging / "tasks.csv"));
    CHECK(durable_with_directory(staging / "runs" / "0" / "summary.json"));
    // Not the directory itself, not DIR, not a sibling whose name only starts the same.
    CHECK_FALSE(durable_with_directory(staging));
    CHECK_FALSE(durable_with_directory(dir / "tasks.csv"));
    CHECK_FALSE(durable_with_directory(fs::path(staging.native() + "x") / "tasks.csv"));
    CHECK_FALSE(durable_with_directory(scratch.path() / "elsewhere.csv"));
    fs::create_directories(staging / "runs" / "0");
    write_file_atomically(staging / "runs" / "0" / "summary.json", std::string_view("{}"));
    write_file_atomically(staging / "tasks.csv", std::string_view("tasks"));
    out.commit();
    // Committed: its files are DIR's now, synced; a writer there syncs its own.
    CHECK_FALSE(durable_with_directory(staging / "tasks.csv"));
    CHECK_FALSE(durable_with_directory(dir / "tasks.csv"));
  }
  CHECK(read_file(dir / "tasks.csv") == "tasks");
  CHECK(read_file(dir / "runs" / "0" / "summary.json") == "{}");
  fs::path abandoned;
  {
    OutputDirectory out(scratch.path() / "other", kRunDirectoryNames);
    abandoned = out.staging();
    CHECK(durable_with_directory(abandoned / "tasks.csv"));
  }  // destroyed without commit
  CHECK_FALSE(durable_with_directory(abandoned / "tasks.csv"));
}

TEST_CASE("spool file: nothing has a name until commit, then the file is whole", "[reports][output_dir]") {
  ScratchDir scratch;
  const fs::path dir = scratch.path() / "out";
  SpoolFile spool(dir);  // DIR does not exist: the nearest directory that does
  for (int k = 0; k < 20'000; ++k) spool.writer().write("a line of the spool\n");
  CHECK(scratch.entries().empty());
  fs::create_directories(dir);
  const FileDigest digest = spool.commit(dir / "placements.jsonl");
  std::string want;
  for (int k = 0; k < 20'000; ++k) want += "a line of the spool\n";
  CHECK(read_file(dir / "placements.jsonl") == want);
  CHECK(digest == digest_of(want));
  CHECK(digest == digest_file(dir / "placements.jsonl"));
}

TEST_CASE("content hash: XXH3-64 as specified, whatever the pieces", "[reports][output_dir]") {
  // The reference value of XXH3-64 (seed 0) of the empty input, from xxHash's specification tests.
  CHECK(digest_of("").hash == 0x2D06800538D394C2ULL);
  CHECK(hash_hex(0x2D06800538D394C2ULL) == "2d06800538d394c2");
  std::string text;
  for (int k = 0; k < 10'000; ++k) text += std::to_string(k * 7919) + ",";
  for (const std::size_t piece : {1u, 7u, 64u, 1000u, 65536u}) {
    INFO(piece);
    ContentHash h;
    for (std::size_t at = 0; at < text.size(); at += piece) h.update(std::string_view(text).substr(at, piece));
    CHECK(h.digest() == digest_of(text));
  }
  CHECK(digest_of(text).bytes == text.size());
  CHECK(digest_of("a").hash != digest_of("b").hash);
  // Long inputs go through XXH3's vector loop (AVX-512, AVX2 or SSE2, whichever the processor
  // has): the values are those of libxxhash's portable XXH3_64bits, computed once.
  CHECK(digest_of(text).hash == 0xd254ed58db16fcaeULL);
  std::string noise(3'000'000, '\0');
  std::uint64_t x = 88172645463325252ULL;  // xorshift64
  for (char& c : noise) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x >> 56);
  }
  CHECK(digest_of(noise).hash == 0xf4fffbf59a6b4c77ULL);
  ContentHash h;
  for (std::size_t at = 0; at < noise.size(); at += 100'003) h.update(std::string_view(noise).substr(at, 100'003));
  CHECK(h.digest().hash == 0xf4fffbf59a6b4c77ULL);
}
