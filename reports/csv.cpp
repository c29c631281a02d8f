#include "reports/csv.h"

#include <charconv>
#include <cstring>
#include <vector>

#include "reports/cost.h"
#include "reports/format.h"
#include "reports/result_check.h"

namespace ecsim::reports {
namespace {

using sim::kNever;

void put_int(BufferedWriter& out, std::int64_t v) {
  char* p = out.reserve(kMaxNumberChars);
  out.commit(write_int(p, v));
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

// ",DOLLARS" from micro-dollars, exact: a micro-dollar is to a dollar what a microsecond
// (SimTime's unit) is to a second, so write_seconds prints it (192'000 -> "0.192").
void put_microdollars_field(BufferedWriter& out, std::int64_t microdollars) {
  static_assert(sim::kSecond == 1'000'000);
  char* p = out.reserve(kMaxNumberChars + 1);
  *p++ = ',';
  out.commit(write_seconds(p, microdollars));
}

// ",DOLLARS" from a non-negative Int128 of micro-dollars, exact (as put_microdollars_field).
void put_microdollars128_field(BufferedWriter& out, Int128 microdollars) {
  char digits[48];
  std::size_t n = 0;
  Int128 whole = microdollars / 1'000'000;
  auto fraction = static_cast<std::int64_t>(microdollars % 1'000'000);
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(whole % 10));
    whole /= 10;
  } while (whole > 0);
  char* p = out.reserve(kMaxNumberChars + 1);
  *p++ = ',';
  while (n > 0) *p++ = digits[--n];
  if (fraction != 0) {
    *p++ = '.';
    int places = 6;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --places;
    }
    for (int k = places - 1; k >= 0; --k) {
      std::int64_t d = fraction;
      for (int j = 0; j < k; ++j) d /= 10;
      *p++ = static_cast<char>('0' + d % 10);
    }
  }
  out.commit(p);
}

// The long-form series of one breakdown (zones or instance types); see kZoneTimeseriesCsvHeader.
void write_breakdown_csv(const sim::RunResult& r, std::string_view header, const std::vector<std::string>& names,
                         const std::vector<std::int64_t>& cpu_reserved, const std::vector<std::int64_t>& cpu_registered,
                         const std::vector<std::int64_t>& memory_reserved,
                         const std::vector<std::int64_t>& memory_registered, BufferedWriter& out) {
  out.write(header);
  out.put('\n');
  const bool cpu = series_recorded(r, names, cpu_reserved, cpu_registered);
  const bool memory = series_recorded(r, names, memory_reserved, memory_registered);
  if (!cpu && !memory) return;
  const std::vector<std::string> fields = csv_fields(names);
  const std::size_t n = names.size();
  for (std::size_t j = 0; j < r.samples.size(); ++j) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t at = j * n + k;
      char* p = out.reserve(kMaxNumberChars);
      out.commit(write_seconds(p, r.samples[j].time));
      out.put(',');
      out.write(fields[k]);
      if (cpu) {
        put_int_field(out, cpu_reserved[at]);
        put_int_field(out, cpu_registered[at]);
      } else {
        out.write(",,");
      }
      if (memory) {
        put_int_field(out, memory_reserved[at]);
        put_int_field(out, memory_registered[at]);
      } else {
        out.write(",,");
      }
      out.put('\n');
    }
  }
}

template <class Write>
std::string render(const sim::RunResult& r, Write write) {
  check_run_result(r);
  std::string text;
  BufferedWriter out(text);
  write(r, out);
  out.flush();
  return text;
}

}  // namespace

std::string_view market_name(sim::Market m) { return m == sim::Market::kSpot ? "spot" : "on-demand"; }

bool series_recorded(const sim::RunResult& r, const std::vector<std::string>& names,
                     const std::vector<std::int64_t>& reserved, const std::vector<std::int64_t>& registered) {
  const std::size_t n = names.size();
  return n > 0 && reserved.size() == r.samples.size() * n && registered.size() == reserved.size();
}

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

TaskRowWriter::Field TaskRowWriter::add(std::string_view csv_text) {
  text_.resize(text_.size() - kPad);
  const Field f{text_.size(), csv_text.size()};
  text_.append(csv_text);
  text_.append(kPad, '\0');
  return f;
}

char* TaskRowWriter::put(char* p, Field f) const {
  const char* from = text_.data() + f.at;
  if (f.size <= kPad) {
    std::memcpy(p, from, kPad);  // text_ holds kPad bytes from any field's start; row() reserved them
  } else {
    std::memcpy(p, from, f.size);
  }
  return p + f.size;
}

