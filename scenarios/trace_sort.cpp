#include "scenarios/trace_sort.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <system_error>
#include <type_traits>

#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

std::mutex options_mutex;
TraceSortOptions options_now;

// One record as the file holds it: fixed size, no padding left uninitialised.
struct Spilled {
  std::int64_t submit;
  std::int64_t runtime;
  std::int64_t wait;
  std::int32_t cpu;
  std::int32_t memory_mib;
  std::int32_t gpus;
  std::uint32_t family;
  std::uint32_t group;
  std::uint32_t unused;
};
static_assert(sizeof(Spilled) == 48 && std::is_trivially_copyable_v<Spilled>);

// Records written (and, per run, read) at once: 64 KiB.
constexpr std::size_t kBufferRecords = (std::size_t{64} << 10) / sizeof(Spilled);

std::string errno_text(int err) { return std::generic_category().message(err); }

// pread of exactly `size` bytes at `offset`: the reason (errno, or EIO for a file shorter than
// written) when it cannot.
int read_exactly(int fd, char* data, std::size_t size, std::int64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return 0;
}

class MergeReader final : public sim::TraceReader {
 public:
  MergeReader(std::shared_ptr<const TraceRuns> runs, sim::SimTime origin, std::string label)
      : runs_(std::move(runs)), origin_(origin), label_(std::move(label)) {
    const std::vector<TraceRuns::Run>& list = runs_->run_list();
    cursors_.resize(list.size());
    heads_.reserve(list.size());
    for (std::size_t r = 0; r < list.size(); ++r) {
      Cursor& c = cursors_[r];
      c.next = list[r].first;
      c.left = list[r].count;
      if (c.left == 0) continue;
      c.buffer.resize(static_cast<std::size_t>(std::min<std::int64_t>(c.left, kBufferRecords)));
      fill(c);
      heads_.push_back({c.buffer[0].submit, static_cast<std::uint32_t>(r)});
    }
    std::make_heap(heads_.begin(), heads_.end(), later);
  }

  bool next(sim::TraceTask& task, sim::SimTime& recorded_wait) override {
    if (heads_.empty()) return false;
    std::pop_heap(heads_.begin(), heads_.end(), later);
    Cursor& c = cursors_[heads_.back().run];
    const Spilled& s = c.buffer[c.pos++];
    task = sim::TraceTask{};
    task.submit = s.submit - origin_;
    task.runtime = s.runtime;
    task.need.cpu = s.cpu;
    task.need.memory_mib = s.memory_mib;
    task.need.gpus = s.gpus;
    task.family = s.family;
    task.group = s.group;
    recorded_wait = s.wait;
    if (c.pos == c.size) {
      if (c.left == 0) {
        heads_.pop_back();
        return true;
      }
      fill(c);
    }
    heads_.back().submit = c.buffer[c.pos].submit;
    std::push_heap(heads_.begin(), heads_.end(), later);
    return true;
  }

 private:
  struct Cursor {
    std::int64_t next = 0;  // the file's next record to read into the buffer
    std::int64_t left = 0;  // records of the run not yet read into the buffer
    std::vector<Spilled> buffer;
    std::size_t size = 0;  // records in the buffer
    std::size_t pos = 0;   // the next one to give
  };
  struct Head {
    sim::SimTime submit;
    std::uint32_t run;
  };
  // A max-heap on this order keeps the earliest record on top: by submit time, then run.
  static bool later(const Head& a, const Head& b) { return a.submit != b.submit ? a.submit > b.submit : a.run > b.run; }

  void fill(Cursor& c) {
    c.size = static_cast<std::size_t>(std::min<std::int64_t>(c.left, static_cast<std::int64_t>(c.buffer.size())));
    const int err = read_exactly(runs_->fd(), reinterpret_cast<char*>(c.buffer.data()), c.size * sizeof(Spilled),
                                 c.next * static_cast<std::int64_t>(sizeof(Spilled)));
    if (err != 0) {
      throw sim::InputError(label_, "", "the trace's records as sorted into a temporary file at the load",
                            "a read error (" + errno_text(err) + ")");
    }
    c.next += static_cast<std::int64_t>(c.size);
    c.left -= static_cast<std::int64_t>(c.size);
    c.pos = 0;
  }

