#include "reports/atomic_file.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

#include "tests/reports/run_result_builder.h"
#include "tests/reports/file_size_limit.h"

using namespace ecsim::reports;
using ecsim::reports::testing::read_file;
using ecsim::reports::testing::ScratchDir;

TEST_CASE("atomic_file: writes the whole string and leaves only the target", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "summary.json";
  write_file_atomically(target, std::string_view("{}\n"));
  CHECK(read_file(target) == "{}\n");
  CHECK(dir.entries() == std::vector<std::string>{"summary.json"});
}

TEST_CASE("atomic_file: replaces an existing file", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "tasks.csv";
  write_file_atomically(target, std::string_view("old contents, longer than the new ones\n"));
  write_file_atomically(target, std::string_view("new\n"));
  CHECK(read_file(target) == "new\n");
  CHECK(dir.entries() == std::vector<std::string>{"tasks.csv"});
}

TEST_CASE("atomic_file: streaming output larger than the buffer arrives intact", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "big.csv";
  std::string expected;
  write_file_atomically(target, [&expected](BufferedWriter& w) {
    for (int i = 0; i < 100'000; ++i) {
      char* p = w.reserve(32);
      char* end = std::to_chars(p, p + 32, i).ptr;
      *end++ = '\n';
      expected.append(p, end);
      w.commit(end);
      if (i % 1000 == 0) {
        w.write("a longer line that crosses buffer boundaries at some point\n");
        expected += "a longer line that crosses buffer boundaries at some point\n";
      }
    }
    w.write(std::string(200'000, 'x'));  // one write bigger than the buffer
    expected += std::string(200'000, 'x');
  });
  CHECK(expected.size() > 3 * BufferedWriter::kBufferSize);
  CHECK(read_file(target) == expected);
}

TEST_CASE("atomic_file: a writer on a string collects what was written", "[reports]") {
  std::string text;
  BufferedWriter w(text);
  w.write("abc");
  w.put(',');
  CHECK(w.bytes_written() == 4);
  w.flush();
  CHECK(text == "abc,");
}

TEST_CASE("atomic_file: an exception in the callback removes the temp file and keeps the old file", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "run.json";
  write_file_atomically(target, std::string_view("old\n"));
  CHECK_THROWS_WITH(write_file_atomically(target,
                                          [](BufferedWriter& w) {
                                            w.write(std::string(100'000, 'y'));  // some of it reaches the disk
                                            throw std::invalid_argument("render failed");
                                          }),
                    "render failed");
  CHECK(read_file(target) == "old\n");
  CHECK(dir.entries() == std::vector<std::string>{"run.json"});
}

TEST_CASE("atomic_file: a directory in the way fails, naming the path, and leaves no temp file", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "summary.json";
  std::filesystem::create_directories(target / "inside");
  try {
    write_file_atomically(target, std::string_view("{}\n"));
    FAIL("expected an exception");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("cannot rename"));
    CHECK_THAT(what, Catch::EndsWith(target.string() + ": Is a directory"));
  }
  CHECK(dir.entries() == std::vector<std::string>{"summary.json"});
  CHECK(std::filesystem::is_directory(target / "inside"));
}

TEST_CASE("atomic_file: a missing directory fails with the path and errno text", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "no-such-dir" / "summary.json";
  try {
    write_file_atomically(target, std::string_view("{}\n"));
    FAIL("expected an exception");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("cannot create " + (dir.path() / "no-such-dir").string() + "/.summary.json.tmp-"));
    CHECK_THAT(what, Catch::EndsWith(" to write " + target.string() + ": No such file or directory"));
  }
  CHECK(dir.entries().empty());
}

TEST_CASE("atomic_file: a write that fails part-way leaves neither a partial file nor a temp file", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "tasks.csv";
  write_file_atomically(target, std::string_view("old\n"));
  {
    ecsim::testing::FileSizeLimit limit(100'000);  // the disk "fills" after 100 kB
    CHECK_THROWS_WITH(write_file_atomically(target, std::string(1'000'000, 'z')),
                      "cannot write " + target.string() + ": File too large");
  }
  CHECK(read_file(target) == "old\n");
  CHECK(dir.entries() == std::vector<std::string>{"tasks.csv"});
}

TEST_CASE("atomic_file: a temporary file a killed writer left is removed by the next writer of the target", "[reports]") {
  ScratchDir dir;
  const auto target = dir.path() / "trace.csv";
  // A pid that ran and is gone: a child that exited at once.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const std::string dead = ".trace.csv.tmp-" + std::to_string(child) + "-0";
  const std::string live = ".trace.csv.tmp-1-0";  // pid 1 runs: another writer may be at work
  const std::string other = ".other.csv.tmp-" + std::to_string(child) + "-0";  // another target's
  for (const auto& name : {dead, live, other}) write_file_atomically(dir.path() / name, std::string_view("left"));
  write_file_atomically(target, std::string_view("new\n"));
  std::vector<std::string> want = {live, other, "trace.csv"};
  std::sort(want.begin(), want.end());
  CHECK(dir.entries() == want);
}
