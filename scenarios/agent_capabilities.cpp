#include "scenarios/agent_capabilities.h"

#include <algorithm>
#include <string>

namespace ecsim::scenarios {

const std::vector<std::string_view>& default_agent_capabilities() {
  static const std::vector<std::string_view> kCapabilities = [] {
    static const std::vector<std::string> kDockerApis = [] {
      // Docker Remote API 1.17 to 1.44 (Docker 25).
      std::vector<std::string> v;
      for (int minor = 17; minor <= 44; ++minor) {
        v.push_back("com.amazonaws.ecs.capability.docker-remote-api.1." + std::to_string(minor));
      }
      return v;
    }();
    std::vector<std::string_view> v = {
        "com.amazonaws.ecs.capability.ecr-auth",
        "com.amazonaws.ecs.capability.logging-driver.awsfirelens",
        "com.amazonaws.ecs.capability.logging-driver.awslogs",
        "com.amazonaws.ecs.capability.logging-driver.fluentd",
        "com.amazonaws.ecs.capability.logging-driver.gelf",
        "com.amazonaws.ecs.capability.logging-driver.journald",
        "com.amazonaws.ecs.capability.logging-driver.json-file",
        "com.amazonaws.ecs.capability.logging-driver.none",
        "com.amazonaws.ecs.capability.logging-driver.splunk",
        "com.amazonaws.ecs.capability.logging-driver.syslog",
        "com.amazonaws.ecs.capability.privileged-container",
        "com.amazonaws.ecs.capability.task-iam-role",
        "com.amazonaws.ecs.capability.task-iam-role-network-host",
        "ecs.capability.aws-appmesh",
        "ecs.capability.container-health-check",
        "ecs.capability.container-ordering",
        "ecs.capability.container-restart-policy",
        "ecs.capability.ecr-endpoint",
        "ecs.capability.efs",
        "ecs.capability.efsAuth",
        "ecs.capability.env-files.s3",
        "ecs.capability.execute-command",
        "ecs.capability.execution-role-awslogs",
        "ecs.capability.execution-role-ecr-pull",
        "ecs.capability.firelens.fluentbit",
        "ecs.capability.firelens.fluentd",
        "ecs.capability.firelens.options.config.file",
        "ecs.capability.firelens.options.config.s3",
        "ecs.capability.full-sync",
        "ecs.capability.increased-task-cpu-limit",
        "ecs.capability.logging-driver.awsfirelens.log-driver-buffer-limit",
        "ecs.capability.network.container-port-range",
        "ecs.capability.pid-ipc-namespace-sharing",
        "ecs.capability.private-registry-authentication.secretsmanager",
        "ecs.capability.secrets.asm.bootstrap.log-driver",
        "ecs.capability.secrets.asm.environment-variables",
        "ecs.capability.secrets.ssm.bootstrap.log-driver",
        "ecs.capability.secrets.ssm.environment-variables",
        "ecs.capability.service-connect-v1",
        "ecs.capability.storage.ebs-task-volume-attach",
        "ecs.capability.task-cpu-mem-limit",
        "ecs.capability.task-eni",
        "ecs.capability.task-eni-block-instance-metadata",
    };
    for (const auto& api : kDockerApis) v.push_back(api);
    std::sort(v.begin(), v.end());
    return v;
  }();
  return kCapabilities;
}

}  // namespace ecsim::scenarios
