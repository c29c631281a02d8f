#include "reports/csv.h"

#include <charconv>
#include <vector>

#include "reports/format.h"
#include "reports/result_check.h"

namespace ecsim::reports {
namespace {

using sim::kNever;

void put_int(BufferedWriter& out, std::int64_t v) {
  char* p = out.reserve(kMaxNumberChars);
  out.commit(std::to_chars(p, p + kMaxNumberChars, v).ptr);
}

// ",SECONDS" or "," when the event did not happen.
void put_time_field(BufferedWriter& out, sim::SimTime t) {
  char* p = out.reserve(kMaxNumberChars + 1);
  *p++ = ',';
  if (t != kNever) p = write_seconds(p, t);
  out.commit(p);
}

void put_percent_field(BufferedWriter& out, std::int64_t num, std::int64_t den) {
  char* p = out.reserve(kMaxNumberChars + 1);
  *p++ = ',';
  out.commit(write_percent(p, num, den, 2));
}

void put_int_field(BufferedWriter& out, std::int64_t v) {
  out.put(',');
  put_int(out, v);
}

// Quoted forms of a name table, computed once rather than per row.
std::vector<std::string> csv_fields(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const std::string& name : names) out.push_back(csv_field(name));
  return out;
}

}  // namespace

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void write_tasks_csv(const sim::RunResult& r, BufferedWriter& out) {
  const std::vector<std::string> families = csv_fields(r.families);
  const std::vector<std::string> groups = csv_fields(r.groups);
  const std::vector<std::string> instance_ids = csv_fields(r.instances.id);
  const std::vector<std::string> zones = csv_fields(r.zones);
  const std::vector<std::string> types = csv_fields(r.instance_types);

  out.write(kTasksCsvHeader);
  out.put('\n');
  const sim::TaskRecords& t = r.tasks;
  for (std::size_t i = 0; i < t.size(); ++i) {
    out.put('t');
    put_int(out, static_cast<std::int64_t>(i) + 1);
    out.put(',');
    out.write(families[t.family[i]]);
    put_int_field(out, t.revision[i]);
    out.put(',');
    out.write(groups[t.group[i]]);
    const sim::InstanceIdx inst = t.instance[i];
    if (inst == sim::kNoInstance) {
      out.write(",,,");
    } else {
      out.put(',');
      out.write(instance_ids[inst]);
      out.put(',');
      out.write(zones[r.instances.zone[inst]]);
      out.put(',');
      out.write(types[r.instances.type[inst]]);
    }
    put_time_field(out, t.submitted_at[i]);
    put_time_field(out, t.placed_at[i]);
    put_time_field(out, t.started_at[i]);
    put_time_field(out, t.stopped_at[i]);
    out.put(',');
    out.write(sim::stop_code_name(t.stop_code[i]));  // fixed names: nothing to quote
    out.put(',');
    out.write(sim::failure_reason_name(t.failure_reason[i]));
    out.put('\n');
  }
}

std::string tasks_csv(const sim::RunResult& r) {
  check_run_result(r);
  std::string text;
  text.reserve(kTasksCsvHeader.size() + 1 + r.tasks.size() * 128);  // a typical row is under 128 bytes
  BufferedWriter out(text);
  write_tasks_csv(r, out);
  out.flush();
  return text;
}

void write_timeseries_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kTimeseriesCsvHeader);
  out.put('\n');
  for (const sim::Sample& s : r.samples) {
    char* p = out.reserve(kMaxNumberChars);
    out.commit(write_seconds(p, s.time));
    put_int_field(out, s.running);
    put_int_field(out, s.pending);
    put_int_field(out, s.instances);
    put_percent_field(out, s.cpu_reserved, s.cpu_registered);
    put_percent_field(out, s.memory_reserved_mib, s.memory_registered_mib);
    put_int_field(out, s.starting);
    put_int_field(out, s.submitted);
    put_int_field(out, s.completed);
    put_int_field(out, s.failed_to_place);
    put_int_field(out, s.cpu_reserved);
    put_int_field(out, s.cpu_registered);
    put_int_field(out, s.memory_reserved_mib);
    put_int_field(out, s.memory_registered_mib);
    out.put('\n');
  }
}

std::string timeseries_csv(const sim::RunResult& r) {
  check_run_result(r);
  std::string text;
  BufferedWriter out(text);
  write_timeseries_csv(r, out);
  out.flush();
  return text;
}

}  // namespace ecsim::reports
