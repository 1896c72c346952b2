package io.barrel.p2p.sample;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What this sample node offers the cluster.
 *
 * @param services service names this node registers in the cluster registry when it is ready
 */
@ConfigurationProperties("sample")
public record SampleProperties(List<String> services) {

  /** No services unless configured. */
  public SampleProperties {
    services = services == null ? List.of() : List.copyOf(new ArrayList<>(services));
  }
}
