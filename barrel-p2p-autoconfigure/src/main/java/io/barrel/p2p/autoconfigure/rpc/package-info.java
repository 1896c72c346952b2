/**
 * barrel-p2p starter: RPC in Spring. Publishes {@code @P2pService} beans, makes the proxies of
 * {@code @ImportP2pServices} interfaces, provides the {@code ServiceLocator} bean, drains calls on
 * shutdown and registers the runtime hints a native image needs for them.
 */
package io.barrel.p2p.autoconfigure.rpc;
