package io.barrel.p2p.sample;

import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.registry.ServiceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Logs the cluster's changes as this node sees them, from the starter's application events. */
@Component
class ClusterLog {

  private static final Logger log = LoggerFactory.getLogger(ClusterLog.class);

  @EventListener
  void on(MembershipEvent event) {
    if (event instanceof MembershipEvent.PeerUp up) {
      log.info("neighbour up: {}", up.peer());
    } else if (event instanceof MembershipEvent.PeerDown down) {
      log.info("neighbour down: {} ({})", down.peer(), down.reason());
    }
  }

  @EventListener
  void on(ServiceEvent event) {
    String what = event instanceof ServiceEvent.Registered ? "registered"
        : event instanceof ServiceEvent.Unregistered ? "unregistered" : "down (" + ((ServiceEvent.Down) event).reason() + ")";
    log.info("service {} on {}: {}", event.service(), event.instance().node(), what);
  }
}
