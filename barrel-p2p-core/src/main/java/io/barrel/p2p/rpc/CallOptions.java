package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a proxy calls its service: which name, which instances (filter), how it picks one (load
 * balancer), how long it waits and how it retries (call policy, per service and per method), when
 * it stops sending to a failing instance (outlier ejection), how many calls one instance gets at
 * once, and headers sent with every call. Immutable; build it with the {@code with...} methods.
 *
 * @param service the service name, or null for the interface's fully qualified name
 * @param balancer picks an instance per call
 * @param filter which instances are eligible (version, tags)
 * @param policy deadline and retries for every method
 * @param methodPolicies policies for single methods, by method name (all overloads), over {@code policy}
 * @param outliers when an instance is ejected and re-admitted
 * @param maxConcurrentPerInstance calls one instance gets from this node at once, 0 = no cap
 * @param headers user metadata sent with every call (keys: printable ASCII, no spaces)
 */
public record CallOptions(String service, LoadBalancer balancer, InstanceFilter filter, CallPolicy policy,
    Map<String, CallPolicy> methodPolicies, OutlierPolicy outliers, int maxConcurrentPerInstance,
    Map<String, String> headers) {

  /** Checks the options and keeps unmodifiable copies of the maps; a null map means an empty one. */
  public CallOptions {
    methodPolicies = methodPolicies == null ? Map.of() : methodPolicies;
    headers = headers == null ? Map.of() : headers;
    Objects.requireNonNull(balancer, "balancer");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(outliers, "outliers");
    methodPolicies = Collections.unmodifiableMap(new LinkedHashMap<>(methodPolicies));
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    for (String key : headers.keySet()) {
      if (!RpcFrame.isValidHeaderKey(key)) {
        throw new IllegalArgumentException("header key '" + key + "' must be 1.." + RpcLimits.MAX_HEADER_KEY_LENGTH
            + " characters of printable ASCII without spaces");
      }
    }
    if (maxConcurrentPerInstance < 0) {
      throw new IllegalArgumentException("maxConcurrentPerInstance must be 0 (no cap) or more");
    }
    if (service != null) {
      ServiceInstance.checkServiceName(service);
    }
  }

  /**
   * Power of two choices with a local preference, any instance, {@link CallPolicy#defaults()},
   * {@link OutlierPolicy#defaults()}, no concurrency cap, no headers.
   */
  public static CallOptions defaults() {
    return new CallOptions(null, LoadBalancer.powerOfTwoChoices(), InstanceFilter.any(), CallPolicy.defaults(),
        Map.of(), OutlierPolicy.defaults(), 0, Map.of());
  }

  /** A copy calling {@code name} instead of the interface's name. */
  public CallOptions withService(String name) {
    return new CallOptions(name, balancer, filter, policy, methodPolicies, outliers, maxConcurrentPerInstance, headers);
  }

  /** A copy with another load balancer. */
  public CallOptions withBalancer(LoadBalancer b) {
    return new CallOptions(service, b, filter, policy, methodPolicies, outliers, maxConcurrentPerInstance, headers);
  }

  /** A copy with another instance filter. */
  public CallOptions withFilter(InstanceFilter f) {
    return new CallOptions(service, balancer, f, policy, methodPolicies, outliers, maxConcurrentPerInstance, headers);
  }

  /** A copy with another policy for every method. */
  public CallOptions withPolicy(CallPolicy p) {
    return new CallOptions(service, balancer, filter, p, methodPolicies, outliers, maxConcurrentPerInstance, headers);
  }

  /** A copy with a policy for the methods named {@code method}. */
  public CallOptions withMethodPolicy(String method, CallPolicy p) {
    Map<String, CallPolicy> copy = new LinkedHashMap<>(methodPolicies);
    copy.put(Objects.requireNonNull(method, "method"), Objects.requireNonNull(p, "policy"));
    return new CallOptions(service, balancer, filter, policy, copy, outliers, maxConcurrentPerInstance, headers);
  }

  /** A copy with another outlier policy. */
  public CallOptions withOutliers(OutlierPolicy o) {
    return new CallOptions(service, balancer, filter, policy, methodPolicies, o, maxConcurrentPerInstance, headers);
  }

  /** A copy with a per-instance concurrency cap (0 = none). */
  public CallOptions withMaxConcurrentPerInstance(int max) {
    return new CallOptions(service, balancer, filter, policy, methodPolicies, outliers, max, headers);
  }

  /** A copy sending one more header with every call. */
  public CallOptions withHeader(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(key, Objects.requireNonNull(value, "value"));
    return new CallOptions(service, balancer, filter, policy, methodPolicies, outliers, maxConcurrentPerInstance, copy);
  }
}
