package io.barrel.p2p.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service method (or every method of a service interface) as safe to run more than once,
 * which makes it eligible for retries on another instance after a failure that leaves open whether
 * it ran (deadline, lost connection). Methods without it are never retried after such failures.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {}
