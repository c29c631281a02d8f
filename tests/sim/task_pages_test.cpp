// PagedColumn and TaskPages (sim/task_pages.h): values stay where they were put across many
// pages, a freed page's memory serves a later page, pages are aligned for their type, and a page
// is done only once all its tasks are.
#include "sim/task_pages.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

using namespace ecsim::sim;

namespace {

struct alignas(64) Line {
  std::uint64_t value = 0;
  std::uint32_t task = 0;
};

}  // namespace

TEST_CASE("task pages: values survive growth over many slabs, and pages are aligned for their type", "[sim]") {
  PagedColumn<Line> column;
  PagedColumn<std::uint32_t> small;
  // Enough pages to pass several slabs (64 KiB doubling to 2 MiB) of 16 KiB pages.
  const std::uint32_t n = 600 * kTaskPageSize + 17;
  for (std::uint32_t t = 0; t < n; ++t) {
    column.push_back(Line{std::uint64_t{t} * 3 + 1, t});
    small.push_back(t ^ 0x5a5a5a5au);
  }
  REQUIRE(column.size() == n);
  for (std::uint32_t t = 0; t < n; ++t) {
    REQUIRE(column[t].value == std::uint64_t{t} * 3 + 1);
    REQUIRE(column[t].task == t);
    REQUIRE(small[t] == (t ^ 0x5a5a5a5au));
    REQUIRE(reinterpret_cast<std::uintptr_t>(&column[t]) % 64 == 0);
  }
}

TEST_CASE("task pages: a freed page's memory is reused for the next page, never while in use", "[sim]") {
  PagedColumn<Line> column;
  TaskPages pages;
  std::set<const Line*> freed_pages;
  std::uint32_t next = 0;
  const auto add_page = [&] {
    for (std::size_t k = 0; k < kTaskPageSize; ++k, ++next) {
      column.push_back(Line{next, next});
      pages.added(next);
    }
  };
  for (int p = 0; p < 4; ++p) add_page();
  // Page 1 is done with task by task; only its last task completes it.
  for (std::uint32_t t = kTaskPageSize; t < 2 * kTaskPageSize; ++t) {
    const bool done = pages.done(t);
    CHECK(done == (t == 2 * kTaskPageSize - 1));
  }
  const Line* page1 = &column[kTaskPageSize];
  pages.mark_freed(1);
  column.free_page(1);
  CHECK(pages.freed(kTaskPageSize));
  CHECK_FALSE(pages.freed(0));
  freed_pages.insert(page1);
  add_page();  // page 4 takes page 1's memory
  CHECK(&column[4 * kTaskPageSize] == page1);
  for (std::uint32_t t = 4 * kTaskPageSize; t < 5 * kTaskPageSize; ++t) CHECK(column[t].task == t);
  // The pages still in use kept their values.
  for (std::uint32_t t = 0; t < kTaskPageSize; ++t) CHECK(column[t].task == t);
  for (std::uint32_t t = 2 * kTaskPageSize; t < 4 * kTaskPageSize; ++t) CHECK(column[t].task == t);
  add_page();  // nothing spare: new memory
  CHECK(freed_pages.count(&column[5 * kTaskPageSize]) == 0);
}
