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
// The CSV text compiled in from scenarios/catalog/spot-advisor-us-east-1.csv (AWS Spot Instance
// Advisor data; see scenarios/catalog/README.md).
extern const std::string_view kEmbeddedSpotAdvisorCsv;

// Parses a catalog CSV (header row naming at least instanceType, vcpu, memoryMiB, maxEnis,
// gpus, architecture, onDemandUsdPerHour; other columns are ignored). Rows come back sorted by
// name. Errors are InputErrors naming `file` and "line N".
std::vector<sim::InstanceType> parse_catalog_csv(std::string_view csv, const std::string& file);

// Reads a Spot Instance Advisor CSV (header naming at least instanceType, spotSavingsPct,
// interruptionBand) into `types` (sorted by name): each row sets its type's spot_savings_pct and
// spot_interruption_band. Types without a row keep none (a Spot instance of such a type is billed
// at on-demand, sim/pricing.h). Errors are InputErrors naming `file` and "line N".
void apply_spot_advisor_csv(std::string_view csv, const std::string& file, std::vector<sim::InstanceType>& types);

// The embedded catalog joined with the embedded Spot advisor data, parsed once.
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

// A type's Spot price (sim/pricing.h), by precedence: the scenario's instanceTypes entry
// (`spotPricePerHour` in dollars, or `spotSavingsPct`, an integer percent: one of them), then the
// scenario's `pricing.spotDiscountPct` (for every type without a figure of its own), then the
// bundled Spot advisor savings, then none (billed at on-demand). apply_instance_types reads the
// first; apply_pricing the second.
//
// Applies the scenario's top-level `pricing` object: `spotDiscountPct` (integer percent 0..100)
// becomes the spot_savings_pct of every type of `types` whose entry in `instance_types` (the
// scenario's instanceTypes array, or null) gives no Spot figure; `savingsPlans` (array of
// {"discountPct": 0..100, "coveredInstances": 1..1000000, "instanceTypes": [names], optional:
// every type}) become the returned terms. REQUIRES: `types` is final (apply_instance_types ran).
sim::Pricing apply_pricing(const JsonCursor& pricing, const JsonCursor* instance_types,
                           std::vector<sim::InstanceType>& types);

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
