// Every kind of object whose keys the loader checks (a scenario's and a plan file's), with the
// keys it accepts: the one list `JsonCursor::check_keys` refuses unknown keys against, and the
// list tests/reports/reference_test.cpp holds scenarios/README.md to, so the reference cannot
// fall behind the loader.
//
// Objects pasted from ECS (task definitions, services, deploymentConfiguration) are not here:
// they ignore keys ecsim does not model, as ECS accepts them (scenarios/task_definition.h,
// scenarios/services.h). Research strategies take numeric parameters of their own
// (placement/research_strategies.h).
//
// REQUIRES of every list: keys sorted (check_keys lists them in this order when it refuses one)
// and unique.
#pragma once

#include <string_view>

#include "scenarios/json_cursor.h"

namespace ecsim::scenarios::keys {

// --- the scenario ---
inline constexpr std::string_view kTopLevelKeys[] = {
    "capacityProviders", "checks", "cluster", "description", "duration", "events", "faults", "images", "instanceTypes",
    "jobs", "name", "placement", "pricing", "region", "registries", "sampleInterval", "seed", "services",
    "taskDefinitions", "traces"};
inline constexpr KeySet kTopLevel{"top-level key", kTopLevelKeys};

inline constexpr std::string_view kPlacementKeys[] = {"defaultStrategy"};
inline constexpr KeySet kPlacement{"key of placement", kPlacementKeys};

inline constexpr std::string_view kStrategyItemKeys[] = {"field", "type"};
inline constexpr KeySet kStrategyItem{"key of an ECS placement strategy", kStrategyItemKeys};

inline constexpr std::string_view kConstraintItemKeys[] = {"expression", "type"};
inline constexpr KeySet kConstraintItem{"key of a placement constraint", kConstraintItemKeys};

inline constexpr std::string_view kInstanceTypeKeys[] = {
    "architecture", "ebsAttachmentLimitType", "enis", "gpus", "maximumEbsAttachments", "memoryMiB", "name",
    "osMemoryMiB", "pricePerHour", "registeredMemoryMiB", "spotPricePerHour", "spotSavingsPct", "trunkedAwsvpcTasks",
    "vcpu"};
inline constexpr KeySet kInstanceType{"key of an instance type", kInstanceTypeKeys};

inline constexpr std::string_view kPricingKeys[] = {"savingsPlans", "spotDiscountPct"};
inline constexpr KeySet kPricing{"key of pricing", kPricingKeys};

inline constexpr std::string_view kSavingsPlanKeys[] = {"coveredInstances", "discountPct", "instanceTypes"};
inline constexpr KeySet kSavingsPlan{"key of a Savings Plan", kSavingsPlanKeys};

inline constexpr std::string_view kClusterKeys[] = {
    "agent", "availabilityZones", "defaultCapacityProviderStrategy", "instanceGroups", "maxProvisioningTasks", "name",
    "provisioningTimeout", "subnets", "vpcId"};
inline constexpr KeySet kCluster{"key of the cluster", kClusterKeys};

inline constexpr std::string_view kInstanceGroupKeys[] = {
    "amiId", "attributes", "availabilityZones", "awsvpcTrunking", "count", "instanceType", "launchTime", "market",
    "name", "osFamily", "osType", "reservedMemoryMiB", "reservedPorts", "withoutCapabilities"};
inline constexpr KeySet kInstanceGroup{"key of an instance group", kInstanceGroupKeys};

inline constexpr std::string_view kAgentKeys[] = {
    "containerStopTimeout", "heartbeatInterval", "imageCleanup", "imagePullBehavior", "spotInstanceDraining",
    "stoppingTasksHoldResources", "taskStartLatency", "taskStopLatency"};
inline constexpr KeySet kAgent{"key of the agent", kAgentKeys};

inline constexpr std::string_view kImageCleanupKeys[] = {"enabled", "imagesPerCycle", "interval", "minimumAge"};
inline constexpr KeySet kImageCleanup{"key of imageCleanup", kImageCleanupKeys};

inline constexpr std::string_view kCapacityProviderKeys[] = {
    "autoScalingGroup", "managedScaling", "managedTerminationProtection", "name"};
inline constexpr KeySet kCapacityProvider{"key of a capacity provider", kCapacityProviderKeys};

inline constexpr std::string_view kAutoScalingGroupKeys[] = {
    "availabilityZones", "desiredCapacity", "instanceType", "instanceTypes", "launchTemplate", "launchTime", "maxSize",
    "minSize", "mixedInstancesPolicy", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity",
    "spotAllocationStrategy"};
inline constexpr KeySet kAutoScalingGroup{"key of an autoScalingGroup", kAutoScalingGroupKeys};

inline constexpr std::string_view kMixedInstancesPolicyKeys[] = {"instancesDistribution", "launchTemplate"};
inline constexpr KeySet kMixedInstancesPolicy{"key of a mixedInstancesPolicy", kMixedInstancesPolicyKeys};

inline constexpr std::string_view kMixedLaunchTemplateKeys[] = {"launchTemplateSpecification", "overrides"};
inline constexpr KeySet kMixedLaunchTemplate{"key of a mixedInstancesPolicy launchTemplate", kMixedLaunchTemplateKeys};

inline constexpr std::string_view kOverrideKeys[] = {"instanceType", "weightedCapacity"};
inline constexpr KeySet kOverride{"key of an override", kOverrideKeys};

inline constexpr std::string_view kInstancesDistributionKeys[] = {
    "onDemandAllocationStrategy", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity",
    "spotAllocationStrategy"};
inline constexpr KeySet kInstancesDistribution{"key of an instancesDistribution", kInstancesDistributionKeys};

inline constexpr std::string_view kManagedScalingKeys[] = {
    "instanceWarmupPeriod", "maximumScalingStepSize", "minimumScalingStepSize", "status", "targetCapacity"};
inline constexpr KeySet kManagedScaling{"key of managedScaling", kManagedScalingKeys};

inline constexpr std::string_view kCapacityProviderStrategyItemKeys[] = {"base", "capacityProvider", "weight"};
inline constexpr KeySet kCapacityProviderStrategyItem{"key of a capacity provider strategy item",
                                                      kCapacityProviderStrategyItemKeys};

inline constexpr std::string_view kFaultsKeys[] = {
    "agentDisconnects", "instanceFailureRatePerHour", "spotInterruptions"};
inline constexpr KeySet kFaults{"key of faults", kFaultsKeys};

inline constexpr std::string_view kAgentDisconnectsKeys[] = {"duration", "ratePerHour"};
inline constexpr KeySet kAgentDisconnects{"key of agentDisconnects", kAgentDisconnectsKeys};

inline constexpr std::string_view kSpotInterruptionsKeys[] = {"byType", "ratePerHour"};
inline constexpr KeySet kSpotInterruptions{"key of spotInterruptions", kSpotInterruptionsKeys};

inline constexpr std::string_view kRegistryKeys[] = {"latency", "name", "pullBandwidth", "pullRateLimit"};
inline constexpr KeySet kRegistry{"key of a registry", kRegistryKeys};

inline constexpr std::string_view kPullRateLimitKeys[] = {"per", "pulls"};
inline constexpr KeySet kPullRateLimit{"key of a pullRateLimit", kPullRateLimitKeys};

inline constexpr std::string_view kImageKeys[] = {"layers", "name", "registry", "sizeMiB"};
inline constexpr KeySet kImage{"key of an image", kImageKeys};

inline constexpr std::string_view kLayerKeys[] = {"digest", "sizeMiB"};
inline constexpr KeySet kLayer{"key of a layer", kLayerKeys};

inline constexpr std::string_view kTaskDefinitionFileKeys[] = {"file"};
inline constexpr KeySet kTaskDefinitionFile{"key of a task definition file reference", kTaskDefinitionFileKeys};

// Inside a task definition, the two objects whose keys are checked (ECS refuses others too).
inline constexpr std::string_view kRequiredAttributeKeys[] = {"name", "targetId", "targetType", "value"};
inline constexpr KeySet kRequiredAttribute{"key of a required attribute", kRequiredAttributeKeys};

inline constexpr std::string_view kVolumeKeys[] = {
    "configuredAtLaunch", "dockerVolumeConfiguration", "efsVolumeConfiguration",
    "fsxWindowsFileServerVolumeConfiguration", "host", "name"};
inline constexpr KeySet kVolume{"key of a volume", kVolumeKeys};

inline constexpr std::string_view kVolumeConfigurationKeys[] = {"managedEBSVolume", "name"};
inline constexpr KeySet kVolumeConfiguration{"key of a volume configuration", kVolumeConfigurationKeys};

inline constexpr std::string_view kManagedEbsVolumeKeys[] = {
    "attachLatency", "availabilityZone", "encrypted", "filesystemType", "iops", "kmsKeyId", "roleArn", "sizeInGiB",
    "snapshotId", "tagSpecifications", "terminationPolicy", "throughput", "volumeType"};
inline constexpr KeySet kManagedEbsVolume{"key of a managedEBSVolume", kManagedEbsVolumeKeys};

inline constexpr std::string_view kJobKeys[] = {
    "arrival", "capacityProviderStrategy", "group", "launchType", "name", "onPlacementFailure", "placementConstraints",
    "placementStrategy", "runtime", "taskDefinition", "volumeConfigurations"};
inline constexpr KeySet kJob{"key of a job", kJobKeys};

inline constexpr std::string_view kFixedArrivalKeys[] = {"count", "end", "interval", "start", "type"};
inline constexpr KeySet kFixedArrival{"key of a fixed arrival", kFixedArrivalKeys};

inline constexpr std::string_view kListArrivalKeys[] = {"at", "count", "end", "start", "type"};
inline constexpr KeySet kListArrival{"key of a list arrival", kListArrivalKeys};

inline constexpr std::string_view kPoissonArrivalKeys[] = {
    "count", "end", "ratePerHour", "ratePerSecond", "start", "type"};
inline constexpr KeySet kPoissonArrival{"key of a poisson arrival", kPoissonArrivalKeys};

inline constexpr std::string_view kConstantRuntimeKeys[] = {"type", "value"};
inline constexpr KeySet kConstantRuntime{"key of a constant runtime", kConstantRuntimeKeys};

inline constexpr std::string_view kEmpiricalRuntimeKeys[] = {"file", "type"};
inline constexpr KeySet kEmpiricalRuntime{"key of an empirical runtime", kEmpiricalRuntimeKeys};

inline constexpr std::string_view kExponentialRuntimeKeys[] = {"mean", "type"};
inline constexpr KeySet kExponentialRuntime{"key of an exponential runtime", kExponentialRuntimeKeys};

inline constexpr std::string_view kLognormalRuntimeKeys[] = {"median", "p90", "type"};
inline constexpr KeySet kLognormalRuntime{"key of a lognormal runtime", kLognormalRuntimeKeys};

inline constexpr std::string_view kUniformRuntimeKeys[] = {"max", "min", "type"};
inline constexpr KeySet kUniformRuntime{"key of a uniform runtime", kUniformRuntimeKeys};

// A trace, by format: the keys every format takes, and each format's own.
inline constexpr std::string_view kGenericTraceKeys[] = {
    "absoluteTime", "file", "format", "limit", "onPlacementFailure", "placementStrategy", "skipBadRows"};
inline constexpr KeySet kGenericTrace{"key of a generic trace", kGenericTraceKeys};
inline constexpr KeySet kAlibabaGpuTrace{"key of an alibaba-gpu-2023 trace", kGenericTraceKeys};
inline constexpr KeySet kAlibabaDlrmTrace{"key of an alibaba-dlrm-2025 trace", kGenericTraceKeys};
inline constexpr std::string_view kSwfTraceKeys[] = {
    "absoluteTime", "defaultMemoryMiB", "file", "format", "limit", "onPlacementFailure", "placementStrategy",
    "skipBadRows"};
inline constexpr KeySet kSwfTrace{"key of a swf trace", kSwfTraceKeys};
inline constexpr std::string_view kGoogleTraceKeys[] = {
    "absoluteTime", "file", "format", "limit", "machineCpus", "machineMemoryMiB", "onPlacementFailure",
    "placementStrategy", "skipBadRows"};
inline constexpr KeySet kGoogleTrace{"key of a google-2019 trace", kGoogleTraceKeys};

// An instance group made from a trace's node list (cluster.instanceGroups[] with fromTrace).
inline constexpr std::string_view kTraceFleetGroupKeys[] = {"fromTrace", "name"};
inline constexpr KeySet kTraceFleetGroup{"key of an instance group from a trace", kTraceFleetGroupKeys};
inline constexpr std::string_view kFromTraceKeys[] = {"file", "format"};
inline constexpr KeySet kFromTrace{"key of fromTrace", kFromTraceKeys};

// ecsim's additions to a service.
inline constexpr std::string_view kFailuresKeys[] = {
    "crashRatePerTaskHour", "healthCheckFailureProbability", "startFailureProbability"};
inline constexpr KeySet kFailures{"key of failures", kFailuresKeys};

inline constexpr std::string_view kLoadKeys[] = {"cpuMillisecondsPerRequest", "repeat", "requestsPerSecond"};
inline constexpr KeySet kLoad{"key of a load", kLoadKeys};

inline constexpr std::string_view kLoadFileKeys[] = {"file"};
inline constexpr KeySet kLoadFile{"key of a requestsPerSecond file reference", kLoadFileKeys};

// A service's autoScaling (Application Auto Scaling's names).
inline constexpr std::string_view kAutoScalingKeys[] = {
    "maxCapacity", "minCapacity", "scheduledActions", "stepScalingPolicies", "targetTrackingScalingPolicies"};
inline constexpr KeySet kAutoScaling{"key of autoScaling", kAutoScalingKeys};

inline constexpr std::string_view kTargetTrackingPolicyKeys[] = {
    "disableScaleIn", "policyName", "predefinedMetricSpecification", "scaleInCooldown", "scaleOutCooldown",
    "targetValue"};
inline constexpr KeySet kTargetTrackingPolicy{"key of a target tracking scaling policy", kTargetTrackingPolicyKeys};

inline constexpr std::string_view kPredefinedMetricKeys[] = {"predefinedMetricType", "resourceLabel"};
inline constexpr KeySet kPredefinedMetric{"key of a predefinedMetricSpecification", kPredefinedMetricKeys};

inline constexpr std::string_view kStepScalingPolicyKeys[] = {"alarm", "policyName", "stepScalingPolicyConfiguration"};
inline constexpr KeySet kStepScalingPolicy{"key of a step scaling policy", kStepScalingPolicyKeys};

inline constexpr std::string_view kAlarmKeys[] = {
    "comparisonOperator", "datapointsToAlarm", "evaluationPeriods", "metric", "threshold"};
inline constexpr KeySet kAlarm{"key of an alarm", kAlarmKeys};

inline constexpr std::string_view kStepScalingConfigurationKeys[] = {
    "adjustmentType", "cooldown", "minAdjustmentMagnitude", "stepAdjustments"};
inline constexpr KeySet kStepScalingConfiguration{"key of a stepScalingPolicyConfiguration",
                                                  kStepScalingConfigurationKeys};

inline constexpr std::string_view kStepAdjustmentKeys[] = {
    "metricIntervalLowerBound", "metricIntervalUpperBound", "scalingAdjustment"};
inline constexpr KeySet kStepAdjustment{"key of a step adjustment", kStepAdjustmentKeys};

inline constexpr std::string_view kScheduledActionKeys[] = {
    "at", "repeat", "scalableTargetAction", "scheduledActionName"};
inline constexpr KeySet kScheduledAction{"key of a scheduled action", kScheduledActionKeys};

inline constexpr std::string_view kScalableTargetActionKeys[] = {"maxCapacity", "minCapacity"};
inline constexpr KeySet kScalableTargetAction{"key of a scalableTargetAction", kScalableTargetActionKeys};

// Events, by type.
inline constexpr std::string_view kAzOutageEventKeys[] = {"at", "duration", "type", "zone"};
inline constexpr KeySet kAzOutageEvent{"key of an azOutage event", kAzOutageEventKeys};

inline constexpr std::string_view kDeployEventKeys[] = {
    "at", "failures", "forceNewDeployment", "service", "taskDefinition", "type"};
inline constexpr KeySet kDeployEvent{"key of a deploy event", kDeployEventKeys};

inline constexpr std::string_view kScaleEventKeys[] = {"at", "desiredCount", "service", "type"};
inline constexpr KeySet kScaleEvent{"key of a scale event", kScaleEventKeys};

inline constexpr std::string_view kRegistryOutageEventKeys[] = {"at", "duration", "registry", "type"};
inline constexpr KeySet kRegistryOutageEvent{"key of a registryOutage event", kRegistryOutageEventKeys};

// instanceFailure, spotInterruption.
inline constexpr std::string_view kInstanceEventKeys[] = {
    "at", "capacityProvider", "count", "instance", "instanceGroup", "type", "zone"};
inline constexpr KeySet kInstanceEvent{"key of an instance event", kInstanceEventKeys};

// agentDisconnect, drain: an instance event with a duration.
inline constexpr std::string_view kTimedInstanceEventKeys[] = {
    "at", "capacityProvider", "count", "duration", "instance", "instanceGroup", "type", "zone"};
inline constexpr KeySet kTimedInstanceEvent{"key of an instance event", kTimedInstanceEventKeys};

inline constexpr std::string_view kInsufficientCapacityEventKeys[] = {"at", "duration", "instanceType", "type", "zone"};
inline constexpr KeySet kInsufficientCapacityEvent{"key of an insufficientCapacity event",
                                                   kInsufficientCapacityEventKeys};

// --- the plan file of `ecsim plan` ---
inline constexpr std::string_view kPlanKeys[] = {"seeds", "slos", "surviveLossOf", "vary"};
inline constexpr KeySet kPlan{"key of a plan", kPlanKeys};

inline constexpr std::string_view kPlanDimensionKeys[] = {"range", "set", "values"};
inline constexpr KeySet kPlanDimension{"key of a plan dimension", kPlanDimensionKeys};

inline constexpr std::string_view kSweepKeys[] = {"firstSeed", "scenario", "seeds", "sources", "strategies", "vary"};
inline constexpr KeySet kSweep{"key of a sweep", kSweepKeys};

// Every set above, in this order: the scenario's, then the plan file's, then the sweep file's.
inline constexpr const KeySet* kAllKeySets[] = {
    &kTopLevel, &kPlacement, &kStrategyItem, &kConstraintItem, &kInstanceType, &kPricing, &kSavingsPlan, &kCluster,
    &kInstanceGroup, &kAgent, &kImageCleanup, &kCapacityProvider, &kAutoScalingGroup, &kMixedInstancesPolicy,
    &kMixedLaunchTemplate, &kOverride, &kInstancesDistribution, &kManagedScaling, &kCapacityProviderStrategyItem,
    &kFaults, &kAgentDisconnects, &kSpotInterruptions, &kRegistry, &kPullRateLimit, &kImage, &kLayer,
    &kTaskDefinitionFile, &kRequiredAttribute, &kVolume, &kVolumeConfiguration, &kManagedEbsVolume, &kJob,
    &kFixedArrival, &kListArrival, &kPoissonArrival, &kConstantRuntime, &kEmpiricalRuntime, &kExponentialRuntime,
    &kLognormalRuntime, &kUniformRuntime, &kGenericTrace, &kAlibabaGpuTrace, &kAlibabaDlrmTrace, &kSwfTrace,
    &kGoogleTrace, &kTraceFleetGroup, &kFromTrace, &kFailures, &kLoad, &kLoadFile, &kAutoScaling,
    &kTargetTrackingPolicy, &kPredefinedMetric, &kStepScalingPolicy, &kAlarm, &kStepScalingConfiguration,
    &kStepAdjustment, &kScheduledAction, &kScalableTargetAction, &kAzOutageEvent, &kDeployEvent, &kScaleEvent,
    &kRegistryOutageEvent, &kInstanceEvent, &kTimedInstanceEvent, &kInsufficientCapacityEvent, &kPlan,
    &kPlanDimension, &kSweep};

}  // namespace ecsim::scenarios::keys
