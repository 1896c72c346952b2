/** barrel-p2p starter: the endpoint integration, active only when its Spring Boot module is present. */
package io.barrel.p2p.autoconfigure.endpoint;
