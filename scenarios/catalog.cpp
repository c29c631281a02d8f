#include "scenarios/catalog.h"

#include <algorithm>
#include <array>
#include <limits>
#include <sstream>
#include <vector>

#include "scenarios/scenario_keys.h"
#include "scenarios/text_files.h"
#include "scenarios/values.h"
#include "sim/csv_reader.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

struct DocumentedMemory {
  std::string_view name;
  std::int64_t advertised_mib;
  std::int64_t os_mib;
};

// Dev Guide "Container instance memory management" (m4.large: MemTotal 8,373,026,816 bytes =
// 7985 MiB) and "Amazon ECS CloudWatch metrics" (c4.large 3768 MiB, c4.4xlarge 30158 MiB).
constexpr DocumentedMemory kDocumentedMemory[] = {
    {"c4.4xlarge", 30720, 30158},
    {"c4.large", 3840, 3768},
    {"m4.large", 8192, 7985},
};

std::optional<std::int64_t> parse_csv_int(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool by_name(const sim::InstanceType& a, const sim::InstanceType& b) { return a.name < b.name; }

// pricePerHour in a scenario: a JSON number or a decimal string, exactly when it has at most six
// decimals. A number is re-read from its shortest round-trip text (0.01 -> "0.01").
std::int64_t get_price(const JsonCursor& c) {
  static const std::string kExpected = "a price in dollars per hour (at most 6 decimals, not negative)";
  std::optional<std::int64_t> v;
  if (c.is_string()) {
    v = parse_usd_microdollars(c.json().get_ref<const std::string&>());
  } else if (c.is_number()) {
    v = parse_usd_microdollars(c.json().dump());
  }
  if (!v) c.fail(kExpected);
  return *v;
}

}  // namespace

std::optional<std::int64_t> parse_usd_microdollars(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  // Trailing zeros beyond the sixth decimal are harmless ("0.1000000").
  while (frac.size() > 6 && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > 6) return std::nullopt;
  auto w = parse_csv_int(whole);
  if (!w || *w > 1'000'000'000) return std::nullopt;
  std::int64_t micro = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    micro = micro * 10 + (c - '0');
  }
  return *w * 1'000'000 + micro;
}

std::int64_t estimated_os_memory_mib(std::string_view type_name, std::int64_t advertised_mib) {
  for (const auto& d : kDocumentedMemory) {
    if (d.name == type_name && d.advertised_mib == advertised_mib) return d.os_mib;
  }
  // Least-squares line through the three documented gaps (see catalog.h).
  return advertised_mib - (32 + advertised_mib * 1742 / 100000);
}

std::int64_t registered_memory_mib(const sim::InstanceType& type, std::int64_t reserved_memory_mib) {
  return type.os_memory_mib - reserved_memory_mib;
}

std::int32_t registered_cpu_units(const sim::InstanceType& type) { return type.vcpu * 1024; }

namespace {

// Calls row(field, where) for each data row of a CSV whose header names (at least) `columns`, in
// any order: field(k) is the row's value in columns[k]; where is "line N". Empty lines are
// skipped. Throws InputError for a missing column or a short row.
template <std::size_t N, class Row>
void for_each_named_row(std::string_view csv, const std::string& file, const std::array<std::string_view, N>& columns,
                        Row&& row) {
  std::array<std::size_t, N> column{};
  std::istringstream in{std::string(csv)};
  sim::CsvReader reader(in, file, {.comment = 0, .skip_blank = true});
  bool header = true;
  std::vector<std::string> fields;
  while (reader.next()) {
    const std::string where = "line " + std::to_string(reader.line());
    fields.assign(reader.size(), std::string());
    for (std::size_t k = 0; k < reader.size(); ++k) fields[k] = reader.field(k);
    if (header) {
      for (std::size_t k = 0; k < N; ++k) {
        auto it = std::find(fields.begin(), fields.end(), columns[k]);
        if (it == fields.end()) {
          throw sim::InputError(file, where, "a header with a column " + std::string(columns[k]), quote(reader.joined()));
        }
        column[k] = static_cast<std::size_t>(it - fields.begin());
      }
      header = false;
      continue;
    }
    const auto field = [&](std::size_t k) -> const std::string& {
      if (column[k] >= fields.size()) {
        throw sim::InputError(file, where, "a value in column " + std::string(columns[k]), "a short row");
      }
      return fields[column[k]];
    };
    row(field, where);
  }
}

}  // namespace

