// The capability attributes an ECS container agent registers with its instance (Dev Guide
// "Amazon ECS container instance attributes"), which task definitions can require
// (`requiresAttributes`; ATTRIBUTE when missing).
#pragma once

#include <string_view>
#include <vector>

namespace ecsim::scenarios {

// What a current ECS-optimized Amazon Linux 2023 agent (Docker 25) registers by default, sorted.
// Names from the agent's source (aws/amazon-ecs-agent, agent/app/agent_capability.go, the
// capabilities() list): the com.amazonaws.ecs.capability.* legacy names and the
// ecs.capability.* ones. Left out: attributes that carry versions or depend on what is
// installed (cni-plugin-version, nvidia-driver-version.*, docker-volume-driver.*), Windows-only
// ones (gmsa, fsxWindowsFileServer) and ecs.capability.external. An instance group may drop
// any of these ("withoutCapabilities"); ENI trunking adds ecs.capability.task-eni-trunking.
const std::vector<std::string_view>& default_agent_capabilities();

inline constexpr std::string_view kTaskEniCapability = "ecs.capability.task-eni";
inline constexpr std::string_view kTrunkingCapability = "ecs.capability.task-eni-trunking";
inline constexpr std::string_view kHealthCheckCapability = "ecs.capability.container-health-check";
inline constexpr std::string_view kContainerOrderingCapability = "ecs.capability.container-ordering";
inline constexpr std::string_view kEbsTaskAttachCapability = "ecs.capability.storage.ebs-task-volume-attach";
inline constexpr std::string_view kEfsCapability = "ecs.capability.efs";

}  // namespace ecsim::scenarios
