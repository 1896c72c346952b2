package io.barrel.p2p.sample;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.registry.Registration;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This node's services in the cluster registry, through the core's registry API: the configured
 * ones once the application is ready, others on request. The starter unregisters them all when the
 * application stops, before the node leaves.
 */
@Component
public class SampleServices {

  private static final Logger log = LoggerFactory.getLogger(SampleServices.class);

  private final P2pNode node;
  private final SampleProperties properties;
  private final List<Registration> registrations = new CopyOnWriteArrayList<>();

  SampleServices(P2pNode node, SampleProperties properties) {
    this.node = node;
    this.properties = properties;
  }

  @EventListener(ApplicationReadyEvent.class)
  void registerConfiguredServices() {
    properties.services().forEach(this::register);
  }

  /** Registers an instance of {@code service} on this node, visible to every node. */
  public ServiceInstance register(String service) {
    ServiceMetadata metadata = ServiceMetadata.EMPTY.withVersion("1.0")
        .withAttributes(Map.of("http", "registered by " + node.name()));
    Registration registration = node.registry().register(service, metadata).join();
    registrations.add(registration);
    log.info("registered {} ({}) in the cluster registry", service, registration.instance().instanceId());
    return registration.instance();
  }

  /** Unregisters this node's instances of {@code service}; returns how many there were. */
  public int unregister(String service) {
    int removed = 0;
    for (Registration registration : registrations) {
      if (registration.instance().service().equals(service)) {
        registration.close();
        registrations.remove(registration);
        removed++;
      }
    }
    return removed;
  }
}