std::vector<sim::InstanceType> parse_catalog_csv(std::string_view csv, const std::string& file) {
  static constexpr std::array<std::string_view, 7> kColumns = {
      "instanceType", "vcpu", "memoryMiB", "maxEnis", "gpus", "architecture", "onDemandUsdPerHour"};
  std::vector<sim::InstanceType> types;
  for_each_named_row(csv, file, kColumns, [&](const auto& field, const std::string& where) {
    auto number = [&](std::size_t k) {
      auto v = parse_csv_int(field(k));
      if (!v || *v > std::numeric_limits<std::int32_t>::max()) {
        throw sim::InputError(file, where, "an integer in column " + std::string(kColumns[k]), quote(field(k)));
      }
      return *v;
    };
    sim::InstanceType t;
    t.name = field(0);
    if (t.name.empty()) throw sim::InputError(file, where, "an instance type name", "an empty field");
    t.vcpu = static_cast<std::int32_t>(number(1));
    t.memory_mib = number(2);
    t.max_enis = static_cast<std::int32_t>(number(3));
    t.trunked_awsvpc_tasks = trunked_awsvpc_tasks(t.name);
    set_ebs_attachment_limit(t);
    t.gpus = static_cast<std::int32_t>(number(4));
    t.architecture = field(5);
    if (t.architecture != "x86_64" && t.architecture != "arm64") {
      throw sim::InputError(file, where, "an architecture x86_64 or arm64", quote(t.architecture));
    }
    auto price = parse_usd_microdollars(field(6));
    if (!price) throw sim::InputError(file, where, "a price in USD per hour", quote(field(6)));
    t.price_microdollars_per_hour = *price;
    t.os_memory_mib = estimated_os_memory_mib(t.name, t.memory_mib);
    types.push_back(std::move(t));
  });
  std::stable_sort(types.begin(), types.end(), by_name);
  for (std::size_t i = 1; i < types.size(); ++i) {
    if (types[i].name == types[i - 1].name) {
      throw sim::InputError(file, "/", "one row per instance type", "two rows for " + quote(types[i].name));
    }
  }
  return types;
}

void set_ebs_attachment_limit(sim::InstanceType& type) {
  const std::string_view family = std::string_view(type.name).substr(0, type.name.find('.'));
  static constexpr std::string_view kXen[] = {"c4", "m4", "p3", "r4", "t2"};
  const bool xen = std::find(std::begin(kXen), std::end(kXen), family) != std::end(kXen);
  type.max_ebs_attachments = xen ? 40 : 28;
  type.ebs_limit_shared = !xen;
}

std::int32_t trunked_awsvpc_tasks(std::string_view type_name) {
  // (type, awsvpc tasks with trunking); without trunking these take max_enis - 1.
  static constexpr std::pair<std::string_view, std::int32_t> kTrunked[] = {
      {"c5.large", 10},    {"m5.large", 10},     {"m5.xlarge", 20},    {"m5.2xlarge", 40},
      {"m5.4xlarge", 60},  {"m5.24xlarge", 120}, {"m6i.8xlarge", 90},
  };
  for (const auto& [name, tasks] : kTrunked) {
    if (name == type_name) return tasks;
  }
  return 0;
}

bool trunking_unsupported(std::string_view type_name) {
  const std::string_view family = type_name.substr(0, type_name.find('.'));
  for (const std::string_view f : {"c5n", "g4dn", "i3", "r5n", "z1d"}) {
    if (family == f) return true;
  }
  return false;
}

void apply_spot_advisor_csv(std::string_view csv, const std::string& file, std::vector<sim::InstanceType>& types) {
  static constexpr std::array<std::string_view, 3> kColumns = {"instanceType", "spotSavingsPct", "interruptionBand"};
  std::vector<std::uint8_t> seen(types.size(), 0);
  for_each_named_row(csv, file, kColumns, [&](const auto& field, const std::string& where) {
    const std::int64_t t = find_instance_type(types, field(0));
    if (t < 0) throw sim::InputError(file, where, "an instance type of the catalog", quote(field(0)));
    const auto k = static_cast<std::size_t>(t);
    if (seen[k] != 0) throw sim::InputError(file, where, "one row per instance type", "a second row for " + quote(field(0)));
    seen[k] = 1;
    const auto savings = parse_csv_int(field(1));
    if (!savings || *savings > 100) {
      throw sim::InputError(file, where, "an integer percent from 0 to 100 in column spotSavingsPct", quote(field(1)));
    }
    const auto band = sim::spot_interruption_band_named(field(2));
    if (!band) {
      throw sim::InputError(file, where, "an interruption band <5%, 5-10%, 10-15%, 15-20% or >20%", quote(field(2)));
    }
    types[k].spot_savings_pct = static_cast<std::int32_t>(*savings);
    types[k].spot_interruption_band = *band;
  });
}

