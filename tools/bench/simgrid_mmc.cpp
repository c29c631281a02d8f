// The M/M/c queue of issue 13 written for SimGrid (S4U), to time ecsim against it as whole
// processes on the same work: c one-slot hosts, Poisson arrivals, exponential runtimes, waiting
// jobs served first come first served, one CSV row written per job. Built only when CMake finds
// libsimgrid-dev (option ECSIM_SIMGRID_BENCH); tools/bench/simgrid-compare.sh runs it beside
// `ecsim run` on scenarios/bench/mmc-c*.json.
//
//   simgrid_mmc --servers C --jobs N --rate-per-hour R --mean-runtime S [--seed K] [--output FILE]
//               [--model sleep|execute]
//
// Shape: one generator actor sleeps until each arrival and appends the job to a FIFO; one worker
// actor per host takes the FIFO's head when a semaphore lets it (SimGrid wakes waiters in the
// order they blocked), runs the job and writes its row. With --model sleep (the default) the
// worker sleeps for the runtime, SimGrid's cheapest way to pass time; with --model execute a job
// is an execution of runtime x speed flops on the worker's one-core host, timed by SimGrid's CPU
// model (its usual way to model work, and slower).
// After the last job the generator queues one stop marker per worker, behind every real job.
//
// The draws are ecsim's own: the same named streams (sim/random.h) as an ecsim job named
// `arrivals` with the run seed K, rounded to microseconds as ecsim rounds them, so both
// simulators see the same jobs at the same instants and their mean waits can be compared.
#include <simgrid/s4u.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "sim/random.h"

namespace sg4 = simgrid::s4u;

namespace {

constexpr std::uint64_t kStop = std::numeric_limits<std::uint64_t>::max();
constexpr double kHostSpeed = 1e9;  // flop/s: a job of runtime r is r * kHostSpeed flops

struct Params {
  std::uint64_t servers = 10;
  std::uint64_t jobs = 300000;
  double rate_per_hour = 480;
  double mean_runtime_s = 60;
  std::uint64_t seed = 7;
  std::string output = "simgrid-jobs.csv";
  bool execute = false;
};

struct Job {
  std::uint64_t id;
  std::int64_t submit_us;
  std::int64_t runtime_us;
};

std::int64_t now_us() { return static_cast<std::int64_t>(std::llround(sg4::Engine::get_clock() * 1e6)); }

// Rows go to one large buffer, written out a megabyte at a time.
class CsvOut {
 public:
  explicit CsvOut(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) {
      std::fprintf(stderr, "simgrid_mmc: cannot write %s\n", path.c_str());
      std::exit(2);
    }
    buf_.reserve(kFlushAt + 256);
    buf_ += "job,host,submit,start,end,wait\n";
  }
  CsvOut(const CsvOut&) = delete;
  CsvOut& operator=(const CsvOut&) = delete;
  ~CsvOut() {
    flush();
    std::fclose(file_);
  }

  // Times in microseconds, written as seconds with six decimals.
  void row(std::uint64_t job, std::uint64_t host, std::int64_t submit, std::int64_t start, std::int64_t end) {
    integer(job);
    buf_ += ',';
    integer(host);
    buf_ += ',';
    seconds(submit);
    buf_ += ',';
    seconds(start);
    buf_ += ',';
    seconds(end);
    buf_ += ',';
    seconds(start - submit);
    buf_ += '\n';
    if (buf_.size() >= kFlushAt) flush();
  }

 private:
  static constexpr std::size_t kFlushAt = 1 << 20;

  void integer(std::uint64_t v) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  void seconds(std::int64_t us) {
    integer(static_cast<std::uint64_t>(us / 1000000));
    char tmp[8] = {'.'};
    auto frac = static_cast<std::uint64_t>(us % 1000000);
    for (int i = 6; i >= 1; --i, frac /= 10) tmp[i] = static_cast<char>('0' + frac % 10);
    buf_.append(tmp, 7);
  }
  void flush() {
    std::fwrite(buf_.data(), 1, buf_.size(), file_);
    buf_.clear();
  }

  std::FILE* file_;
  std::string buf_;
};

struct Shared {
  std::deque<Job> queue;
  sg4::SemaphorePtr ready = sg4::Semaphore::create(0);
  CsvOut* out = nullptr;
  std::int64_t wait_sum_us = 0;
  std::uint64_t done = 0;
};

