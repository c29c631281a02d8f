#include "scenarios/load_context.h"

#include <algorithm>
#include <charconv>

#include "scenarios/scenario_keys.h"
#include "scenarios/text_files.h"
#include "scenarios/values.h"
#include "sim/input_error.h"

namespace ecsim::scenarios {
namespace {

// ECS limit (Dev Guide "Amazon ECS task placement"): constraints per task, task definition and
// request together.
constexpr std::size_t kMaxConstraints = 10;

// Not confirmed in stored AWS material: the ClientException text ECS gives for RunTask and
// CreateService with launch type EC2 and a task definition whose requiresCompatibilities lacks
// EC2 (Dev Guide "Amazon ECS launch types": a task definition is validated against the launch
// types it lists).
constexpr std::string_view kNotEc2Compatible = "Task definition does not support launch_type EC2.";

}  // namespace

std::size_t choose(const JsonCursor& c, std::string_view kind, const std::vector<std::string>& valid) {
  const bool vowel = !kind.empty() && std::string_view("aeiouAEIOU").find(kind.front()) != std::string_view::npos;
  const std::string word = c.get_string((vowel ? "an " : "a ") + std::string(kind));
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (valid[i] == word) return i;
  }
  c.fail(unknown_name_phrase(kind, word, valid.data(), valid.size()), quote(word));
}

bool NameIndex::add(const std::string& name) {
  if (!index_.emplace(name, static_cast<std::uint32_t>(names_.size())).second) return false;
  names_.push_back(name);
  return true;
}

std::size_t NameIndex::choose(const JsonCursor& c, std::string_view kind) const {
  const bool vowel = !kind.empty() && std::string_view("aeiouAEIOU").find(kind.front()) != std::string_view::npos;
  const std::string word = c.get_string((vowel ? "an " : "a ") + std::string(kind));
  const auto found = index_.find(word);
  if (found != index_.end()) return found->second;
  c.fail(unknown_name_phrase(kind, word, names_.data(), names_.size()), quote(word));
}

bool name_chars_ok(const std::string& name) {
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
           ch == '.';
  });
}

