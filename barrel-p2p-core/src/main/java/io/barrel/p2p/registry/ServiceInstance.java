package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * One registration in the cluster-wide registry: instance {@code instanceId} of service
 * {@code service}, running on {@code node} in its life {@code incarnation}.
 *
 * @param service the service name (by default an interface's fully qualified name)
 * @param node the node that serves it; calls go there
 * @param incarnation the life of the node that registered it (its start time, and above every earlier life); a restarted node's
 *     older registrations are dead at once
 * @param instanceId unique among the node's registrations of this life
 * @param metadata version, tags, weight and free attributes
 */
public record ServiceInstance(String service, NodeName node, long incarnation, String instanceId,
    ServiceMetadata metadata) {

  /** Longest service name, in UTF-8 bytes. */
  public static final int MAX_SERVICE_BYTES = 255;
  /** Longest instance id. */
  public static final int MAX_INSTANCE_ID_BYTES = 64;

  /** Checks the fields. */
  public ServiceInstance {
    checkServiceName(service);
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(instanceId, "instanceId");
    ServiceMetadata.checkLength("instance id", instanceId, MAX_INSTANCE_ID_BYTES);
    if (instanceId.isEmpty()) {
      throw new IllegalArgumentException("instance id must not be empty");
    }
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative");
    }
    Objects.requireNonNull(metadata, "metadata");
  }

  /** Refuses an empty or too long service name, naming the rule. */
  public static String checkServiceName(String service) {
    Objects.requireNonNull(service, "service");
    if (service.isEmpty()) {
      throw new IllegalArgumentException("a service name must not be empty");
    }
    ServiceMetadata.checkLength("service name", service, MAX_SERVICE_BYTES);
    return service;
  }
}