const std::vector<sim::InstanceType>& bundled_catalog() {
  static const std::vector<sim::InstanceType> catalog = [] {
    std::vector<sim::InstanceType> types = parse_catalog_csv(kEmbeddedCatalogCsv, "scenarios/catalog/ec2-instances.csv");
    apply_spot_advisor_csv(kEmbeddedSpotAdvisorCsv, "scenarios/catalog/spot-advisor-us-east-1.csv", types);
    return types;
  }();
  return catalog;
}

namespace {

// An integer percent from 0 to 100.
std::int32_t get_percent(const JsonCursor& c) {
  return static_cast<std::int32_t>(c.get_int(0, 100, "an integer percent from 0 to 100"));
}

// Whether an entry of the scenario's instanceTypes array `list` for `name` gives a Spot figure.
bool has_own_spot_figure(const JsonCursor* list, const std::string& name) {
  if (list == nullptr || !list->is_array()) return false;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const JsonCursor e = list->at(i);
    if (!e.is_object() || !e.has("name") || !e["name"].is_string()) continue;
    if (e["name"].json().get_ref<const std::string&>() != name) continue;
    if (e.has("spotPricePerHour") || e.has("spotSavingsPct")) return true;
  }
  return false;
}

}  // namespace

sim::Pricing apply_pricing(const JsonCursor& pricing, const JsonCursor* instance_types,
                           std::vector<sim::InstanceType>& types) {
  pricing.expect_object("a pricing object");
  pricing.check_keys(keys::kPricing);
  sim::Pricing out;
  if (pricing.has("spotDiscountPct")) {
    out.spot_discount_pct = get_percent(pricing["spotDiscountPct"]);
    for (sim::InstanceType& t : types) {
      if (has_own_spot_figure(instance_types, t.name)) continue;
      t.spot_savings_pct = out.spot_discount_pct;
      t.spot_price_override_microdollars_per_hour = -1;
    }
  }
  if (pricing.has("savingsPlans")) {
    const JsonCursor plans = pricing["savingsPlans"];
    plans.expect_array("an array of Savings Plans");
    for (std::size_t i = 0; i < plans.size(); ++i) {
      const JsonCursor p = plans.at(i);
      p.expect_object("a Savings Plan object");
      p.check_keys(keys::kSavingsPlan);
      sim::SavingsPlanTerms plan;
      if (!p.has("discountPct")) p["discountPct"].fail("an integer percent from 0 to 100 (a plan needs discountPct)");
      plan.discount_pct = get_percent(p["discountPct"]);
      if (!p.has("coveredInstances")) {
        p["coveredInstances"].fail("an integer from 1 to 1000000 (a plan needs coveredInstances)");
      }
      plan.covered_instances = static_cast<std::int32_t>(p["coveredInstances"].get_int(1, 1'000'000));
      if (p.has("instanceTypes")) {
        const JsonCursor list = p["instanceTypes"];
        list.expect_array("an array of instance type names");
        plan.all_types = false;
        for (std::size_t k = 0; k < list.size(); ++k) {
          const std::string name = list.at(k).get_name("an instance type name");
          const std::int64_t t = find_instance_type(types, name);
          if (t < 0) list.at(k).fail("an instance type of the EC2 catalog or of instanceTypes");
          plan.instance_types.push_back(static_cast<std::uint32_t>(t));
        }
        std::sort(plan.instance_types.begin(), plan.instance_types.end());
        plan.instance_types.erase(std::unique(plan.instance_types.begin(), plan.instance_types.end()),
                                  plan.instance_types.end());
      }
      out.savings_plans.push_back(std::move(plan));
    }
  }
  return out;
}

std::int64_t find_instance_type(const std::vector<sim::InstanceType>& types, std::string_view name) {
  auto it = std::lower_bound(types.begin(), types.end(), name,
                             [](const sim::InstanceType& t, std::string_view n) { return t.name < n; });
  if (it == types.end() || it->name != name) return -1;
  return it - types.begin();
}

