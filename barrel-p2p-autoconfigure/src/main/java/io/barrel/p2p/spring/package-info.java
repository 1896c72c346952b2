/**
 * barrel-p2p's Spring programming model: {@link io.barrel.p2p.spring.P2pService} publishes a bean
 * cluster-wide, {@link io.barrel.p2p.spring.ImportP2pServices} declares the service interfaces to
 * inject as proxies. The starter's auto-configuration does the rest.
 */
package io.barrel.p2p.spring;
