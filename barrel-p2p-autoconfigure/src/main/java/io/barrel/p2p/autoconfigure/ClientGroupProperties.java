package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.CallPolicy;
import io.barrel.p2p.rpc.InstanceFilter;
import io.barrel.p2p.rpc.LoadBalancer;
import io.barrel.p2p.rpc.OutlierPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How the injected proxies of one client group call their services: {@code barrel.p2p.client.<group>.*}.
 * Every setting left unset takes the value of {@code barrel.p2p.rpc.call-defaults.*}; headers add to
 * the default headers. A proxy method annotated {@code @Deadline} keeps its own deadline.
 */
public class ClientGroupProperties {

  /**
   * Service name the group's proxies call, when the server publishes under a name other than the
   * interface's fully qualified name (or serves another interface with the same methods). Only for a
   * group of one interface.
   */
  private String service;

  /** How long a call may take in total, every retry and pause included. Allowed 1ms..49d. */
  private Duration deadline;

  /** Attempts per call, the first included (1 = no retry). Allowed 1..10. */
  private Integer maxAttempts;

  /** Pause before the first retry; it doubles per retry up to max-backoff. At most max-backoff. */
  private Duration initialBackoff;

  /** Longest pause between retries. Allowed 0..1h. */
  private Duration maxBackoff;

  /** Largest random fraction cut off each pause, so callers that failed together do not retry together. Allowed 0..1. */
  private Double jitter;

  /**
   * Load balancer: power-of-two-choices (p2c), round-robin, random, local-only,
   * consistent-hash:<argument index>, or the name of a LoadBalancer bean.
   */
  private LoadBalancer balancer;

  /** Version the instances must have: exact (2.1.0) or a prefix ending in * (2.*). */
  private String version;

  /** Tags the instances must all carry. */
  private Set<String> tags;

  /** Calls one instance gets from this node at once; 0 for no cap. */
  private Integer maxConcurrentPerInstance;

  /** Headers sent with every call of the group, on top of the default headers. */
  private Map<String, String> headers = new LinkedHashMap<>();

  /** When an instance that keeps failing is left out of load balancing. */
  private final Outliers outliers = new Outliers();

  /**
   * These settings over {@code defaults}.
   *
   * @throws IllegalArgumentException when a value is out of range; the core's message says which
   */
  public CallOptions over(CallOptions defaults) {
    CallPolicy p = defaults.policy();
    CallPolicy policy = new CallPolicy(or(deadline, p.deadline()), or(maxAttempts, p.maxAttempts()),
        or(initialBackoff, p.initialBackoff()), or(maxBackoff, p.maxBackoff()), or(jitter, p.jitter()));
    OutlierPolicy o = defaults.outliers();
    OutlierPolicy outlierPolicy = new OutlierPolicy(or(outliers.consecutiveFailures, o.consecutiveFailures()),
        or(outliers.baseEjection, o.baseEjection()), or(outliers.maxEjection, o.maxEjection()),
        or(outliers.maxEjectedPercent, o.maxEjectedPercent()));
    InstanceFilter filter = new InstanceFilter(or(version, defaults.filter().version()),
        or(tags, defaults.filter().tags()));
    Map<String, String> allHeaders = new LinkedHashMap<>(defaults.headers());
    allHeaders.putAll(headers);
    return new CallOptions(or(service, defaults.service()), or(balancer, defaults.balancer()), filter, policy,
        defaults.methodPolicies(), outlierPolicy, or(maxConcurrentPerInstance, defaults.maxConcurrentPerInstance()),
        allHeaders);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public Duration getDeadline() {
    return deadline;
  }

  public void setDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  public Integer getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(Integer maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public Duration getInitialBackoff() {
    return initialBackoff;
  }

  public void setInitialBackoff(Duration initialBackoff) {
    this.initialBackoff = initialBackoff;
  }

  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  public Double getJitter() {
    return jitter;
  }

  public void setJitter(Double jitter) {
    this.jitter = jitter;
  }

  public LoadBalancer getBalancer() {
    return balancer;
  }

  public void setBalancer(LoadBalancer balancer) {
    this.balancer = balancer;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Set<String> getTags() {
    return tags;
  }

  public void setTags(Set<String> tags) {
    this.tags = tags;
  }

  public Integer getMaxConcurrentPerInstance() {
    return maxConcurrentPerInstance;
  }

  public void setMaxConcurrentPerInstance(Integer maxConcurrentPerInstance) {
    this.maxConcurrentPerInstance = maxConcurrentPerInstance;
  }

  public Map<String, String> getHeaders() {
    return headers;
  }

  public void setHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  public Outliers getOutliers() {
    return outliers;
  }

  /** Outlier ejection of one group; unset values come from {@code barrel.p2p.rpc.call-defaults.outliers}. */
  public static class Outliers {

    /** Failed calls in a row that eject an instance; 0 turns ejection off. Allowed 0..1000. */
    private Integer consecutiveFailures;

    /** How long a first ejection lasts; each further one doubles it up to max-ejection. */
    private Duration baseEjection;

    /** Longest ejection. Allowed 1ms..1d. */
    private Duration maxEjection;

    /** Largest share of a service's instances left out at once, in percent. Allowed 0..100. */
    private Integer maxEjectedPercent;

    public Integer getConsecutiveFailures() {
      return consecutiveFailures;
    }

    public void setConsecutiveFailures(Integer consecutiveFailures) {
      this.consecutiveFailures = consecutiveFailures;
    }

    public Duration getBaseEjection() {
      return baseEjection;
    }

    public void setBaseEjection(Duration baseEjection) {
      this.baseEjection = baseEjection;
    }

    public Duration getMaxEjection() {
      return maxEjection;
    }

    public void setMaxEjection(Duration maxEjection) {
      this.maxEjection = maxEjection;
    }

    public Integer getMaxEjectedPercent() {
      return maxEjectedPercent;
    }

    public void setMaxEjectedPercent(Integer maxEjectedPercent) {
      this.maxEjectedPercent = maxEjectedPercent;
    }
  }
}