  std::shared_ptr<const TraceRuns> runs_;
  sim::SimTime origin_;
  std::string label_;
  std::vector<Cursor> cursors_;
  std::vector<Head> heads_;
};

class SortedTraceFile final : public sim::TraceFile {
 public:
  SortedTraceFile(std::shared_ptr<const TraceRuns> runs, sim::SimTime origin, std::string label)
      : runs_(std::move(runs)), origin_(origin), label_(std::move(label)) {}
  std::unique_ptr<sim::TraceReader> open() const override {
    return std::make_unique<MergeReader>(runs_, origin_, label_);
  }

 private:
  std::shared_ptr<const TraceRuns> runs_;
  sim::SimTime origin_;
  std::string label_;
};

}  // namespace

TraceSortOptions trace_sort_options() {
  const std::lock_guard<std::mutex> lock(options_mutex);
  return options_now;
}

void set_trace_sort_options(const TraceSortOptions& options) {
  const std::lock_guard<std::mutex> lock(options_mutex);
  options_now = options;
}

std::vector<std::uint32_t> submit_order(const std::vector<sim::TraceTask>& tasks) {
  std::vector<std::uint32_t> order(tasks.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return tasks[a].submit < tasks[b].submit; });
  return order;
}

TraceRuns::TraceRuns(const std::string& temp_dir) {
  std::error_code ec;
  dir_ = temp_dir.empty() ? std::filesystem::temp_directory_path(ec).string() : temp_dir;
  if (ec) {
    throw TraceSortError("cannot create a temporary file: no temporary directory (TMPDIR, else /tmp: " + ec.message() +
                         ")");
  }
  // No name from the start: nothing to remove on any path out, a kill included.
  fd_ = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    // No O_TMPFILE on this filesystem: a named file, unlinked at once.
    std::string name = (std::filesystem::path(dir_) / "ecsim-trace-sort-XXXXXX").string();
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) fail("create", errno);
    ::unlink(name.c_str());
  }
}

TraceRuns::~TraceRuns() {
  if (fd_ >= 0) ::close(fd_);
}

void TraceRuns::fail(const char* what, int err) const {
  std::string message = "cannot ";
  message.append(what).append(" a temporary file in ").append(dir_).append(" (").append(errno_text(err)).append(")");
  throw TraceSortError(message);
}

void TraceRuns::write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    if (n == 0) fail("write", ENOSPC);  // no progress: give up
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void TraceRuns::add_run(const std::vector<sim::TraceTask>& tasks, const std::vector<sim::SimTime>& waits) {
  const std::vector<std::uint32_t> order = submit_order(tasks);
  std::vector<Spilled> buffer(std::min(kBufferRecords, std::max<std::size_t>(order.size(), 1)));
  std::size_t used = 0;
  for (const std::uint32_t i : order) {
    const sim::TraceTask& t = tasks[i];
    buffer[used++] = Spilled{t.submit, t.runtime, waits.empty() ? -1 : waits[i], t.need.cpu, t.need.memory_mib,
                             t.need.gpus, t.family, t.group, 0};
    if (used == buffer.size()) {
      write_all(reinterpret_cast<const char*>(buffer.data()), used * sizeof(Spilled));
      used = 0;
    }
  }
  write_all(reinterpret_cast<const char*>(buffer.data()), used * sizeof(Spilled));
  runs_.push_back({records_, static_cast<std::int64_t>(tasks.size())});
  records_ += static_cast<std::int64_t>(tasks.size());
}

std::shared_ptr<const sim::TraceFile> sorted_trace_file(std::shared_ptr<const TraceRuns> runs, sim::SimTime origin,
                                                        std::string label) {
  return std::make_shared<SortedTraceFile>(std::move(runs), origin, std::move(label));
}

}  // namespace ecsim::scenarios