TaskRowWriter::Field TaskRowWriter::name(std::vector<Field>& fields, const std::vector<std::string>& names,
                                         std::size_t k) {
  while (fields.size() <= k) fields.push_back(add(csv_field(names[fields.size()])));
  return fields[k];
}

namespace {

// The field of enum value `v`, from `text_of` the first time.
template <class Enum, class Add>
[[gnu::always_inline]] inline auto enum_field(auto& fields, Enum v, std::string_view (*text_of)(Enum), Add add) {
  const auto k = static_cast<std::size_t>(v);
  while (fields.size() <= k) fields.push_back(add(text_of(static_cast<Enum>(fields.size()))));
  return fields[k];
}

char* put_int_at(char* p, std::int64_t v) { return write_int(p, v); }

// A row's four times, each written once: a task placed when submitted and started when placed
// (no wait, no image pull) copies the text it already wrote.
class RowTimes {
 public:
  // ",SECONDS", or "," when the event did not happen. REQUIRES: room for kMaxNumberChars + 1 at p, and p in the
  // same stretch as the earlier fields of the row.
  char* put(char* p, sim::SimTime t) {
    *p++ = ',';
    if (t == kNever) return p;
    if (t == last_) {
      // A fixed-size copy through registers (the longest time is 21 chars): the bytes read past
      // the text lie in the row's reserved stretch; those written past it are overwritten next.
      char copy[kCopy];
      std::memcpy(copy, text_, kCopy);
      std::memcpy(p, copy, kCopy);
      return p + length_;
    }
    last_ = t;
    text_ = p;
    p = write_seconds(p, t);
    length_ = static_cast<std::size_t>(p - text_);
    return p;
  }

 private:
  static constexpr std::size_t kCopy = 24;
  static_assert(kCopy <= kMaxNumberChars, "the copy stays in the field's room");
  sim::SimTime last_ = kNever;
  const char* text_ = nullptr;
  std::size_t length_ = 0;
};

}  // namespace

void TaskRowWriter::row(const sim::TaskRecord& t, const sim::RunResult& r, const std::vector<std::string>& groups,
                        BufferedWriter& out) {
  // The fields first, then the whole row in one reserved stretch of the buffer (or, for a row
  // with names too long for it, in scratch_).
  const Field family = name(families_, r.families, t.family);
  const Field group = name(groups_, groups, t.group);
  Field place = no_place_;
  const Place* slot = nullptr;
  if (const sim::InstanceIdx inst = t.instance; inst != sim::kNoInstance) {
    if (places_.size() <= inst && places_.capacity() < r.instances.size()) places_.reserve(r.instances.size());
    while (places_.size() <= inst) {
      const std::size_t i = places_.size();
      std::string text = ",";
      text.append(csv_field(r.instances.id[i])).append(",");
      text.append(csv_field(r.zones[r.instances.zone[i]])).append(",");
      text.append(csv_field(r.instance_types[r.instances.type[i]]));
      Place& added = places_.emplace_back();
      std::memset(added.text, 0, kPlaceText);
      if (text.size() <= kPlaceText) {
        std::memcpy(added.text, text.data(), text.size());
        added.size = static_cast<std::uint8_t>(text.size());
      } else {
        added.size = kInTable;
        const Field long_text = add(text);
        std::memcpy(added.text, &long_text, sizeof long_text);
      }
    }
    if (places_[inst].size != kInTable) {
      slot = &places_[inst];
    } else {
      std::memcpy(&place, places_[inst].text, sizeof place);
    }
  }
  const auto add_fixed = [this](std::string_view text) { return add(text); };  // fixed names: nothing to quote
  const Field code = enum_field(codes_, t.stop_code, &sim::stop_code_name, add_fixed);
  const Field failure = enum_field(failures_, t.failure_reason, &sim::failure_reason_name, add_fixed);
  const Field reason = enum_field(reasons_, t.stop_reason, &sim::stop_reason_text, add_fixed);  // no commas or quotes
  Field source;
  if (t.source != sim::TaskRecord::kNoSource) {
    while (sources_.size() <= t.source) sources_.push_back(add(csv_field(r.sources[sources_.size()].name)));
    source = sources_[t.source];
  }
  // 't' + number, 7 numbers with their commas, 7 more commas, ",0," and the newline, and room for
  // the last field's fixed-size copy.
  constexpr std::size_t kFixed = 1 + kMaxNumberChars + 7 * (kMaxNumberChars + 1) + 7 + 3 + 1 + kPad;
  const std::size_t need = kFixed + family.size + group.size + (slot != nullptr ? kPlaceText : place.size) +
                           code.size + failure.size + reason.size + source.size;
  char* const begin = need <= BufferedWriter::kMaxReserve ? out.reserve(need) : (scratch_.resize(need), scratch_.data());
  char* p = begin;
  *p++ = 't';
  p = put_int_at(p, static_cast<std::int64_t>(t.number) + 1);
  *p++ = ',';
  p = put(p, family);
  *p++ = ',';
  p = put_int_at(p, t.revision);
  *p++ = ',';
  p = put(p, group);
  if (slot != nullptr) {
    std::memcpy(p, slot, sizeof(Place));  // the text and what follows it: room reserved (kPad >= 1)
    p += slot->size;
  } else {
    p = put(p, place);
  }
  RowTimes times;
  p = times.put(p, t.submitted_at);
  p = times.put(p, t.placed_at);
  p = times.put(p, t.started_at);
  p = times.put(p, t.stopped_at);
  *p++ = ',';
  p = put(p, code);
  *p++ = ',';
  p = put(p, failure);
  *p++ = ',';
  p = put_int_at(p, t.cpu);
  *p++ = ',';
  p = put_int_at(p, t.memory_mib);
  std::memcpy(p, t.rejected ? ",1," : ",0,", 3);
  p += 3;
  p = put(p, reason);
  *p++ = ',';
  p = put(p, source);
  *p++ = '\n';
  if (begin == scratch_.data()) {
    out.write(std::string_view(begin, static_cast<std::size_t>(p - begin)));
  } else {
    out.commit(p);
  }
}

