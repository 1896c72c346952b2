package io.barrel.p2p.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Explains a {@code barrel.p2p.*} value one of the core's configuration records refused. Spring
 * reports such a failure against the whole record ({@code barrel.p2p.transport}); the core's message
 * names the one property and what it allows, so this analysis points at that property, with the
 * value and where it was set.
 */
@Order(0)
public final class P2pConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

  private static final Pattern PROPERTY = Pattern.compile("barrel\\.p2p\\.[a-z0-9.\\-]*[a-z0-9]");

  private final @Nullable Environment environment;

  /** Boot passes the application's environment, when there is one yet. */
  public P2pConfigurationFailureAnalyzer(@Nullable Environment environment) {
    this.environment = environment;
  }

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    if (!cause.getName().toString().startsWith(P2pProperties.PREFIX) || cause.getProperty() != null) {
      return null; // not ours, or a single property Spring already reports with its value and origin
    }
    IllegalArgumentException refusal = findCause(cause, IllegalArgumentException.class);
    if (refusal == null || refusal.getMessage() == null) {
      return null;
    }
    String property = refusedProperty(rootFailure, refusal.getMessage());
    if (property == null) {
      return null;
    }
    String message = refusal.getMessage().contains(property) ? refusal.getMessage()
        : property + ": " + refusal.getMessage();
    StringBuilder description = new StringBuilder("Invalid barrel-p2p configuration: ")
        .append(message).append("\n\n    Property: ").append(property);
    ConfigurationProperty set = lookup(property);
    if (set != null) {
      description.append("\n    Value: \"").append(set.getValue()).append('"');
      if (set.getOrigin() != null) {
        description.append("\n    Origin: ").append(set.getOrigin());
      }
    }
    return new FailureAnalysis(description.toString(), "Set " + property + " to a value it allows (above), or"
        + " remove it to use the default. docs/spring-boot.md lists every barrel.p2p property with its default"
        + " and allowed values; IDEs complete them from the starter's configuration metadata.", cause);
  }

  /**
   * The property a refusal is about: named in the message (most core records do), or else found
   * among the components of the innermost record being bound, from the words the message starts
   * with ({@code "max attempts must be 1..10"} under {@code barrel.p2p.rpc.call-defaults.policy}).
   */
  private static @Nullable String refusedProperty(Throwable failure, String message) {
    Matcher m = PROPERTY.matcher(message);
    if (m.find()) {
      return m.group();
    }
    BindException innermost = null;
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof BindException bind) {
        innermost = bind;
      }
    }
    Class<?> type = innermost == null ? null : innermost.getTarget().getType().resolve();
    if (type == null || !type.isRecord()) {
      return null;
    }
    List<String> components = Arrays.stream(type.getRecordComponents())
        .map(c -> CoreDefaultProperties.kebab(c.getName())).toList();
    String record = innermost.getName().toString();
    return MessageSubject.find(message, components).map(c -> record + "." + c).orElse(null);
  }

  private @Nullable ConfigurationProperty lookup(String property) {
    if (environment == null || !ConfigurationPropertyName.isValid(property)) {
      return null;
    }
    ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty found = source.getConfigurationProperty(name);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
