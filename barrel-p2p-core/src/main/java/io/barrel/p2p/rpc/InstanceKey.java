package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.registry.ServiceInstance;

/**
 * The identity of a service instance for per-instance state (load, failures, ejections): service,
 * node, incarnation and instance id. Metadata is left out on purpose: a registration whose version
 * or tags change is still the same instance, with the same calls in flight and the same record.
 */
record InstanceKey(String service, NodeName node, long incarnation, String instanceId) {

  static InstanceKey of(ServiceInstance instance) {
    return new InstanceKey(instance.service(), instance.node(), instance.incarnation(), instance.instanceId());
  }
}
