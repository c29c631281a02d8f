#include "tools/import_command.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>

#include "reports/csv.h"
#include "reports/format.h"
#include "scenarios/text_files.h"
#include "scenarios/values.h"
#include "sim/input_error.h"
#include "tools/command_line.h"

namespace ecsim::tools {
namespace {

constexpr std::string_view kImportOptions =
    "  FORMAT                   alibaba-dlrm-2025, alibaba-gpu-2023, generic, google-2019 or swf\n"
    "  -o, --output OUT.csv     write there (atomically) instead of to standard output\n"
    "  --skip-bad-rows          skip malformed rows, counting them, instead of stopping at the first\n"
    "  --default-memory-mib N   swf: memory per processor of a job that gives none (default 2048; 0 refuses)\n"
    "  --machine-cpus N         google-2019: vCPUs of the largest machine (default 96)\n"
    "  --machine-memory-mib N   google-2019: MiB of the largest machine (default 393216)\n"
    "  Records read and skipped are reported on standard error.\n";

std::int64_t option_integer(const po::variables_map& vm, const char* name, std::int64_t lo, std::int64_t hi,
                            std::int64_t fallback) {
  if (vm.count(name) == 0) return fallback;
  const std::string& text = vm[name].as<std::string>();
  const auto v = scenarios::parse_scaled_number(text, 1, 1, scenarios::Rounding::kExact);
  if (!v || *v < lo || *v > hi) {
    throw sim::InputError(std::string("--") + name, "", "an integer from " + std::to_string(lo) + " to " + std::to_string(hi),
                          "\"" + text + "\"");
  }
  return *v;
}

void write_seconds_field(reports::BufferedWriter& out, sim::SimTime t) {
  char* p = out.reserve(reports::kMaxNumberChars);
  out.commit(reports::write_seconds(p, t));
}

void write_integer(reports::BufferedWriter& out, std::int64_t v) {
  char* p = out.reserve(24);
  out.commit(std::to_chars(p, p + 24, v).ptr);
}

}  // namespace

std::string_view import_options_help() { return kImportOptions; }

void write_generic_row(reports::BufferedWriter& out, const scenarios::TraceRecord& r) {
  write_seconds_field(out, r.submit);
  out.put(',');
  write_integer(out, r.cpu);
  out.put(',');
  write_integer(out, r.memory_mib);
  out.put(',');
  if (r.runtime != sim::kNever) write_seconds_field(out, r.runtime);
  out.put(',');
  write_integer(out, r.gpus);
  out.put(',');
  out.write(reports::csv_field(r.family));
  out.put(',');
  out.write(reports::csv_field(r.group.empty() ? "family:" + r.family : r.group));
  out.put(',');
  if (r.recorded_wait >= 0) write_seconds_field(out, r.recorded_wait);
  out.put('\n');
}

int cmd_import(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("output,o", po::value<std::string>())("skip-bad-rows", po::bool_switch())(
      "default-memory-mib", po::value<std::string>())("machine-cpus", po::value<std::string>())(
      "machine-memory-mib", po::value<std::string>());
  const po::variables_map vm = parse_args(args, desc, {"format", "file"});
  if (vm.count("format") == 0 || vm.count("file") == 0) throw UsageError("import takes FORMAT and FILE");
  const std::string format = vm["format"].as<std::string>();
  const auto& formats = scenarios::trace_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    std::string valid;
    for (const auto& f : formats) valid += (valid.empty() ? "" : ", ") + f;
    const std::string guess = sim::closest_spelling(format, formats.data(), formats.size());
    throw UsageError("unknown trace format \"" + format + "\"" + (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)") +
                     "; valid: " + valid);
  }
  scenarios::TraceOptions options;
  options.skip_bad_rows = vm["skip-bad-rows"].as<bool>();
  options.default_memory_mib = option_integer(vm, "default-memory-mib", 0, 2147483647, options.default_memory_mib);
  options.machine_cpus = option_integer(vm, "machine-cpus", 1, 4096, options.machine_cpus);
  options.machine_memory_mib = option_integer(vm, "machine-memory-mib", 1, 2147483647, options.machine_memory_mib);

  const std::string file = vm["file"].as<std::string>();
  std::ifstream in;
  std::string why;
  if (!scenarios::open_text_file(file, in, why)) throw sim::InputError(file, "", "a readable trace file", why);
  const auto source = scenarios::open_trace(format, in, file, options);

  // Every record is read (and checked) before the output is committed: a bad row leaves an
  // existing OUT.csv as it was.
  auto convert = [&](reports::BufferedWriter& out) {
    out.write(kGenericTraceHeader);
    out.put('\n');
    scenarios::TraceRecord rec;
    while (source->next(rec)) write_generic_row(out, rec);
    if (in.bad()) throw sim::InputError(file, "", "a readable trace file", "a read error");
  };
  if (vm.count("output")) {
    const std::string target = vm["output"].as<std::string>();
    std::optional<reports::AtomicFile> out;
    try {
      out.emplace(target);
    } catch (const std::exception& e) {
      throw OutputError(e.what());
    }
    convert(out->writer());
    try {
      out->commit();
    } catch (const std::exception& e) {
      throw OutputError(e.what());
    }
  } else {
    // Streamed: standard output cannot be replaced whole, and a trace may be larger than memory.
    std::fflush(stdout);
    reports::BufferedWriter out(1, "standard output");
    convert(out);
    try {
      out.flush();
    } catch (const std::exception& e) {
      throw OutputError(e.what());
    }
  }
  std::fprintf(stderr, "ecsim import: %s: %lld records read, %lld skipped by the %s rules, %lld bad rows skipped\n",
               file.c_str(), static_cast<long long>(source->read()), static_cast<long long>(source->skipped()),
               format.c_str(), static_cast<long long>(source->bad_rows()));
  if (source->bad_rows() > 0) std::fprintf(stderr, "  first bad row: %s\n", source->first_bad_row().c_str());
  if (format == "swf") {
    const scenarios::SwfHeader& h = source->swf_header();
    std::fprintf(stderr, "  SWF header: MaxProcs %lld, MaxNodes %lld, UnixStartTime %lld, TimeZoneString %s\n",
                 static_cast<long long>(h.max_procs), static_cast<long long>(h.max_nodes),
                 static_cast<long long>(h.unix_start_time), h.time_zone.empty() ? "-" : h.time_zone.c_str());
  }
  return 0;
}

}  // namespace ecsim::tools
