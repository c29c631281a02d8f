// The bundled EC2 instance catalog, and the scenario's `instanceTypes` additions to it.
//
// The catalog is scenarios/catalog/ec2-instances.csv (a copy of the project's shared data, see
// scenarios/catalog/README.md for its sources), compiled into the binary. Each row gives the
// type's vCPUs, advertised memory, ENI limit, GPUs, architecture and on-demand price.
//
// Registered memory. The ECS agent registers floor(MemTotal / 2^20) MiB minus
// ECS_RESERVED_MEMORY, and MemTotal is below the advertised size (kernel and firmware keep
// some). AWS documents MemTotal for three types only (Dev Guide "Container instance memory
// management" and "Amazon ECS CloudWatch metrics"):
//     m4.large   8192 MiB advertised -> 7985 MiB registered (gap 207)
//     c4.large   3840 MiB            -> 3768 MiB            (gap  72)
//     c4.4xlarge 30720 MiB           -> 30158 MiB           (gap 562)
// Those three use the documented figure. Every other type uses a least-squares line through
// the three gaps, gap ~= 32.1 MiB + 1.7419 % of the advertised size, kept in integers as
//     os_memory_mib = advertised - (32 + advertised * 1742 / 100000)
// (m5.xlarge: 16384 - (32 + 285) = 16067). Its residuals on the documented points are 33, 26
// and 5 MiB, which is why those three keep their exact figures.
// A scenario can override it per type with `registeredMemoryMiB` (alias `osMemoryMiB`).
// These are Linux figures: a Windows instance registers the advertised memory minus 1 MiB
// (sim::os_memory_mib in sim/run_setup.h; m4.large 8191 MiB, the one documented Windows point).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/json_cursor.h"
#include "sim/model.h"

namespace ecsim::scenarios {

// The CSV text compiled in from scenarios/catalog/ec2-instances.csv.
extern const std::string_view kEmbeddedCatalogCsv;

// Parses a catalog CSV (header row naming at least instanceType, vcpu, memoryMiB, maxEnis,
// gpus, architecture, onDemandUsdPerHour; other columns are ignored). Rows come back sorted by
// name. Errors are InputErrors naming `file` and "line N".
std::vector<sim::InstanceType> parse_catalog_csv(std::string_view csv, const std::string& file);

// The embedded catalog, parsed once.
const std::vector<sim::InstanceType>& bundled_catalog();

// What the OS reports (MemTotal in MiB) for a catalog type, per the rule above.
std::int64_t estimated_os_memory_mib(std::string_view type_name, std::int64_t advertised_mib);

// Memory the agent registers: os_memory_mib - ECS_RESERVED_MEMORY (m4.large with 256: 7729).
// REQUIRES: 0 <= reserved_memory_mib <= type.os_memory_mib.
std::int64_t registered_memory_mib(const sim::InstanceType& type, std::int64_t reserved_memory_mib);

// ECS CPU units an instance registers: 1024 per vCPU.
std::int32_t registered_cpu_units(const sim::InstanceType& type);

// "0.192000" -> 192000 micro-dollars, exactly; nullopt for anything but digits[.digits] with at
// most six decimals.
std::optional<std::int64_t> parse_usd_microdollars(std::string_view text);

// Applies a scenario's `instanceTypes` array to `types` (sorted by name, kept sorted):
// an entry naming an existing type overrides only the fields it gives; a new name needs vcpu and
// memoryMiB and registers its full memory unless `registeredMemoryMiB` says otherwise.
void apply_instance_types(const JsonCursor& list, std::vector<sim::InstanceType>& types);

// ENI trunking (Dev Guide "Elastic network interface trunking", table of awsvpc tasks per
// instance without -> with trunking; only the rows quoted in ecsim's sources are known):
// the awsvpc task limit with trunking for `type_name`, 0 when no figure is documented.
std::int32_t trunked_awsvpc_tasks(std::string_view type_name);

// EBS volume attachments (EC2 User Guide "Amazon EBS volume limits for Amazon EC2 instances"):
// instances built on the Nitro System share 28 attachments between network interfaces, EBS
// volumes and NVMe instance store volumes; the Xen-based families of the catalog (m4, c4, r4,
// t2, p3) are limited to 40 EBS volumes on Linux, not shared with ENIs. Sets
// max_ebs_attachments and ebs_limit_shared. Not modelled: the dedicated EBS limits of some
// newer types (they are treated as shared 28, the conservative reading) and instance store
// volumes (none of the catalog's families has them, except the GPU families g4dn, g5, g6,
// p4d, p5, whose 1-8 instance store volumes would lower the figure further).
void set_ebs_attachment_limit(sim::InstanceType& type);
// Whether the type's family is one the Dev Guide lists as not supporting trunking
// (c5n, g4dn, i3, r5n, z1d).
bool trunking_unsupported(std::string_view type_name);

// Index of `name` in a sorted type list, or -1.
std::int64_t find_instance_type(const std::vector<sim::InstanceType>& types, std::string_view name);

}  // namespace ecsim::scenarios