void write_tasks_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kTasksCsvHeader);
  out.put('\n');
  TaskRowWriter rows;
  for (std::size_t i = 0; i < r.tasks.size(); ++i) rows.row(sim::task_record(r.tasks, i), r, r.groups, out);
}

TasksCsvStream::TasksCsvStream(BufferedWriter& out) : out_(out) {
  out_.write(kTasksCsvHeader);
  out_.put('\n');
}

void TasksCsvStream::task_done(const sim::TaskRecord& t, const sim::ClusterState& cluster, const sim::RunResult& result) {
  rows_.row(t, result, cluster.group_names, out_);
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

void write_instances_csv(const sim::RunResult& r, BufferedWriter& out) {
  const std::vector<std::string> zones = csv_fields(r.zones);
  const std::vector<std::string> types = csv_fields(r.instance_types);
  const CostFigures cost = compute_cost(r);
  out.write(kInstancesCsvHeader);
  out.put('\n');
  const sim::InstanceRecords& in = r.instances;
  for (std::size_t i = 0; i < in.size(); ++i) {
    out.write(csv_field(in.id[i]));
    out.put(',');
    out.write(zones[in.zone[i]]);
    out.put(',');
    out.write(types[in.type[i]]);
    out.put(',');
    out.write(market_name(in.market[i]));
    put_time_field(out, in.launched_at[i]);
    put_time_field(out, in.registered_at[i]);
    put_time_field(out, in.terminated_at[i]);
    put_int_field(out, in.cpu_registered[i]);
    put_int_field(out, in.memory_registered_mib[i]);
    put_microdollars_field(out, cost.price[i]);
    put_microdollars_field(out, r.price_microdollars_per_hour[in.type[i]]);
    put_time_field(out, cost.billed[i]);
    put_time_field(out, cost.covered[i]);
    char* p = out.reserve(kMaxNumberChars + 1);
    *p++ = ',';
    out.commit(write_double(p, CostFigures::dollars(cost.cost[i])));
    // The capacity provider whose Auto Scaling group launched it; empty for an instance group's.
    out.put(',');
    if (i < r.instance_capacity_provider.size() && r.instance_capacity_provider[i] < r.capacity_providers.size()) {
      out.write(csv_field(r.capacity_providers[r.instance_capacity_provider[i]].name));
    }
    out.put('\n');
  }
}

std::string instances_csv(const sim::RunResult& r) { return render(r, write_instances_csv); }

void write_timeseries_csv(const sim::RunResult& r, BufferedWriter& out) {
  const CostFigures cost = compute_cost(r);
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
    const auto [on_demand, spot] = cost.rate_at(s.time);
    put_microdollars128_field(out, on_demand + spot);
    out.put('\n');
  }
}

std::string timeseries_csv(const sim::RunResult& r) { return render(r, write_timeseries_csv); }

void write_zone_timeseries_csv(const sim::RunResult& r, BufferedWriter& out) {
  write_breakdown_csv(r, kZoneTimeseriesCsvHeader, r.zones, r.zone_cpu_reserved, r.zone_cpu_registered,
                      r.zone_memory_reserved, r.zone_memory_registered, out);
}

std::string zone_timeseries_csv(const sim::RunResult& r) { return render(r, write_zone_timeseries_csv); }