void apply_instance_types(const JsonCursor& list, std::vector<sim::InstanceType>& types) {
  list.expect_array("an array of instance types");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonCursor e = list.at(i);
    e.expect_object("an instance type object");
    e.check_keys(keys::kInstanceType);
    const std::string name = e["name"].get_name("an instance type name");
    const std::int64_t existing = find_instance_type(types, name);
    sim::InstanceType t;
    if (existing >= 0) {
      t = types[static_cast<std::size_t>(existing)];
    } else {
      // A synthetic type: vcpu and memory are required; it registers all its memory.
      t.name = name;
      t.max_enis = 2;
      if (!e.has("vcpu")) e["vcpu"].fail("an integer from 1 to 4096 (a new instance type needs vcpu)");
      if (!e.has("memoryMiB")) e["memoryMiB"].fail("a size (a new instance type needs memoryMiB)");
    }
    if (e.has("vcpu")) t.vcpu = static_cast<std::int32_t>(e["vcpu"].get_int(1, 4096));
    if (e.has("memoryMiB")) {
      const std::int64_t mem = get_size_mib(e["memoryMiB"]);
      if (mem < 1 || mem > std::numeric_limits<std::int32_t>::max()) {
        e["memoryMiB"].fail("a size from 1 MiB to 2147483647 MiB");
      }
      const bool changed = mem != t.memory_mib;
      t.memory_mib = mem;
      if (existing < 0) {
        t.os_memory_mib = mem;
      } else if (changed) {
        t.os_memory_mib = estimated_os_memory_mib(t.name, mem);
      }
    }
    if (e.has("registeredMemoryMiB") && e.has("osMemoryMiB")) {
      e["osMemoryMiB"].fail("only one of registeredMemoryMiB and osMemoryMiB");
    }
    for (const char* key : {"registeredMemoryMiB", "osMemoryMiB"}) {
      if (!e.has(key)) continue;
      const std::int64_t os = get_size_mib(e[key]);
      if (os < 1 || os > t.memory_mib) {
        e[key].fail("a size from 1 MiB to the type's memoryMiB (" + std::to_string(t.memory_mib) + ")");
      }
      t.os_memory_mib = os;
    }
    if (e.has("enis")) t.max_enis = static_cast<std::int32_t>(e["enis"].get_int(0, 1024));
    if (e.has("gpus")) t.gpus = static_cast<std::int32_t>(e["gpus"].get_int(0, 1024));
    // EC2 DescribeInstanceTypes EbsInfo: maximumEbsAttachments and attachmentLimitType.
    if (e.has("maximumEbsAttachments")) {
      t.max_ebs_attachments = static_cast<std::int32_t>(e["maximumEbsAttachments"].get_int(3, 1024));
    }
    if (e.has("ebsAttachmentLimitType")) {
      const std::string kind = e["ebsAttachmentLimitType"].get_string("an attachment limit type: shared or dedicated");
      if (kind != "shared" && kind != "dedicated") e["ebsAttachmentLimitType"].fail("an attachment limit type: shared or dedicated");
      t.ebs_limit_shared = kind == "shared";
    }
    if (e.has("trunkedAwsvpcTasks")) {
      t.trunked_awsvpc_tasks = static_cast<std::int32_t>(e["trunkedAwsvpcTasks"].get_int(1, 10000));
    }
    if (e.has("pricePerHour")) t.price_microdollars_per_hour = get_price(e["pricePerHour"]);
    // A Spot figure of the scenario's own: a price, or savings against the on-demand price.
    if (e.has("spotPricePerHour") && e.has("spotSavingsPct")) {
      e["spotSavingsPct"].fail("only one of spotPricePerHour and spotSavingsPct");
    }
    if (e.has("spotPricePerHour")) {
      t.spot_price_override_microdollars_per_hour = get_price(e["spotPricePerHour"]);
    }
    if (e.has("spotSavingsPct")) {
      t.spot_savings_pct = static_cast<std::int32_t>(e["spotSavingsPct"].get_int(0, 100, "an integer percent from 0 to 100"));
      t.spot_price_override_microdollars_per_hour = -1;
    }
    if (e.has("architecture")) {
      t.architecture = e["architecture"].get_string("an architecture: x86_64 or arm64");
      if (t.architecture != "x86_64" && t.architecture != "arm64") {
        e["architecture"].fail("an architecture: x86_64 or arm64");
      }
    }
    if (existing >= 0) {
      types[static_cast<std::size_t>(existing)] = std::move(t);
    } else {
      types.insert(std::lower_bound(types.begin(), types.end(), t, by_name), std::move(t));
    }
  }
}

}  // namespace ecsim::scenarios
