package io.barrel.p2p.registry;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Which service names a subscriber wants events for: all, one exact name, or a regular expression. */
public final class ServiceFilter implements Predicate<String> {

  private final Predicate<String> test;
  private final String description;

  private ServiceFilter(Predicate<String> test, String description) {
    this.test = test;
    this.description = description;
  }

  /** Every service. */
  public static ServiceFilter all() {
    return new ServiceFilter(name -> true, "all");
  }

  /** Exactly {@code service}. */
  public static ServiceFilter name(String service) {
    ServiceInstance.checkServiceName(service);
    return new ServiceFilter(service::equals, "name=" + service);
  }

  /** Names matching {@code regex} as a whole (not a substring search). */
  public static ServiceFilter pattern(String regex) {
    Pattern p = Pattern.compile(Objects.requireNonNull(regex, "regex"));
    return new ServiceFilter(name -> p.matcher(name).matches(), "pattern=" + regex);
  }

  @Override
  public boolean test(String service) {
    return test.test(service);
  }

  @Override
  public String toString() {
    return description;
  }
}
