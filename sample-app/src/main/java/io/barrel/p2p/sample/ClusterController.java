package io.barrel.p2p.sample;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.registry.ServiceInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The cluster as this node sees it, over HTTP. */
@RestController
class ClusterController {

  private final P2pNode node;
  private final SampleServices services;

  ClusterController(P2pNode node, SampleServices services) {
    this.node = node;
    this.services = services;
  }

  /** This node, its neighbours and every service in the cluster with the nodes that serve it. */
  @GetMapping("/cluster")
  ClusterView cluster() {
    Map<String, List<String>> byService = new LinkedHashMap<>();
    for (String service : node.registry().list()) {
      byService.put(service, node.registry().lookup(service).stream().map(i -> i.node().toString()).toList());
    }
    return new ClusterView(node.name().toString(), names(node.membership().activeView()),
        names(node.membership().passiveView()), byService);
  }

  /** The live instances of one service, this node's first. */
  @GetMapping("/cluster/services/{service}")
  List<InstanceView> instances(@PathVariable String service) {
    return node.registry().lookup(service).stream().map(InstanceView::of).toList();
  }

  /** Registers an instance of {@code service} on this node; every node sees it within a moment. */
  @PostMapping("/cluster/services/{service}")
  @ResponseStatus(HttpStatus.CREATED)
  Map<String, String> register(@PathVariable String service) {
    ServiceInstance instance = services.register(service);
    return Map.of("service", instance.service(), "node", instance.node().toString(),
        "instanceId", instance.instanceId());
  }

  /** Unregisters this node's instances of {@code service}. */
  @DeleteMapping("/cluster/services/{service}")
  Map<String, Object> unregister(@PathVariable String service) {
    return Map.of("service", service, "unregistered", services.unregister(service));
  }

  private static List<String> names(java.util.Set<NodeName> nodes) {
    return nodes.stream().sorted().map(NodeName::toString).toList();
  }

  /**
   * @param node this node
   * @param neighbours its active view
   * @param passive its passive view
   * @param services every service with a live instance, and the nodes that serve it
   */
  record ClusterView(String node, List<String> neighbours, List<String> passive, Map<String, List<String>> services) {}

  /**
   * @param service the service name
   * @param node the node that serves it
   * @param instanceId unique on that node
   * @param version the registered version
   * @param attributes free attributes of the registration
   */
  record InstanceView(String service, String node, String instanceId, String version, Map<String, String> attributes) {
    static InstanceView of(ServiceInstance i) {
      return new InstanceView(i.service(), i.node().toString(), i.instanceId(), i.metadata().version(),
          i.metadata().attributes());
    }
  }
}
