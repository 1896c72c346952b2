package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/** Instances, calls and counting helpers shared by the load-balancing tests. */
final class BalancingFixtures {

  static final String SERVICE = "com.example.Accounts";
  static final NodeName LOCAL = NodeName.of("local@h0");

  /** A service interface whose methods the tests call. */
  interface Accounts {
    String balance(String account);

    void transfer(String from, String to, long amount);

    int count();

    String byKey(Object key);
  }

  static final Method BALANCE = method("balance", String.class);
  static final Method TRANSFER = method("transfer", String.class, String.class, long.class);
  static final Method COUNT = method("count");
  static final Method BY_KEY = method("byKey", Object.class);

  private BalancingFixtures() {}

  static Method method(String name, Class<?>... types) {
    try {
      return Accounts.class.getMethod(name, types);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  static ServiceInstance instance(String node, String id) {
    return instance(node, id, 100);
  }

  static ServiceInstance instance(String node, String id, int weight) {
    return new ServiceInstance(SERVICE, NodeName.of(node), 7, id, ServiceMetadata.EMPTY.withWeight(weight));
  }

  static ServiceInstance versioned(String node, String id, String version, String... tags) {
    return new ServiceInstance(SERVICE, NodeName.of(node), 7, id,
        ServiceMetadata.EMPTY.withVersion(version).withTags(Set.of(tags)));
  }

  /** One instance on each of {@code n} remote nodes {@code n0@h} ... in the stable order. */
  static List<ServiceInstance> remotes(int n) {
    List<ServiceInstance> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(instance(String.format("n%02d@h", i), "i" + i));
    }
    return out;
  }

  static CallContext call(Method method, Object[] args, ToIntFunction<ServiceInstance> outstanding) {
    return new CallContext(SERVICE, method, args, LOCAL, outstanding);
  }

  /** A call to {@code balance(account)} with nothing in flight anywhere. */
  static CallContext idleCall(String account) {
    return call(BALANCE, new Object[] {account}, i -> 0);
  }

  /** How often each instance is chosen in {@code picks} calls. */
  static Map<ServiceInstance, Integer> countPicks(LoadBalancer balancer, List<ServiceInstance> candidates,
      CallContext call, int picks) {
    Map<ServiceInstance, Integer> counts = new HashMap<>();
    for (ServiceInstance c : candidates) {
      counts.put(c, 0);
    }
    for (int i = 0; i < picks; i++) {
      ServiceInstance chosen = balancer.choose(candidates, call).orElseThrow();
      counts.merge(chosen, 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Pearson's chi-square statistic of observed counts against expected shares (which sum to 1).
   * Compare with the 0.1 % critical value of the chi-square distribution for (categories − 1)
   * degrees of freedom: 10.83 (1), 13.82 (2), 16.27 (3), 18.47 (4), 27.88 (9).
   */
  static double chiSquare(List<Integer> observed, List<Double> expectedShares) {
    long total = observed.stream().mapToLong(Integer::longValue).sum();
    double chi = 0;
    for (int i = 0; i < observed.size(); i++) {
      double expected = total * expectedShares.get(i);
      double d = observed.get(i) - expected;
      chi += d * d / expected;
    }
    return chi;
  }

  static List<Integer> countsInOrder(Map<ServiceInstance, Integer> counts, List<ServiceInstance> order) {
    List<Integer> out = new ArrayList<>();
    for (ServiceInstance i : order) {
      out.add(counts.get(i));
    }
    return out;
  }

  static List<Double> uniform(int n) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(1.0 / n);
    }
    return out;
  }
}
