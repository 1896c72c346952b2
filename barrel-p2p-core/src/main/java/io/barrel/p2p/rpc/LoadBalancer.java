package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Picks the instance one call goes to. This is an SPI: implementations must be thread-safe, since
 * a client calls one balancer from many threads at once, and should be cheap (they run on every
 * call). The built-in balancers are the static factories here, also reachable by configuration name
 * through {@link #named(String)}.
 *
 * <p>The built-in balancers honour the instances' {@linkplain io.barrel.p2p.registry.ServiceMetadata#weight()
 * weight} (default 100 each): an instance of weight 200 gets about twice the calls of one of weight
 * 100, other things equal. Local-only ignores weights.
 */
public interface LoadBalancer {

  /**
   * Chooses one instance for a call.
   *
   * @param candidates non-empty, already filtered by version and tags, without instances this call
   *     already tried, ejected or saturated, in a stable order (sorted by node, then instance id)
   * @param call the call being placed
   * @return one of {@code candidates}, or empty when none is acceptable (e.g. local-only with no
   *     local instance)
   */
  Optional<ServiceInstance> choose(List<ServiceInstance> candidates, CallContext call);

  /**
   * Why {@link #choose} returned empty for these candidates, for the caller's error message. The
   * default names the balancer; override to say more.
   */
  default String noChoiceReason(List<ServiceInstance> candidates, CallContext call) {
    return "the " + this + " load balancer accepted none of the " + candidates.size() + " candidate instances";
  }

  /**
   * Power of two choices on outstanding calls, with a local preference (the default): draws two
   * candidates at random (in proportion to weight) and takes the one with fewer calls in flight; an
   * instance on the calling node wins over that pick unless it has more than
   * {@value PowerOfTwoChoices#DEFAULT_LOCAL_MARGIN} calls in flight beyond it, because a local call
   * skips the network. Draws from {@link java.util.concurrent.ThreadLocalRandom}.
   */
  static LoadBalancer powerOfTwoChoices() {
    return new PowerOfTwoChoices(RandomSource.threadLocal(), PowerOfTwoChoices.DEFAULT_LOCAL_MARGIN);
  }

  /** {@link #powerOfTwoChoices()} drawing from {@code random} (used under a lock; for seeded runs). */
  static LoadBalancer powerOfTwoChoices(RandomGenerator random) {
    return new PowerOfTwoChoices(RandomSource.of(random), PowerOfTwoChoices.DEFAULT_LOCAL_MARGIN);
  }

  /**
   * {@link #powerOfTwoChoices()} with another local preference: a local instance is taken while it
   * has at most {@code localMargin} more calls in flight than the remote pick; a negative margin
   * turns the preference off.
   */
  static LoadBalancer powerOfTwoChoices(RandomGenerator random, int localMargin) {
    return new PowerOfTwoChoices(RandomSource.of(random), localMargin);
  }

  /** Each candidate in turn (weighted: an instance of twice the weight gets two turns per round). */
  static LoadBalancer roundRobin() {
    return new RoundRobin();
  }

  /** A candidate at random, in proportion to weight, from {@link java.util.concurrent.ThreadLocalRandom}. */
  static LoadBalancer random() {
    return new RandomPick(RandomSource.threadLocal());
  }

  /** {@link #random()} drawing from {@code random} (used under a lock; for seeded runs). */
  static LoadBalancer random(RandomGenerator random) {
    return new RandomPick(RandomSource.of(random));
  }

  /**
   * Consistent hashing on one argument: calls with equal values of argument {@code argumentIndex}
   * go to the same instance, on every node, for as long as the set of instances stays the same; when
   * an instance comes or goes, only about 1/N of the keys move. A hash ring with virtual nodes (160
   * per instance at weight 100) keyed by XXH64 of the argument's value (see the concepts page for how
   * each type becomes bytes). An index out of range for the called method is an
   * {@link IllegalArgumentException} at call time.
   *
   * @param argumentIndex the zero-based index of the argument to hash
   */
  static LoadBalancer consistentHash(int argumentIndex) {
    return new ConsistentHash(argumentIndex);
  }

  /** Only an instance on the calling node; none when there is none (the call then fails at once). */
  static LoadBalancer localOnly() {
    return new LocalOnly();
  }

  /**
   * A built-in balancer by its configuration name: {@code power-of-two-choices} (alias {@code p2c}),
   * {@code round-robin}, {@code random}, {@code local-only}, {@code consistent-hash:<argument index>}.
   * Each call returns a new balancer with its own state (round-robin position, ring cache).
   *
   * @throws IllegalArgumentException naming the allowed values, for any other name
   */
  static LoadBalancer named(String name) {
    if (name == null) {
      throw new IllegalArgumentException("load balancer name is missing; " + allowedNames());
    }
    String n = name.strip();
    switch (n) {
      case "power-of-two-choices":
      case "p2c":
        return powerOfTwoChoices();
      case "round-robin":
        return roundRobin();
      case "random":
        return random();
      case "local-only":
        return localOnly();
      default:
        break;
    }
    String prefix = "consistent-hash:";
    if (n.startsWith(prefix)) {
      String index = n.substring(prefix.length());
      if (!index.isEmpty() && index.length() <= 3 && index.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return consistentHash(Integer.parseInt(index));
      }
      throw new IllegalArgumentException("load balancer '" + name + "': the argument index must be a number 0.."
          + ConsistentHash.MAX_ARGUMENT_INDEX + ", e.g. consistent-hash:0");
    }
    throw new IllegalArgumentException("unknown load balancer '" + name + "'; " + allowedNames());
  }

  private static String allowedNames() {
    return "use one of power-of-two-choices (or p2c), round-robin, random, local-only,"
        + " consistent-hash:<argument index>";
  }
}
