package io.barrel.p2p.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code void} service method as fire-and-forget: the caller returns once the request is
 * written, and the server sends nothing back, not even a failure. Without it a {@code void} method
 * waits for the server to finish (and reports its exceptions).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OneWay {}
