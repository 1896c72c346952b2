/** A Spring Boot application on the barrel-p2p starter. */
package io.barrel.p2p.sample;
