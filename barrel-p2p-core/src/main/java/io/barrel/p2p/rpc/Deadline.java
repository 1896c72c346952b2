package io.barrel.p2p.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How long a caller waits for a method (or every method of an interface) by default, in
 * milliseconds; 0 means no deadline. Call options given to a proxy for the method override it, the
 * method's annotation overrides its interface's, and either overrides the service's call policy.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Deadline {

  /** Milliseconds the caller waits, counted from the call, retries included; 0 = none. */
  long millis();
}
