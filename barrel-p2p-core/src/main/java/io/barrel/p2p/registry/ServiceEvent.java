package io.barrel.p2p.registry;

import java.util.Objects;

/**
 * A change of the registry as one node sees it. Every node emits each change once: an instance
 * becomes visible ({@link Registered}), is taken back by its node ({@link Unregistered}), or
 * disappears because its node stopped renewing its lease or restarted ({@link Down}).
 */
public sealed interface ServiceEvent permits ServiceEvent.Registered, ServiceEvent.Unregistered, ServiceEvent.Down {

  /** The instance concerned. */
  ServiceInstance instance();

  /** The service name of the instance. */
  default String service() {
    return instance().service();
  }

  /**
   * An instance became visible here.
   *
   * @param instance the new instance
   */
  record Registered(ServiceInstance instance) implements ServiceEvent {
    /** Checks the instance is present. */
    public Registered {
      Objects.requireNonNull(instance, "instance");
    }
  }

  /**
   * An instance was removed from the registry while its node was alive (unregistered).
   *
   * @param instance the instance that went away
   */
  record Unregistered(ServiceInstance instance) implements ServiceEvent {
    /** Checks the instance is present. */
    public Unregistered {
      Objects.requireNonNull(instance, "instance");
    }
  }

  /**
   * An instance is gone because its node is: the node's lease expired or it restarted.
   *
   * @param instance the instance that went away
   * @param reason {@code lease-expired} or {@code restarted}
   */
  record Down(ServiceInstance instance, String reason) implements ServiceEvent {
    /** Checks the fields. */
    public Down {
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