void write_type_timeseries_csv(const sim::RunResult& r, BufferedWriter& out) {
  write_breakdown_csv(r, kTypeTimeseriesCsvHeader, r.instance_types, r.type_cpu_reserved, r.type_cpu_registered,
                      r.type_memory_reserved, r.type_memory_registered, out);
}

std::string type_timeseries_csv(const sim::RunResult& r) { return render(r, write_type_timeseries_csv); }

namespace {

// The services' names as CSV fields, by ServiceResult index.
std::vector<std::string> service_fields(const sim::RunResult& r) {
  std::vector<std::string> out;
  out.reserve(r.services.size());
  for (const sim::ServiceResult& s : r.services) out.push_back(csv_field(r.sources[s.source].name));
  return out;
}

void put_time(BufferedWriter& out, sim::SimTime t) {
  char* p = out.reserve(kMaxNumberChars);
  out.commit(write_seconds(p, t));
}

}  // namespace

void write_provider_timeseries_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kProviderTimeseriesCsvHeader);
  out.put('\n');
  const std::size_t n = r.capacity_providers.size();
  if (n == 0 || r.provider_instances.size() != r.samples.size() * n) return;
  for (std::size_t j = 0; j < r.samples.size(); ++j) {
    for (std::size_t k = 0; k < n; ++k) {
      put_time(out, r.samples[j].time);
      out.put(',');
      out.write(csv_field(r.capacity_providers[k].name));
      put_int_field(out, r.provider_instances[j * n + k]);
      put_int_field(out, r.provider_desired[j * n + k]);
      char* p = out.reserve(kMaxNumberChars + 1);
      *p++ = ',';
      out.commit(write_double(p, r.provider_reservation[j * n + k]));
      out.put('\n');
    }
  }
}

std::string provider_timeseries_csv(const sim::RunResult& r) { return render(r, write_provider_timeseries_csv); }

void write_service_timeseries_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kServiceTimeseriesCsvHeader);
  out.put('\n');
  const std::vector<std::int64_t>* series[] = {&r.service_running, &r.service_healthy, &r.service_desired,
                                               &r.service_demand_cpu, &r.service_capacity_cpu};
  const std::size_t n = r.services.size();
  bool any = false;
  for (const auto* v : series) any = any || (n > 0 && !v->empty() && v->size() == r.samples.size() * n);
  if (!any) return;
  const std::vector<std::string> names = service_fields(r);
  for (std::size_t j = 0; j < r.samples.size(); ++j) {
    for (std::size_t k = 0; k < n; ++k) {
      put_time(out, r.samples[j].time);
      out.put(',');
      out.write(names[k]);
      for (const auto* v : series) {
        if (v->empty()) {
          out.put(',');
        } else {
          put_int_field(out, (*v)[j * n + k]);
        }
      }
      out.put('\n');
    }
  }
}

std::string service_timeseries_csv(const sim::RunResult& r) { return render(r, write_service_timeseries_csv); }

void write_service_events_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kServiceEventsCsvHeader);
  out.put('\n');
  const std::vector<std::string> names = service_fields(r);
  for (const sim::ServiceEvent& e : r.service_events) {
    put_time(out, e.at);
    out.put(',');
    out.write(names[e.service]);
    out.put(',');
    out.write(csv_field(e.message));
    out.put('\n');
  }
}

std::string service_events_csv(const sim::RunResult& r) { return render(r, write_service_events_csv); }

void write_markers_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kMarkersCsvHeader);
  out.put('\n');
  const std::vector<std::string> names = service_fields(r);
  for (const sim::Marker& m : r.markers) {
    put_time(out, m.at);
    out.put(',');
    out.write(sim::marker_kind_name(m.kind));  // fixed names: nothing to quote
    out.put(',');
    if (m.service != kNoService) out.write(names[m.service]);
    out.put(',');
    out.write(csv_field(m.label));
    out.put('\n');
  }
}

std::string markers_csv(const sim::RunResult& r) { return render(r, write_markers_csv); }

void write_instance_events_csv(const sim::RunResult& r, BufferedWriter& out) {
  out.write(kInstanceEventsCsvHeader);
  out.put('\n');
  for (const sim::InstanceEvent& e : r.instance_events) {
    put_time(out, e.at);
    out.put(',');
    out.write(csv_field(r.instances.id[e.instance]));
    out.put(',');
    out.write(sim::instance_event_name(e.kind));  // fixed names: nothing to quote
    out.put(',');
    out.write(csv_field(e.reason));
    out.put('\n');
  }
}

std::string instance_events_csv(const sim::RunResult& r) { return render(r, write_instance_events_csv); }

}  // namespace ecsim::reports
