package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.Objects;

/** The outcome of choosing an instance for one call attempt ({@link InstanceSelector#select}). */
public sealed interface Selection {

  /**
   * The call goes to {@code instance}; a slot on it is already taken, which the caller gives back
   * with {@code selector.load().release(instance)} when the attempt ends.
   *
   * @param instance the chosen instance
   */
  record Chosen(ServiceInstance instance) implements Selection {

    /** Checks the instance. */
    public Chosen {
      Objects.requireNonNull(instance, "instance");
    }
  }

  /**
   * Nothing to call: no live instance, none matching the filter, all already tried by this call, or
   * none the balancer accepts (local-only with no local instance).
   *
   * @param reason why, in words fit for {@link NoInstanceAvailableException}'s message
   */
  record NoneAvailable(String reason) implements Selection {

    /** Checks the reason. */
    public NoneAvailable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Every remaining instance the balancer would accept is at its concurrency cap.
   *
   * @param instances how many instances are at their cap
   */
  record AllSaturated(int instances) implements Selection {}
}