std::string format_double(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string ecs_says(std::string_view expected, std::string_view ecs_message) {
  return std::string(expected) + " (ECS: " + std::string(ecs_message) + ")";
}

bool has_value(const JsonCursor& parent, std::string_view key) {
  return parent.has(key) && !parent[key].json().is_null();
}

JsonCursor LoadContext::open_json_file(const JsonCursor& file_ref) {
  const std::string text = read_referenced(file_ref);
  docs.push_back(parse_json_document(text, referenced_label(file_ref)));
  return JsonCursor(*docs.back());
}

std::string LoadContext::referenced_label(const JsonCursor& file_ref) const {
  return locate_referenced_file(label, base_dir, file_ref.json().get<std::string>()).label;
}

std::string LoadContext::read_referenced(const JsonCursor& file_ref) const {
  const std::string rel = file_ref.get_name("a file path relative to the scenario");
  const ReferencedFile f = locate_referenced_file(label, base_dir, rel);
  std::string why;
  auto text = read_text_file(f.path, why);
  if (!text) file_ref.fail("a readable file", quote(rel) + " (" + why + ")");
  return std::move(*text);
}

std::ifstream LoadContext::open_referenced(const JsonCursor& file_ref) const {
  const std::string rel = file_ref.get_name("a file path relative to the scenario");
  const ReferencedFile f = locate_referenced_file(label, base_dir, rel);
  std::string why;
  std::ifstream in;
  if (!open_text_file(f.path, in, why)) file_ref.fail("a readable file", quote(rel) + " (" + why + ")");
  return in;
}

std::uint32_t LoadContext::zone_index(const JsonCursor& c) const {
  return static_cast<std::uint32_t>(choose(c, "availability zone of the cluster", scenario.cluster.availability_zones));
}

std::uint32_t LoadContext::ec2_task_definition(const JsonCursor& ref) const {
  const std::uint32_t index = registry.resolve(ref);
  const auto& compat = registry.definitions()[index].requires_compatibilities;
  const bool ec2 = compat.empty() || std::find(compat.begin(), compat.end(), "EC2") != compat.end() ||
                   std::find(compat.begin(), compat.end(), "EXTERNAL") != compat.end();
  if (!ec2) {
    ref.fail(ecs_says("a task definition compatible with EC2", kNotEc2Compatible),
             quote(ref.json().get<std::string>()) + " (requiresCompatibilities [\"FARGATE\"])");
  }
  return index;
}

void LoadContext::check_total_constraints(const JsonCursor& where, const std::vector<sim::ConstraintSpec>& constraints,
                                          std::uint32_t task_definition) const {
  const std::size_t total = constraints.size() + registry.definitions()[task_definition].member_of.size();
  if (total > kMaxConstraints) {
    where.fail("at most 10 placement constraints with the task definition's", std::to_string(total));
  }
}

// RunTask/CreateService volumeConfigurations: the EBS volume of the task definition's
// configuredAtLaunch volume (ECS attaches one EBS volume per task). A task definition with
// such a volume needs its configuration, and a configuration needs such a volume.
std::optional<sim::EbsVolumeConfig> LoadContext::volume_configurations(const JsonCursor& parent,
                                                                       std::uint32_t task_definition) const {
  const sim::TaskDefinition& td = registry.definitions()[task_definition];
  std::string launch_volume;
  for (const auto& v : td.volumes) {
    if (v.kind == sim::Volume::Kind::kConfiguredAtLaunch) launch_volume = v.name;
  }
  if (!parent.has("volumeConfigurations") || parent["volumeConfigurations"].json().is_null()) {
    if (!launch_volume.empty()) {
      parent["volumeConfigurations"].fail("a volumeConfigurations entry for the task definition's configuredAtLaunch "
                                          "volume \"" + launch_volume + "\"");
    }
    return std::nullopt;
  }
  const JsonCursor list = parent["volumeConfigurations"];
  list.expect_array("an array of volume configurations");
  if (list.size() == 0 && launch_volume.empty()) return std::nullopt;
  if (list.size() != 1) list.fail("one volume configuration (ECS attaches one EBS volume per task)", std::to_string(list.size()));
  const JsonCursor vc = list.at(0);
  vc.expect_object("a volume configuration object ({\"name\": ..., \"managedEBSVolume\": {...}})");
  vc.check_keys(keys::kVolumeConfiguration);
  sim::EbsVolumeConfig out;
  out.name = vc["name"].get_name("a volume name");
  if (launch_volume.empty()) {
    vc["name"].fail("a volume the task definition declares with configuredAtLaunch (it has none)", quote(out.name));
  }
  if (out.name != launch_volume) vc["name"].fail("the task definition's configuredAtLaunch volume \"" + launch_volume + "\"", quote(out.name));
  const JsonCursor m = vc["managedEBSVolume"];
  m.expect_object("a managedEBSVolume object");
  m.check_keys(keys::kManagedEbsVolume);
  if (m.has("volumeType")) {
    const std::vector<std::string> kTypes = {"gp2", "gp3", "io1", "io2", "sc1", "st1", "standard"};
    out.volume_type = kTypes[choose(m["volumeType"], "EBS volume type", kTypes)];
  }
  // EBS volume sizes: 1 GiB to 64 TiB (io2 Block Express); a snapshot gives the size otherwise.
  if (m.has("sizeInGiB")) {
    out.size_gib = static_cast<std::int32_t>(m["sizeInGiB"].get_int(1, 65536, "a size from 1 to 65536 GiB"));
  } else if (!m.has("snapshotId")) {
    m["sizeInGiB"].fail("a sizeInGiB (or a snapshotId)");
  }
  if (m.has("availabilityZone")) out.zone = static_cast<std::int32_t>(zone_index(m["availabilityZone"]));
  // ecsim's assumption, not an AWS figure: creating and attaching the volume takes 20 s.
  out.attach_latency = m.has("attachLatency") ? get_duration(m["attachLatency"]) : 20 * sim::kSecond;
  return out;
}

}  // namespace ecsim::scenarios
