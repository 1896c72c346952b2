/**
 * Finding a peer's address from its node name: the {@link io.barrel.p2p.discovery.Discovery}
 * SPI, the static, file and DNS backends, and the {@link io.barrel.p2p.discovery.DiscoveryChain}
 * that asks them in order.
 */
package io.barrel.p2p.discovery;