void generator(Shared* s, Params p) {
  ecsim::sim::RandomStream arrival(p.seed, "job:arrivals/arrival");
  ecsim::sim::RandomStream runtime(p.seed, "job:arrivals/runtime");
  const double rate_per_second = p.rate_per_hour / 3600.0;
  const double mean_us = p.mean_runtime_s * 1e6;
  std::int64_t at_us = 0;
  for (std::uint64_t i = 0; i < p.jobs; ++i) {
    at_us += static_cast<std::int64_t>(std::round(arrival.exponential(1.0 / rate_per_second) * 1e6));
    const auto run_us = static_cast<std::int64_t>(std::round(runtime.exponential(mean_us)));
    sg4::this_actor::sleep_until(static_cast<double>(at_us) * 1e-6);
    s->queue.push_back({i, at_us, run_us});
    s->ready->release();
  }
  for (std::uint64_t w = 0; w < p.servers; ++w) {
    s->queue.push_back({kStop, 0, 0});
    s->ready->release();
  }
}

void worker(Shared* s, std::uint64_t host, bool execute) {
  for (;;) {
    s->ready->acquire();
    const Job j = s->queue.front();
    s->queue.pop_front();
    if (j.id == kStop) return;
    const std::int64_t start = now_us();
    const double runtime_s = static_cast<double>(j.runtime_us) * 1e-6;
    if (execute) {
      sg4::this_actor::execute(runtime_s * kHostSpeed);
    } else {
      sg4::this_actor::sleep_for(runtime_s);
    }
    s->out->row(j.id, host, j.submit_us, start, now_us());
    s->wait_sum_us += start - j.submit_us;
    ++s->done;
  }
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "simgrid_mmc: %s\n"
               "usage: simgrid_mmc --servers C --jobs N --rate-per-hour R --mean-runtime SECONDS\n"
               "                   [--seed K] [--output FILE] [--model sleep|execute]\n",
               why);
  std::exit(2);
}

template <typename T>
T number(const char* flag, const char* text) {
  T v{};
  const char* end = text + std::strlen(text);
  const auto r = std::from_chars(text, end, v);
  if (r.ec != std::errc{} || r.ptr != end) usage((std::string(flag) + ": expected a number, got " + text).c_str());
  return v;
}

Params parse(int argc, char** argv) {
  Params p;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage((flag + ": expected a value").c_str());
    const char* v = argv[++i];
    if (flag == "--servers") p.servers = number<std::uint64_t>("--servers", v);
    else if (flag == "--jobs") p.jobs = number<std::uint64_t>("--jobs", v);
    else if (flag == "--rate-per-hour") p.rate_per_hour = number<double>("--rate-per-hour", v);
    else if (flag == "--mean-runtime") p.mean_runtime_s = number<double>("--mean-runtime", v);
    else if (flag == "--seed") p.seed = number<std::uint64_t>("--seed", v);
    else if (flag == "--output") p.output = v;
    else if (flag == "--model") {
      if (std::strcmp(v, "execute") != 0 && std::strcmp(v, "sleep") != 0) usage("--model: expected sleep or execute");
      p.execute = std::strcmp(v, "execute") == 0;
    } else {
      usage(("unknown option " + flag).c_str());
    }
  }
  if (p.servers == 0 || p.rate_per_hour <= 0 || p.mean_runtime_s <= 0) usage("servers, rate and mean must be > 0");
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const Params p = parse(argc, argv);
  // SimGrid's own options: only a quiet log.
  std::string prog = argv[0];
  std::string quiet = "--log=root.thres:critical";
  std::vector<char*> sg_argv = {prog.data(), quiet.data()};
  int sg_argc = static_cast<int>(sg_argv.size());
  sg4::Engine engine(&sg_argc, sg_argv.data());

  // c one-core hosts and no links: the jobs never communicate, so an empty zone routes nothing.
  auto* zone = sg4::create_empty_zone("mmc");
  std::vector<sg4::Host*> hosts;
  hosts.reserve(p.servers);
  std::string name;
  for (std::uint64_t h = 0; h < p.servers; ++h) {
    name.assign(1, 'h');
    name += std::to_string(h);
    hosts.push_back(zone->create_host(name, kHostSpeed));
  }
  zone->seal();

  CsvOut out(p.output);
  Shared shared;
  shared.out = &out;
  sg4::Actor::create("generator", hosts[0], generator, &shared, p);
  for (std::uint64_t h = 0; h < p.servers; ++h) sg4::Actor::create("worker", hosts[h], worker, &shared, h, p.execute);
  engine.run();

  std::printf("simgrid_mmc: %llu jobs on %llu hosts, simulated %.6f s, mean wait %.6f s\n",
              static_cast<unsigned long long>(shared.done), static_cast<unsigned long long>(p.servers),
              sg4::Engine::get_clock(),
              shared.done ? static_cast<double>(shared.wait_sum_us) * 1e-6 / static_cast<double>(shared.done) : 0.0);
  return 0;
}
